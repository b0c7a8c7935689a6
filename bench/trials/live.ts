/**
 * Trial 4, live: two senders in turn (tcpreplay --topspeed, and the sendmmsg
 * sender of bench/c) offer the mix on one end of the benchmark's own veth;
 * capturers take turns on the other end: pktkit openLive + batches() (also with waitInPlace 0), the
 * pktkit CLI writing a file, tcpdump -w /dev/null, tcpdump -w FILE, pktkit
 * on its libpcap engine, node cap.
 * The sender is pinned to CPU 0 and the capturer to CPU 1 (taskset), and every
 * capturer gets the same 2 MiB kernel buffer. Every packet sent and not
 * delivered to the capturer counts as lost, wherever it was lost (kernel,
 * ring, or a packet the capturer never saw). CPU of the capturing process (all
 * its threads) from /proc between "ready" and "stopped".
 * Targets: pktkit loses no packet in any run where tcpdump -w /dev/null loses
 * none, at no more CPU per packet; `pktkit capture -w FILE` keeps up where
 * `tcpdump -w FILE` does, at no more CPU per packet.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InputFile } from '../gen/generate';
import { count, num, si } from '../harness/format';
import { compileChildren, compiledChild } from '../harness/compile';
import {
  cpuSecondsOf,
  namespacesUnavailable,
  parseTcpreplay,
  stop,
  watch,
  withSilentPair,
  type NetPair,
} from '../harness/live-net';
import { runAsyncTable, type AsyncDriver } from '../harness/run-async-table';
import { newTable } from '../harness/run-table';
import type { BenchContext, Metrics, Row, Table } from '../harness/types';
import { buildIfStale, hasCommand } from '../drivers/build';
import { addonMissing } from '../drivers/pktkit';
import { describeInput } from './inputs';

/** The kernel buffer every capturer gets, in KiB (libpcap's and tcpdump's default). */
const BUFFER_KIB = 2048;
/** CPUs of the sender and of the capturer (taskset -c). */
const SENDER_CPU = '0';
const CAPTURER_CPU = '1';
/** Longest a sender may run, however many packets remain: the loops stay bounded in time. */
const SEND_MAX_SECONDS = 120;

/** Why the two processes cannot be pinned to CPUs of their own, or undefined. */
function pinningUnavailable(): string | undefined {
  if (!hasCommand('taskset')) return 'taskset (util-linux) is not installed';
  if (os.availableParallelism() < 2) return 'fewer than 2 CPUs';
  return undefined;
}

/** `cmd args` pinned to `cpu` when pinning is possible. */
function pinned(cpu: string, cmd: string, args: string[]): [string, string[]] {
  return pinningUnavailable() ? [cmd, args] : ['taskset', ['-c', cpu, cmd, ...args]];
}

/**
 * Runs `fn` with this process (all its threads) on the sender's CPU only, then puts its affinity back.
 * The harness is idle while traffic flows, yet V8 does its housekeeping then: traced on the capturer's
 * CPU during one run, this process's major GC (concurrent marking, sweeping) took 20-25% of that CPU
 * for 100 ms at a time, and the capturer lost 15,172 packets against 405 in the run beside it that had
 * none. Children spawned meanwhile (the sender) are pinned by taskset themselves.
 */
async function offCapturerCpu<T>(fn: () => Promise<T>): Promise<T> {
  if (pinningUnavailable()) return fn();
  const pid = String(process.pid);
  const mask = /:\s*([0-9a-f]+)\s*$/i.exec(spawnSync('taskset', ['-p', pid], { encoding: 'utf8' }).stdout ?? '')?.[1];
  if (!mask || spawnSync('taskset', ['-a', '-p', '-c', SENDER_CPU, pid]).status !== 0) return fn();
  try {
    return await fn();
  } finally {
    spawnSync('taskset', ['-a', '-p', mask, pid]);
  }
}

/** Where capturers write files: RAM (/dev/shm) when there, so that the disk's speed is nobody's. */
function scratchFile(ctx: BenchContext, name: string): string {
  const dir = fs.existsSync('/dev/shm') ? '/dev/shm' : ctx.dataDir;
  return path.join(dir, `pktkit-bench-${process.pid}-${name}.pcap`);
}

