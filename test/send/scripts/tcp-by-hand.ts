/**
 * A whole TCP connection crafted by hand from nsA, the seed article's way:
 * 3-way handshake, one PSH/ACK with MESSAGE, the server's reply, the 4-way
 * teardown. nsA's kernel would reset the connection it knows nothing about;
 * pktkit's rstGuard() drops exactly those RSTs while the conversation lasts.
 * Every seq/ack after the first SYN is computed from the replies. Reports one
 * JSON line per step, and the guard's table and counters.
 *   node --import tsx test/send/scripts/tcp-by-hand.ts '{"dst","port","sport","message"}'
 */
import { execFileSync } from 'node:child_process';
import { IP, rstGuard, send, sr, sr1, TCP, type Layer } from '../../../lib/index';
import { report } from '../../helpers/report';

const ISN = 0x7fff0000;

function tcpOf(l: Layer | undefined): { seq: number; ack: number; flags: string; load: string } | undefined {
  const t = l?.get(TCP);
  if (!t) return undefined;
  const pay = t.payload && t.payload.layerName !== 'Padding' ? Buffer.from(t.payload.toBytes()).toString() : '';
  return { seq: t.seq, ack: t.ack, flags: t.fieldRepr('flags'), load: pay };
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as { dst: string; port: number; sport: number; message: string };
  await using guard = await rstGuard({ dst: a.dst, dport: a.port, sport: a.sport });
  report({ step: 'guard', table: guard.table, tables: execFileSync('nft', ['list', 'tables']).toString() });
  const seg = (fields: { seq: number; ack?: number; flags: string }) =>
    IP({ dst: a.dst }).div(TCP({ sport: a.sport, dport: a.port, window: 65535, ...fields }));

  // 1. SYN -> SYN/ACK
  const synack = tcpOf(await sr1(seg({ seq: ISN, flags: 'S' }), { timeout: 2000 }));
  report({ step: 'synack', tcp: synack });
  if (!synack) return;
  let mySeq = ISN + 1;
  let peerNext = (synack.seq + 1) >>> 0;

  // 2. ACK: the handshake is complete.
  await send(seg({ seq: mySeq, ack: peerNext, flags: 'A' }));

  // 3. PSH/ACK with the message; the server ACKs it and replies (one segment or two).
  const data = await sr(seg({ seq: mySeq, ack: peerNext, flags: 'PA' }).div(a.message), { multi: true, timeout: 800 });
  const replies = data.answered.map(([, got]) => tcpOf(got)!);
  report({ step: 'data', replies });
  mySeq = (mySeq + a.message.length) >>> 0;
  const reply = replies.find((r) => r.load.length > 0);
  if (!reply) return;
  peerNext = (reply.seq + reply.load.length) >>> 0;

  // 4. ACK the reply, then FIN/ACK; the server ACKs our FIN and sends its own.
  await send(seg({ seq: mySeq, ack: peerNext, flags: 'A' }));
  const fin = await sr(seg({ seq: mySeq, ack: peerNext, flags: 'FA' }), { multi: true, timeout: 800 });
  const finReplies = fin.answered.map(([, got]) => tcpOf(got)!);
  report({ step: 'fin', replies: finReplies, mySeq, peerNext });
  const peerFin = finReplies.find((r) => r.flags.includes('F'));
  if (!peerFin) return;

  // 5. The last ACK, for the server's FIN.
  await send(seg({ seq: (mySeq + 1) >>> 0, ack: (peerFin.seq + 1) >>> 0, flags: 'A' }));
  report({ step: 'done', dropped: await guard.dropped() });
}

main()
  .then(() => report({ step: 'closed', tables: execFileSync('nft', ['list', 'tables']).toString() }))
  .catch((err: unknown) => {
    report({ error: { message: (err as Error).message, stack: (err as Error).stack } });
  });
