/**
 * Runs inside the sending namespace: sends with one of the send functions and
 * reports what it says it sent.
 *   node --import tsx test/send/scripts/send-count.ts '{"fn","iface","dstMac","dst","port","count","distinct","pps"?,"inter"?}'
 * Frames are Ether/IP/UDP to `port` with the payload `frame-<i>`, i < distinct.
 */
import { Ether, IP, send, sendp, sendpfast, UDP } from '../../../lib/index';
import { report } from '../../helpers/report';

interface Args {
  fn: 'send' | 'sendp' | 'sendpfast' | 'sendpfast-bytes';
  iface: string;
  dstMac: string;
  dst: string;
  port: number;
  count: number;
  distinct: number;
  pps?: number;
  mbps?: number;
  inter?: number;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Args;
  const ip = (i: number) =>
    IP({ dst: a.dst })
      .div(UDP({ sport: 30000, dport: a.port }))
      .div(`frame-${i}`);
  const packets = Array.from({ length: a.distinct }, (_, i) => ip(i));
  const frames = packets.map((p) => Ether({ dst: a.dstMac }).div(p));
  // The JS thread stays free while sending: count timer ticks during the call.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  let result;
  if (a.fn === 'send') result = await send(packets, { count: a.count / a.distinct, inter: a.inter });
  else if (a.fn === 'sendp')
    result = await sendp(frames, { iface: a.iface, count: a.count / a.distinct, inter: a.inter });
  else if (a.fn === 'sendpfast-bytes') {
    // Frames already built (as the benchmark hands them): sent as given, Ether source included.
    const bytes = frames.map((f) => f.copy({ src: '02:00:00:00:00:aa' }).toBytes());
    result = await sendpfast(bytes, { iface: a.iface, count: a.count });
  } else result = await sendpfast(frames, { iface: a.iface, count: a.count, pps: a.pps, mbps: a.mbps });
  clearInterval(ticker);
  report({ result, ticks });
}

main().catch((err: unknown) => {
  const e = err as Error & { code?: string };
  report({ error: { name: e.name, code: e.code, message: e.message } });
});