/** A capturing program the trial runs in the receiving namespace (bench/live-probe.ts reuses them). */
export interface Capturer {
  name: string;
  unavailable(ctx: BenchContext): string | undefined;
  /** Command and arguments, run inside the receiving namespace; `file` is where writers write. */
  command(ctx: BenchContext, iface: string, file: string): [string, string[]];
  ready: RegExp;
  stopSignal: NodeJS.Signals;
  /** The capturer's own counters (captured at least) from its output after it stopped. */
  parse(stdout: string, stderr: string): Metrics;
  /** True when it writes `file`. */
  writes?: boolean;
}

const nodeChild = (ctx: BenchContext, name: string, args: string[]): [string, string[]] => [
  process.execPath,
  [compiledChild(ctx, name), ...args],
];

function resultLine(stdout: string): Metrics {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error('the capturer printed no RESULT line');
  return JSON.parse(line.slice(7)) as Metrics;
}

/** tcpdump's (and the pktkit CLI's, which prints the same) end-of-capture counters. */
function tcpdumpCounters(stderr: string): Metrics {
  const n = (re: RegExp): number => Number(re.exec(stderr)?.[1] ?? NaN);
  const m: Metrics = {
    captured: n(/(\d+) packets? captured/),
    receivedByFilter: n(/(\d+) packets? received by filter/),
    kernelDrops: n(/(\d+) packets? dropped by kernel/),
  };
  const ring = n(/(\d+) packets? dropped by ring/);
  if (Number.isFinite(ring)) m.ringDrops = ring;
  if (!Number.isFinite(m.captured)) throw new Error(`no "packets captured" line: ${stderr.trim().slice(-200)}`);
  return m;
}

/** The engines pktkit's live child reported (it prints `ENGINE name`), for the notes. */
const engines = new Set<string>();

/** pktkit openLive + batches(), reading five fields per packet (bench/child/pktkit-live.ts). */
export const PKTKIT: Capturer = {
  name: 'pktkit openLive + batches()',
  unavailable: (ctx) => addonMissing(ctx) ?? compileChildren(ctx),
  command: (ctx, iface) => nodeChild(ctx, 'pktkit-live', [iface, String(BUFFER_KIB * 1024)]),
  ready: /READY/,
  stopSignal: 'SIGTERM',
  parse: (stdout) => {
    const engine = /^ENGINE (\S+)/m.exec(stdout)?.[1];
    if (engine) engines.add(engine);
    return resultLine(stdout);
  },
};

/** The same child with other arguments after IFACE and BUFFER_BYTES; only the default row names the engine. */
function pktkitWith(name: string, args: string[]): Capturer {
  return {
    ...PKTKIT,
    name,
    command: (ctx, iface) => nodeChild(ctx, 'pktkit-live', [iface, String(BUFFER_KIB * 1024), ...args]),
    parse: (stdout) => resultLine(stdout),
  };
}

/** The same through libpcap (engine: 'libpcap'): the fallback engine, which copies each packet. */
const PKTKIT_LIBPCAP = pktkitWith("pktkit openLive + batches(), engine 'libpcap'", ['libpcap']);

/**
 * The same without waiting in place (`waitInPlace: 0`): every block wakes JS through the event
 * loop, as before e1b1098. Beside the default row, it shows what the wait saves in this run.
 */
const PKTKIT_NO_WAIT = pktkitWith('pktkit openLive + batches(), waitInPlace 0', ['auto', '0']);

/** pktkit capture -w FILE: the CLI's write-only path (native writev from the ring). */
export const PKTKIT_CLI: Capturer = {
  name: 'pktkit capture -w FILE (CLI)',
  unavailable: (ctx) => addonMissing(ctx) ?? compileChildren(ctx),
  command: (ctx, iface, file) => [
    process.execPath,
    [compiledCli(ctx), 'capture', '-n', '-i', iface, '-B', String(BUFFER_KIB), '-w', file],
  ],
  ready: /listening on/,
  stopSignal: 'SIGINT',
  parse: (_stdout, stderr) => tcpdumpCounters(stderr),
  writes: true,
};

/** tcpdump -w /dev/null with the same kernel buffer. */
export const TCPDUMP: Capturer = {
  name: 'tcpdump -w /dev/null',
  unavailable: () => (hasCommand('tcpdump') ? undefined : 'tcpdump is not installed'),
  // -n: no lookups; -B: the same kernel buffer as the others (2 MiB is tcpdump's default too).
  command: (_ctx, iface) => ['tcpdump', ['-n', '-i', iface, '-B', String(BUFFER_KIB), '-w', '/dev/null']],
  ready: /listening on/,
  stopSignal: 'SIGINT',
  parse: (_stdout, stderr) => tcpdumpCounters(stderr),
};

