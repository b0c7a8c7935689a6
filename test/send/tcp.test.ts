/**
 * TCP crafted by hand against a real Node `net` server in nsB: sr1 of a SYN
 * gets the SYN/ACK; then a whole connection (handshake, data both ways, 4-way
 * teardown) where each seq/ack comes from the server's replies. nsA's kernel
 * would reset the connection it knows nothing about; pktkit's RST guard (the
 * rstGuard option of sr1, or rstGuard() for a whole conversation) drops those
 * RSTs. The test writes no firewall command of its own: it only lists tables.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';
import path from 'node:path';
import { makeTempDir } from '../helpers/loopback';
import { countPcapRecords } from '../helpers/pcap-file';
import { startTcpdump } from '../helpers/tcpdump';

const PORT = 8080;
const MESSAGE = 'hello from a crafted segment\n';

/** Starts a Node TCP server in nsB that reports its events as JSON lines and answers `echo:` + data. */
async function startServer(net: NetPair): Promise<{ events: Array<Record<string, unknown>> }> {
  const server = net.spawn(net.nsB, process.execPath, [
    '-e',
    `const log = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
     require('net').createServer((s) => {
       log({ event: 'connection', remote: s.remoteAddress + ':' + s.remotePort });
       s.on('data', (d) => { log({ event: 'data', data: d.toString() }); s.write('echo:' + d); });
       s.on('end', () => log({ event: 'end' }));
       s.on('close', (hadError) => log({ event: 'close', hadError }));
       s.on('error', (e) => log({ event: 'error', message: e.message }));
     }).listen(${PORT}, '${net.ipB}', () => log({ event: 'listening' }));`,
  ]);
  const events: Array<Record<string, unknown>> = [];
  let partial = '';
  server.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as Record<string, unknown>);
  });
  const deadline = Date.now() + 5000;
  while (!events.some((e) => e.event === 'listening')) {
    assert.ok(Date.now() < deadline, 'server did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { events };
}

/** tcpdump in nsB: the RSTs that nsA's kernel put on the wire. */
async function watchResets(net: NetPair, dir: string): Promise<{ stop(expected: number): Promise<number> }> {
  const file = path.join(dir, `rst-${net.nsB}.pcap`);
  const dump = await startTcpdump({
    ns: net.nsB,
    iface: net.ifB,
    filter: `tcp[tcpflags] & tcp-rst != 0 and src host ${net.ipA}`,
    file,
  });
  return {
    async stop(expected) {
      // Waits for the expected RSTs (or 5 s); when none are expected, long enough for a late one to show.
      await dump.stop(expected > 0 ? { packets: expected } : { settleMs: 500 });
      return countPcapRecords(file);
    },
  };
}

/** nsB's listener sends its SYN/ACK once: the one RST nsA's kernel can send for it is the answer to that one. */
async function noSynAckRetries(net: NetPair): Promise<void> {
  await net.execOk(net.nsB, 'sysctl', ['-qw', 'net.ipv4.tcp_synack_retries=0']);
}

describe('TCP by hand against a Node server', () => {
  it('sr1 of a SYN gets the SYN/ACK; without a guard the kernel answers it with a RST', async (t) => {
    const net = await createNetPair({ prefix: 'tsyn', t });
    await startServer(net);
    await noSynAckRetries(net);
    const dir = makeTempDir('tsyn');
    t.after(() => dir.remove());
    const resets = await watchResets(net, dir.path);
    const r = await runNodeInNs(net.nsA, 'test/send/scripts/sr-cases.ts', [
      'tcp-syn',
      JSON.stringify({ dst: net.ipB, port: PORT, sport: 41001 }),
    ]);
    const m = r.messages[0] as { result?: Record<string, unknown>; error?: unknown };
    assert.deepEqual(
      m.result,
      { answered: true, flags: 'SA', ack: 1001, sport: PORT, dport: 41001 },
      JSON.stringify(m) + r.stderr,
    );
    assert.equal(await resets.stop(1), 1, 'the control: nsA kernel reset the crafted connection');
  });

  it('sr1 with rstGuard: the same SYN/ACK, no RST on the wire, no table left afterwards', async (t) => {
    const net = await createNetPair({ prefix: 'tgrd', t });
    await startServer(net);
    await noSynAckRetries(net);
    const dir = makeTempDir('tgrd');
    t.after(() => dir.remove());
    const resets = await watchResets(net, dir.path);
    const r = await runNodeInNs(net.nsA, 'test/send/scripts/sr-cases.ts', [
      'tcp-syn',
      JSON.stringify({ dst: net.ipB, port: PORT, sport: 41002, rstGuard: true }),
    ]);
    const m = r.messages[0] as { result?: Record<string, unknown>; error?: unknown };
    assert.deepEqual(
      m.result,
      { answered: true, flags: 'SA', ack: 1001, sport: PORT, dport: 41002, tablesAfter: '' },
      JSON.stringify(m) + r.stderr,
    );
    assert.equal(await resets.stop(0), 0, 'the guard dropped the RST');
  });

  it('handshake, data both ways, 4-way teardown: seq/ack from the replies, bytes received by the server', async (t) => {
    const net = await createNetPair({ prefix: 'tcp', t });
    const server = await startServer(net);
    const sport = 41000 + (process.pid % 1000);
    const r = await runNodeInNs(
      net.nsA,
      'test/send/scripts/tcp-by-hand.ts',
      [JSON.stringify({ dst: net.ipB, port: PORT, sport, message: MESSAGE })],
      { timeoutMs: 20_000 },
    );
    type Seg = { seq: number; ack: number; flags: string; load: string };
    const step = <T>(name: string) => r.messages.find((m) => (m as { step?: string }).step === name) as T | undefined;
    const err = r.messages.find((m) => 'error' in (m as object));
    assert.equal(err, undefined, JSON.stringify(err));

    const guard = step<{ table: string; tables: string }>('guard');
    assert.ok(guard, `guard reported: ${r.stderr}`);
    assert.match(guard.table, /^pktkit_rst_\d+_\d+$/);
    assert.ok(guard.tables.includes(`table inet ${guard.table}`), guard.tables);
    const synack = step<{ tcp: Seg }>('synack')?.tcp;
    assert.ok(synack, `no SYN/ACK: ${r.stderr}`);
    assert.equal(synack.flags, 'SA');
    assert.equal(synack.ack, 0x7fff0001);

    const data = step<{ replies: Seg[] }>('data');
    assert.ok(data, 'data step reported');
    const dataEnd = 0x7fff0001 + MESSAGE.length;
    // Everything the server sent back acknowledges exactly our message.
    assert.ok(data.replies.length >= 1);
    for (const s of data.replies) assert.equal(s.ack, dataEnd, JSON.stringify(s));
    const reply = data.replies.find((s) => s.load.length > 0);
    assert.ok(reply, `the server's reply arrived: ${JSON.stringify(data.replies)}`);
    assert.equal(reply.load, `echo:${MESSAGE}`);
    assert.equal(reply.seq, synack.seq + 1);

    const fin = step<{ replies: Seg[]; mySeq: number; peerNext: number }>('fin');
    assert.ok(fin, 'fin step reported');
    assert.equal(fin.peerNext, (synack.seq + 1 + reply.load.length) >>> 0);
    // Our FIN is acknowledged (ack = its seq + 1), and the server closes its side in turn.
    assert.ok(
      fin.replies.some((s) => s.ack === dataEnd + 1),
      JSON.stringify(fin.replies),
    );
    const serverFin = fin.replies.find((s) => s.flags.includes('F'));
    assert.ok(serverFin, `server FIN: ${JSON.stringify(fin.replies)}`);
    assert.equal(serverFin.seq, fin.peerNext);
    const done = step<{ dropped: number[] }>('done');
    assert.ok(done, 'last ACK sent');
    // The kernel did try to reset the connection (at least at the SYN/ACK), and every RST was dropped.
    assert.ok(done.dropped[0] >= 1, JSON.stringify(done));
    assert.equal(step<{ tables: string }>('closed')?.tables, '', 'the guard removed its table when it ended');

    // The server really received the bytes, saw our FIN, and closed cleanly.
    const deadline = Date.now() + 3000;
    while (!server.events.some((e) => e.event === 'close') && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    const events = server.events.filter((e) => e.event !== 'listening');
    assert.deepEqual(events, [
      { event: 'connection', remote: `${net.ipA}:${sport}` },
      { event: 'data', data: MESSAGE },
      { event: 'end' },
      { event: 'close', hadError: false },
    ]);
    // The last ACK completed the close: no socket is left waiting for it (LAST-ACK) on the server.
    const ss = await net.execOk(net.nsB, 'ss', ['-tan', 'state', 'last-ack']);
    assert.ok(!ss.stdout.includes(`${net.ipB}:${PORT}`), ss.stdout);
  });
});
