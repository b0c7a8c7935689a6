/**
 * Scapy habits on real traffic, run inside nsA: sniff() while the test pings,
 * sr() answers with their times and printed lists, srloop's printing, and the
 * send functions stopped by a signal.
 *   node --import tsx test/send/scripts/habits-cases.ts CASE '{...}'
 */
import {
  Ether,
  ICMP,
  IP,
  range,
  send,
  sendp,
  sendpfast,
  sniff,
  sr,
  srloop,
  UDP,
  len,
  type Layer,
} from '../../../lib/index';
import { report } from '../../helpers/report';

type Args = Record<string, string | number>;
const hex = (l: Layer): string => Buffer.from(l.toBytes()).toString('hex');

const cases: Record<string, (a: Args) => Promise<void>> = {
  async sniff(a) {
    const started = Date.now() / 1000;
    const pending = sniff({ iface: String(a.iface), filter: 'icmp', count: 4, timeout: 15_000 });
    // sniff() opened the capture before returning its promise: packets sent from now on are seen.
    report({ ready: true });
    const pl = await pending;
    report({
      repr: String(pl),
      packets: pl.map((p) => ({ hex: hex(p), time: p.time, len: len(p), summary: p.summary() })),
      started,
      ended: Date.now() / 1000,
    });
  },

  async 'sr-lists'(a) {
    const before = Date.now() / 1000;
    const r = await sr(
      [
        IP({ dst: String(a.dst) }).div(ICMP({ id: 0x51, seq: 1 })),
        IP({ dst: String(a.dst) }).div(UDP({ sport: 33333, dport: 9 })),
      ],
      { timeout: 2000 },
    );
    report({
      repr: String(r.answered),
      unrepr: String(r.unanswered),
      summary: r.answered.summary(),
      pairs: r.answered.map(([s, g]) => ({ sent: hex(s), got: hex(g), time: g.time })),
      before,
      after: Date.now() / 1000,
    });
  },

  async 'sr-set'(a) {
    // One packet set: two closed ports on each of two hosts of the pair's subnet (only .2 exists).
    const r = await sr(IP({ dst: [String(a.dst), String(a.silent)] }).div(UDP({ sport: 33400, dport: range(9, 10) })), {
      timeout: 1500,
    });
    report({
      answered: r.answered.map(([s, g]) => ({ sent: s.summary(), got: g.summary() })),
      unanswered: r.unanswered.map((p) => p.summary()),
    });
  },

  async srloop(a) {
    // What srloop prints on stdout, byte for byte (the report line goes out after the original write is back).
    let printed = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => (
      (printed += String(chunk)),
      true
    )) as typeof process.stdout.write;
    try {
      await srloop(
        [IP({ dst: String(a.dst) }).div(ICMP({ id: 0x52 })), IP({ dst: String(a.silent) }).div(ICMP({ id: 0x53 }))],
        { count: 2, interval: 200, timeout: 1000 },
      );
    } finally {
      process.stdout.write = write;
    }
    report({ printed });
  },

  async abort(a) {
    const frames = Ether({ dst: String(a.dstMac) })
      .div(IP({ dst: String(a.dst) }))
      .div(UDP({ sport: 30000, dport: Number(a.port) }))
      .div('abort-me');
    const ac = new AbortController();
    const fn = String(a.fn);
    const call =
      fn === 'sendpfast'
        ? sendpfast(frames, { iface: String(a.iface), count: 1_000_000, pps: 2000, signal: ac.signal })
        : fn === 'sendp'
          ? sendp(frames, { iface: String(a.iface), count: 1_000_000, inter: 5, signal: ac.signal })
          : send(frames.payload!, { count: 1_000_000, inter: 5, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    const result = await call;
    const pre = new AbortController();
    pre.abort();
    const none = await send(frames.payload!, { count: 10, signal: pre.signal });
    report({ result, none });
  },
};

const [name, json] = process.argv.slice(2);
cases[name](JSON.parse(json) as Args).catch((err: unknown) =>
  report({ error: { message: (err as Error).message, stack: (err as Error).stack } }),
);