/** tcpdump -w FILE with the same kernel buffer. */
export const TCPDUMP_FILE: Capturer = {
  name: 'tcpdump -w FILE',
  unavailable: TCPDUMP.unavailable,
  command: (_ctx, iface, file) => ['tcpdump', ['-n', '-i', iface, '-B', String(BUFFER_KIB), '-w', file]],
  ready: /listening on/,
  stopSignal: 'SIGINT',
  parse: (_stdout, stderr) => tcpdumpCounters(stderr),
  writes: true,
};

const CAP: Capturer = {
  name: 'node cap (Cap.open + decoders)',
  unavailable: (ctx) =>
    fs.existsSync(path.join(ctx.root, 'bench', 'peers', 'node_modules', 'cap', 'build', 'Release', 'cap.node'))
      ? compileChildren(ctx)
      : 'node cap is not installed (run scripts/bench-setup.sh)',
  command: (ctx, iface) => nodeChild(ctx, 'cap-live', [iface]),
  ready: /READY/,
  stopSignal: 'SIGTERM',
  parse: (stdout) => resultLine(stdout),
};

/** The CLI compiled with the children (bench/out/dist), so that it loads the addon snapshot as they do. */
function compiledCli(ctx: BenchContext): string {
  return path.join(ctx.outDir, 'dist', 'lib', 'cli', 'main.js');
}

/** A sending program, pinned to the sender's CPU in the other namespace. */
export interface Sender {
  name: string;
  unavailable(ctx: BenchContext): string | undefined;
  /** Sends the input once from nsA, pinned; what the sender itself reports. */
  send(ctx: BenchContext, net: NetPair, input: InputFile): Promise<{ sent: number; pps: number; failed: number }>;
}

/** tcpreplay --topspeed, one pass over the input. */
export const TCPREPLAY: Sender = {
  name: 'tcpreplay --topspeed',
  unavailable: () => (hasCommand('tcpreplay') ? undefined : 'tcpreplay is not installed'),
  send: async (_ctx, net, input) => {
    const [cmd, args] = pinned(SENDER_CPU, 'tcpreplay', ['--topspeed', '-i', net.ifA, input.path]);
    // Bounded: one pass over a finite file.
    const r = await net.execOk(net.nsA, cmd, args, { timeoutMs: SEND_MAX_SECONDS * 1000 + 30_000 });
    const p = parseTcpreplay(r.stdout);
    return { sent: p.sent, pps: p.pps, failed: p.failed };
  },
};

/** The sendmmsg sender's binary. */
function senderBinary(ctx: BenchContext): string {
  return path.join(ctx.outDir, 'sendmmsg-send');
}

/** Builds bench/c/sendmmsg-send.cc; why not, or undefined. */
export function buildSender(ctx: BenchContext): string | undefined {
  if (!hasCommand('g++')) return 'g++ is not installed';
  if (!fs.existsSync('/usr/include/pcap/pcap.h')) return 'libpcap-dev is not installed';
  const src = path.join(ctx.root, 'bench', 'c', 'sendmmsg-send.cc');
  return buildIfStale(senderBinary(ctx), [src], 'g++', ['-std=c++17', '-O2', '-o', senderBinary(ctx), src, '-lpcap']);
}

/** Runs the sendmmsg sender in nsA: `count` frames of `file` (replayed from its start as needed), paced to `pps` (0: top speed). */
export async function sendmmsg(ctx: BenchContext, net: NetPair, file: string, n: number, pps = 0): Promise<Metrics> {
  const [cmd, args] = pinned(SENDER_CPU, senderBinary(ctx), [
    net.ifA,
    file,
    String(n),
    String(pps),
    String(SEND_MAX_SECONDS),
  ]);
  const r = await net.execOk(net.nsA, cmd, args, { timeoutMs: SEND_MAX_SECONDS * 1000 + 30_000 });
  return resultLine(r.stdout);
}

