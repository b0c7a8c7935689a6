/**
 * Trial 4, live: tcpreplay --topspeed offers the mix on one end of the
 * benchmark's own veth; pktkit, tcpdump -w /dev/null and node cap capture on
 * the other end in turn. Reported: offered pps, captured, kernel drops, ring
 * drops, and CPU seconds of the capturing process from the moment it was ready
 * until it was stopped (its start-up excluded). Targets: zero ring drops
 * wherever tcpdump has zero kernel drops; CPU/packet ≤ tcpdump's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InputFile } from '../gen/generate';
import { count, num, si } from '../harness/format';
import { compileChildren, compiledChild } from '../harness/compile';
import { cpuSecondsOf, namespacesUnavailable, replay, stop, watch, withSilentPair, type NetPair } from '../harness/live-net';
import { runAsyncTable, type AsyncDriver } from '../harness/run-async-table';
import { newTable } from '../harness/run-table';
import type { BenchContext, Metrics, Table } from '../harness/types';
import { hasCommand } from '../drivers/build';
import { addonMissing } from '../drivers/pktkit';
import { describeInput } from './inputs';

interface Capturer {
  name: string;
  unavailable(ctx: BenchContext): string | undefined;
  /** Command and arguments, run inside the receiving namespace. */
  command(ctx: BenchContext, iface: string): [string, string[]];
  ready: RegExp;
  stopSignal: NodeJS.Signals;
  /** The capturer's own counters from its output after it stopped. */
  parse(stdout: string, stderr: string): Metrics;
}

const nodeChild = (ctx: BenchContext, name: string, iface: string): [string, string[]] =>
  [process.execPath, [compiledChild(ctx, name), iface]];

function resultLine(stdout: string): Metrics {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error('the capturer printed no RESULT line');
  return JSON.parse(line.slice(7)) as Metrics;
}

const PKTKIT: Capturer = {
  name: 'pktkit openLive + batches()',
  unavailable: (ctx) => addonMissing(ctx) ?? compileChildren(ctx),
  command: (ctx, iface) => nodeChild(ctx, 'pktkit-live', iface),
  ready: /READY/,
  stopSignal: 'SIGTERM',
  parse: (stdout) => resultLine(stdout),
};

const TCPDUMP: Capturer = {
  name: 'tcpdump -w /dev/null',
  unavailable: () => (hasCommand('tcpdump') ? undefined : 'tcpdump is not installed'),
  // -n: no lookups; -B 2048: the same 2 MiB kernel buffer as the others (tcpdump's default too).
  command: (_ctx, iface) => ['tcpdump', ['-n', '-i', iface, '-B', '2048', '-w', '/dev/null']],
  ready: /listening on/,
  stopSignal: 'SIGINT',
  parse: (_stdout, stderr) => {
    const n = (re: RegExp): number => Number(re.exec(stderr)?.[1] ?? NaN);
    return {
      captured: n(/(\d+) packets? captured/), receivedByFilter: n(/(\d+) packets? received by filter/),
      kernelDrops: n(/(\d+) packets? dropped by kernel/),
    };
  },
};

