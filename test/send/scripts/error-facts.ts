/**
 * Inside a test namespace: what the send functions say when the kernel
 * refuses (a packet over the MTU after one that went out, no route, a missing
 * interface, an interface that is down). Takes `down` down itself, last.
 *   node --import tsx test/send/scripts/error-facts.ts '{"peer4","own4","peerMac","iface","unrouted"}'
 */
import { execFileSync } from 'node:child_process';
import { Ether, ICMP, IP, send, sendp } from '../../../lib/index';
import { report } from '../../helpers/report';

type Facts = { name: string; code?: string; sent?: number; message: string } | { resolved: unknown };

async function attempt(fn: () => Promise<unknown>): Promise<Facts> {
  try {
    return { resolved: await fn() };
  } catch (e) {
    const err = e as Error & { code?: string; sent?: number };
    return { name: err.name, code: err.code, sent: err.sent, message: err.message };
  }
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Record<string, string>;
  const small = IP({ dst: a.peer4 }).div(ICMP());
  const big = IP({ dst: a.peer4 }).div(ICMP()).div('x'.repeat(3000)); // over the veth's MTU of 1500
  const out: Record<string, Facts> = {};
  out.tooBig = await attempt(() => send([small, big]));
  out.unrouted = await attempt(() => send(IP({ dst: a.unrouted }).div(ICMP())));
  out.missing = await attempt(() => sendp(Ether({ dst: a.peerMac }).div(small), { iface: 'pktkitnope0' }));
  execFileSync('ip', ['link', 'set', a.iface, 'down']);
  // Every field given: with the link down there is no route to fill them from.
  const framed = Ether({ dst: a.peerMac, src: '02:00:00:00:00:01' })
    .div(IP({ dst: a.peer4, src: a.own4 }))
    .div(ICMP());
  out.down = await attempt(() => sendp(framed, { iface: a.iface }));
  report(out);
}

main().catch((err: unknown) => report({ error: (err as Error).stack }));