/** bench/c's AF_PACKET sendmmsg sender at top speed. */
export const SENDMMSG: Sender = {
  name: 'sendmmsg ×64 (AF_PACKET, bench/c)',
  unavailable: buildSender,
  send: async (ctx, net, input) => {
    const m = await sendmmsg(ctx, net, input.path, input.count);
    return { sent: m.sent, pps: m.pps, failed: m.failed };
  },
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One run: `c` captures in nsB while `s` sends `input` once from nsA; the
 * capturer's counters, what was sent, lost (sent − captured) and its CPU.
 */
export async function oneRun(
  ctx: BenchContext,
  net: NetPair,
  c: Capturer,
  s: Sender,
  input: InputFile,
): Promise<Metrics> {
  const file = scratchFile(ctx, 'live');
  fs.rmSync(file, { force: true });
  const [cmd, args] = c.command(ctx, net.ifB, file);
  const [pcmd, pargs] = pinned(CAPTURER_CPU, cmd, args);
  // ip netns exec and taskset both exec: the child's pid is the capturer's own.
  const child = net.spawn(net.nsB, pcmd, pargs, { cwd: ctx.root });
  const w = watch(child, c.ready);
  try {
    await w.ready;
    // Ready is printed once the socket is bound; give the ring a moment to be mapped and polled.
    await sleep(300);
    const { offered, cpu } = await offCapturerCpu(async () => {
      const cpu0 = cpuSecondsOf(child.pid as number);
      const sent = await s.send(ctx, net, input);
      await sleep(1500); // let the capturer drain what the kernel buffered
      return { offered: sent, cpu: cpuSecondsOf(child.pid as number) - cpu0 };
    });
    await stop(child, c.stopSignal);
    const m = c.parse(w.out(), w.err());
    const out: Metrics = {
      ...m,
      offered: offered.sent,
      offeredPps: offered.pps,
      sendFailed: offered.failed,
      cpuSeconds: cpu,
      // Everything sent and not delivered, wherever it went (kernel, ring, or never seen).
      lost: offered.sent - m.captured,
      cpuNsPerPacket: m.captured > 0 ? (cpu * 1e9) / m.captured : NaN,
    };
    if (c.writes) out.fileMB = (fs.statSync(file, { throwIfNoEntry: false })?.size ?? NaN) / 1e6;
    return out;
  } finally {
    await stop(child, 'SIGKILL');
    fs.rmSync(file, { force: true });
  }
}

const COLUMNS: Table['columns'] = [
  { key: 'offeredPps', heading: 'offered pps', format: si },
  { key: 'offered', heading: 'sent', format: count },
  { key: 'captured', heading: 'captured', format: count },
  { key: 'lost', heading: 'lost (sent − captured)', format: count },
  { key: 'kernelDrops', heading: 'kernel drops', format: count },
  { key: 'ringDrops', heading: 'ring drops', format: count },
  { key: 'cpuSeconds', heading: 'CPU s', format: (v) => v.toFixed(2) },
  { key: 'cpuNsPerPacket', heading: 'CPU ns/packet', format: num },
  { key: 'fileMB', heading: 'file MB', format: (v) => v.toFixed(0) },
];

/** Each run's figure `key` of a row, in round order (runs are interleaved, so round i of two rows ran back to back). */
function perRun(row: Row | undefined, key: string): number[] {
  return (row?.runs ?? []).map((r) => r[key]);
}

/**
 * "X loses no packet in any run where Y loses none": rounds paired (round i of
 * X ran right after or before round i of Y, under the same sender).
 */
function lossTarget(what: string, x: Row | undefined, y: Row | undefined): string {
  const goal = `target ${what}`;
  const lx = perRun(x, 'lost');
  const ly = perRun(y, 'lost');
  const n = Math.min(lx.length, ly.length);
  if (n === 0) return `${goal}: not measured here`;
  const clean = [...Array(n).keys()].filter((i) => ly[i] <= 0);
  const fmt = (xs: number[]): string => xs.map(count).join(', ');
  const figures = `${x?.driver} lost ${fmt(lx.slice(0, n))}; ${y?.driver} lost ${fmt(ly.slice(0, n))} (per run)`;
  if (clean.length === 0) return `${goal}: not decided: ${y?.driver} lost packets in every run (${figures})`;
  const bad = clean.filter((i) => lx[i] > 0);
  return `${goal}: ${bad.length === 0 ? 'met' : 'MISSED'} (${x?.driver} lost packets in ${bad.length} of the ${clean.length} runs where ${y?.driver} lost none; ${figures})`;
}

function cpuTarget(what: string, x: Row | undefined, y: Row | undefined): string {
  const a = x?.metrics.cpuNsPerPacket?.median;
  const b = y?.metrics.cpuNsPerPacket?.median;
  if (a === undefined || b === undefined) return `target ${what}: not measured here`;
  return `target ${what}: ${a <= b ? 'met' : 'MISSED'} (${x?.driver} ${num(a)} ns, ${y?.driver} ${num(b)} ns; ratio ${(a / b).toFixed(2)})`;
}

/** Runs trial 4: one table per sender. */
export async function liveTrial(ctx: BenchContext): Promise<Table[]> {
  const input = ctx.input('mix');
  const tables: Table[] = [];
  const capturers = [PKTKIT, TCPDUMP, PKTKIT_CLI, TCPDUMP_FILE, PKTKIT_LIBPCAP, PKTKIT_NO_WAIT, CAP];
  for (const [letter, sender] of [
    ['a', TCPREPLAY],
    ['b', SENDMMSG],
  ] as const) {
    engines.clear();
    const t = newTable({
      trial: 'live',
      title: `4${letter}. live: capture on a veth while ${sender.name} sends the mix`,
      input: describeInput(input),
      columns: COLUMNS,
      throughput: false,
    });
    const nsWhy = namespacesUnavailable() ?? sender.unavailable(ctx);
    const drivers = capturers.map((c): AsyncDriver<NetPair> => ({
      name: c.name,
      unavailable: c.unavailable,
      run: (_ctx, net) => oneRun(ctx, net, c, sender, input),
    }));
    await runAsyncTable(ctx, t, drivers, nsWhy, withSilentPair);
    const row = (c: Capturer): Row | undefined => t.rows.find((r) => r.driver === c.name && !r.skipped);
    const pin = pinningUnavailable();
    t.notes.push(
      `Each run: the capturer starts inside the receiving namespace; once it is listening, ${sender.name} sends ` +
        `${count(input.count)} frames once from the other namespace; 1.5 s later the capturer is stopped. ` +
        (pin
          ? `Not pinned (${pin}). `
          : `Sender pinned to CPU ${SENDER_CPU}, capturer to CPU ${CAPTURER_CPU} (taskset). `) +
        `The same ${BUFFER_KIB / 1024} MiB kernel buffer for all. Lost = sent − captured: every packet sent and not delivered. ` +
        'CPU: the capturing process, all threads, from /proc between ready and stop (10 ms resolution). ' +
        'Files are written to /dev/shm. node cap has no drop counters.',
    );
    if (engines.size > 0)
      t.notes.push(
        `pktkit's engine (openLive's default, 'auto'): ${[...engines].join(', ')}; the libpcap row forces the fallback engine.`,
      );
    const waiting = row(PKTKIT)?.metrics.cpuNsPerPacket?.median;
    const notWaiting = row(PKTKIT_NO_WAIT)?.metrics.cpuNsPerPacket?.median;
    if (waiting !== undefined && notWaiting !== undefined)
      t.notes.push(
        `Waiting in place for the next block (openLive's default, waitInPlace 4 ms): ${num(waiting)} ns/packet of CPU ` +
          `against ${num(notWaiting)} with waitInPlace 0 (${(waiting / notWaiting).toFixed(2)}×).`,
      );
    t.notes.push(
      lossTarget(
        `pktkit loses no packet where tcpdump -w /dev/null loses none (${sender.name})`,
        row(PKTKIT),
        row(TCPDUMP),
      ),
    );
    t.notes.push(cpuTarget(`pktkit CPU/packet ≤ tcpdump -w /dev/null's (${sender.name})`, row(PKTKIT), row(TCPDUMP)));
    t.notes.push(
      lossTarget(
        `pktkit capture -w FILE keeps up where tcpdump -w FILE does (${sender.name})`,
        row(PKTKIT_CLI),
        row(TCPDUMP_FILE),
      ),
    );
    t.notes.push(
      cpuTarget(
        `pktkit capture -w CPU/packet ≤ tcpdump -w FILE's (${sender.name})`,
        row(PKTKIT_CLI),
        row(TCPDUMP_FILE),
      ),
    );
    tables.push(t);
  }
  return tables;
}