const CAP: Capturer = {
  name: 'node cap (Cap.open + decoders)',
  unavailable: (ctx) => (fs.existsSync(path.join(ctx.root, 'bench', 'peers', 'node_modules', 'cap', 'build', 'Release', 'cap.node'))
    ? compileChildren(ctx) : 'node cap is not installed (run scripts/bench-setup.sh)'),
  command: (ctx, iface) => nodeChild(ctx, 'cap-live', iface),
  ready: /READY/,
  stopSignal: 'SIGTERM',
  parse: (stdout) => resultLine(stdout),
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function oneRun(ctx: BenchContext, net: NetPair, c: Capturer, input: InputFile): Promise<Metrics> {
  const [cmd, args] = c.command(ctx, net.ifB);
  const child = net.spawn(net.nsB, cmd, args, { cwd: ctx.root });
  const w = watch(child, c.ready);
  try {
    await w.ready;
    // libpcap reports "listening" once the socket is bound; give the ring a moment to be mapped and polled.
    await sleep(300);
    const cpu0 = cpuSecondsOf(child.pid as number);
    const offered = await replay(net, input.path);
    await sleep(1500); // let the capturer drain what the kernel buffered
    const cpu = cpuSecondsOf(child.pid as number) - cpu0;
    await stop(child, c.stopSignal);
    const m = c.parse(w.out(), w.err());
    return {
      ...m, offered: offered.sent, offeredPps: offered.pps, replayFailed: offered.failed, cpuSeconds: cpu,
      lost: offered.sent - m.captured,
      cpuNsPerPacket: m.captured > 0 ? (cpu * 1e9) / m.captured : NaN,
    };
  } finally {
    await stop(child, 'SIGKILL');
  }
}

const COLUMNS: Table['columns'] = [
  { key: 'offeredPps', heading: 'offered pps', format: si },
  { key: 'offered', heading: 'offered', format: count },
  { key: 'captured', heading: 'captured', format: count },
  { key: 'lost', heading: 'lost (offered − captured)', format: count },
  { key: 'kernelDrops', heading: 'kernel drops', format: count },
  { key: 'ringDrops', heading: 'ring drops', format: count },
  { key: 'cpuSeconds', heading: 'CPU s', format: (v) => v.toFixed(2) },
  { key: 'cpuNsPerPacket', heading: 'CPU ns/packet', format: num },
];

/** Runs trial 4. */
export async function liveTrial(ctx: BenchContext): Promise<Table[]> {
  const input = ctx.input('mix');
  const t = newTable({ trial: 'live', title: '4. live: capture on a veth while tcpreplay --topspeed offers the mix',
    input: describeInput(input), columns: COLUMNS, throughput: false });
  const nsWhy = namespacesUnavailable() ?? (hasCommand('tcpreplay') ? undefined : 'tcpreplay is not installed');
  const drivers = [PKTKIT, TCPDUMP, CAP].map((c): AsyncDriver<NetPair> => ({
    name: c.name, unavailable: c.unavailable, run: (_ctx, net) => oneRun(ctx, net, c, input),
  }));
  await runAsyncTable(ctx, t, drivers, nsWhy, withSilentPair);
  const med = (driver: string, key: string): number | undefined =>
    t.rows.find((r) => r.driver === driver && !r.skipped)?.metrics[key]?.median;
  t.notes.push('Each run: the capturer starts inside the receiving namespace; once it is listening, tcpreplay sends the whole ' +
    'file once from the other namespace; 1.5 s later the capturer is stopped. CPU is read from /proc between ready and stop. ' +
    'The same 2 MiB kernel buffer for all; node cap has no drop counters.');
  const tdDrops = med(TCPDUMP.name, 'kernelDrops');
  const ring = t.rows.find((r) => r.driver === PKTKIT.name && !r.skipped)?.metrics.ringDrops;
  if (tdDrops === undefined || !ring) t.notes.push('target zero ring drops where tcpdump has zero kernel drops: not measured here');
  else if (tdDrops > 0) t.notes.push(`target zero ring drops where tcpdump has zero kernel drops: not applicable (tcpdump dropped ${count(tdDrops)} in the median run); pktkit ring drops ${count(ring.median)} [${count(ring.min)}–${count(ring.max)}]`);
  else t.notes.push(`target zero ring drops where tcpdump has zero kernel drops: ${ring.max === 0 ? 'met' : 'MISSED'} (pktkit ring drops ${count(ring.median)} [${count(ring.min)}–${count(ring.max)}])`);
  const cpuP = med(PKTKIT.name, 'cpuNsPerPacket');
  const cpuT = med(TCPDUMP.name, 'cpuNsPerPacket');
  if (cpuP !== undefined && cpuT !== undefined) {
    t.notes.push(`target CPU/packet ≤ tcpdump's: ${cpuP <= cpuT ? 'met' : 'MISSED'} (pktkit ${num(cpuP)} ns, tcpdump ${num(cpuT)} ns)`);
  } else t.notes.push("target CPU/packet ≤ tcpdump's: not measured here");
  return [t];
}
