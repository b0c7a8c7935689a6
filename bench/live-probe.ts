/**
 * A closer look at the live trial's first two rows: pktkit openLive + batches()
 * and tcpdump -w /dev/null, run in turn, pinned and sent to exactly as in
 * bench/trials/live.ts (its own oneRun), with pktkit's child tracing every
 * batch (bench/child/live-trace.ts). `--node "FLAGS"` runs pktkit's child with
 * those Node/V8 flags, to test a suspicion (e.g. `--single-threaded`). Prints per run the loss of both and
 * where pktkit's drops began: the batches before, the GCs near them, and how
 * late JS was. Writes nothing under bench/ but bench/out/probe/.
 *   sudo nice -n -10 node --import tsx bench/live-probe.ts [--runs N] [--sender tcpreplay|sendmmsg] [--no-trace] [--no-tcpdump] [--node FLAGS] [--warm N] [--write]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate, type InputFile } from './gen/generate';
import { compileChildren } from './harness/compile';
import { withSilentPair } from './harness/live-net';
import type { BenchContext, Metrics } from './harness/types';
import {
  PKTKIT,
  PKTKIT_CLI,
  SENDMMSG,
  TCPDUMP,
  TCPDUMP_FILE,
  TCPREPLAY,
  buildSender,
  oneRun,
  type Capturer,
  type Sender,
} from './trials/live';

interface Trace {
  blockSize: number;
  batches: number[];
  gc: number[];
  threadCpuMs: Array<{ name: string; ms: number; minorFaults: number }>;
  minorFaults: number;
  majorFaults: number;
}
const F = 10;

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function describe(trace: Trace): string[] {
  const b = trace.batches;
  const n = b.length / F;
  const lag: number[] = [];
  const hold: number[] = [];
  const gap: number[] = [];
  for (let i = 0; i < n; i++) {
    lag.push(b[i * F] - b[i * F + 2]);
    hold.push(b[i * F + 1] - b[i * F + 8]);
    if (i + 1 < n) gap.push(b[(i + 1) * F] - b[i * F + 1]);
  }
  const ms = (v: number): string => v.toFixed(2);
  const line = (what: string, xs: number[]): string =>
    `${what.padEnd(34)} p50 ${ms(pct(xs, 50))}  p90 ${ms(pct(xs, 90))}  p99 ${ms(pct(xs, 99))}  max ${ms(pct(xs, 100))} ms`;
  // Of each gap, the time JS was runnable but had no CPU.
  const gapRunq = gap.map((_, i) => b[(i + 1) * F + 7] - b[i * F + 7]);
  const backlogged = gap.filter((_, i) => b[(i + 1) * F + 4] >= 2);
  const wakeLate = Array.from({ length: n }, (_, i) => b[i * F] - b[i * F + 6]).filter(Number.isFinite);
  const dropsBy = (msAfter: number): number => {
    let d = 0;
    for (let i = 0; i < n && b[i * F] - b[0] <= msAfter; i++) d = b[i * F + 5];
    return d;
  };
  // The JS thread's page faults from the first batch on, by a time after it: a fresh page costs ~14 µs on this VM.
  const faultsBy = (msAfter: number): number => {
    let f = 0;
    for (let i = 0; i < n && b[i * F] - b[0] <= msAfter; i++) f = b[i * F + 9] - b[9];
    return f;
  };
  const out = [
    `blocks of ${trace.blockSize / 1024} KiB; ${n} batches, ${b.length ? b[(n - 1) * F + 5] : 0} kernel drops; ${trace.gc.length / 3} GCs (${ms(trace.gc.filter((_, i) => i % 3 === 1).reduce((a, v) => a + v, 0))} ms); faults ${trace.minorFaults} minor ${trace.majorFaults} major`,
    `first 10 holds (ms): ${hold
      .slice(0, 10)
      .map((v) => v.toFixed(1))
      .join(
        ' ',
      )}; drops by +100 ms: ${dropsBy(100)}, by +1 s: ${dropsBy(1000)}; page faults by +10 ms: ${faultsBy(10)}, by +100 ms: ${faultsBy(100)}`,
    line('hold (JS reads one block)', hold),
    line('gap (release → next batch)', gap),
    line('lag (first packet → JS has it)', lag),
    line('wake-late (block closed → JS has it)', wakeLate),
    line('run-queue wait within a gap', gapRunq),
    // With blocks already waiting, a gap is only the way from one batch to the next: giving the
    // block back, acquire() and its dissection, the generator and the trace itself.
    line('gap with blocks waiting (per batch)', backlogged),
    `blocks ready at acquire: p50 ${pct(
      Array.from({ length: n }, (_, i) => b[i * F + 4]),
      50,
    )}, max ${pct(
      Array.from({ length: n }, (_, i) => b[i * F + 4]),
      100,
    )}`,
  ];
  // Where the drops began: the batches around the first one that saw the count grow.
  const t0 = n > 0 ? b[0] : 0;
  for (let i = 1; i < n; i++) {
    if (b[i * F + 5] > b[(i - 1) * F + 5]) {
      out.push(`drops first seen at batch ${i} (+${ms(b[i * F] - t0)} ms after the first batch):`);
      for (let j = Math.max(0, i - 6); j <= Math.min(n - 1, i + 2); j++) {
        const r = j * F;
        out.push(
          `  #${j} got +${ms(b[r] - t0)} hold ${ms(b[r + 1] - b[r + 8])} gap ${j + 1 < n ? ms(b[r + F] - b[r + 1]) : '-'} lag ${ms(
            b[r] - b[r + 2],
          )} wake-late ${ms(b[r] - b[r + 6])} runq +${j > 0 ? ms(b[r + 7] - b[r + 7 - F]) : '-'} pkts ${b[r + 3]} ready ${b[r + 4]} drops ${b[r + 5]} faults +${j + 1 < n ? b[r + F + 9] - b[r + 9] : '-'}`,
        );
      }
      const from = b[Math.max(0, i - 6) * F] - 30;
      const to = b[i * F];
      for (let g = 0; g < trace.gc.length; g += 3) {
        if (trace.gc[g] >= from && trace.gc[g] <= to)
          out.push(`  GC kind ${trace.gc[g + 2]} at +${ms(trace.gc[g] - t0)} for ${ms(trace.gc[g + 1])} ms`);
      }
      break;
    }
  }
  // The longest times JS was away (gap) or busy (hold), wherever they were.
  const worst = [...gap.keys()].sort((x, y) => gap[y] - gap[x]).slice(0, 3);
  out.push(
    `longest gaps: ${worst.map((i) => `#${i} ${ms(gap[i])} ms (run queue ${ms(gapRunq[i])}) at +${ms(b[i * F + 1] - t0)}`).join(', ')}`,
  );
  const worstHold = [...hold.keys()].sort((x, y) => hold[y] - hold[x]).slice(0, 3);
  out.push(
    `longest holds: ${worstHold.map((i) => `#${i} ${ms(hold[i])} ms at +${ms(b[i * F] - t0)} (${b[i * F + 3]} pkts)`).join(', ')}`,
    `CPU of the threads during the run (ms, minor faults): ${trace.threadCpuMs
      .filter((t) => t.ms >= 0.5)
      .map((t) => `${t.name} ${t.ms.toFixed(1)} (${t.minorFaults})`)
      .join(', ')}`,
  );
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const runs = Number(opt('--runs', '5'));
  const senderName = opt('--sender', 'tcpreplay');
  const writes = argv.includes('--write');
  const trace = !argv.includes('--no-trace') && !writes;
  const withTcpdump = !argv.includes('--no-tcpdump');
  const root = path.join(__dirname, '..');
  const dataDir = path.join(os.tmpdir(), 'pktkit-bench');
  const count = Number(opt('--count', '1000000'));
  const inputs = new Map<string, InputFile>();
  const ctx: BenchContext = {
    root,
    outDir: path.join(root, 'bench', 'out'),
    dataDir,
    runs,
    quick: false,
    count,
    input(kind, n = count) {
      const key = `${kind}/${n}`;
      let f = inputs.get(key);
      if (!f) inputs.set(key, (f = generate({ outDir: dataDir, count: n, kind, seed: 20261121 })));
      return f;
    },
  };
  const probeDir = path.join(ctx.outDir, 'probe');
  fs.mkdirSync(probeDir, { recursive: true });
  const why = compileChildren(ctx) ?? (senderName === 'sendmmsg' ? buildSender(ctx) : undefined);
  if (why) throw new Error(why);
  const nodeFlags = opt('--node', '').split(' ').filter(Boolean);
  // The child's whole output is kept (bench/out/probe/stdout-N.txt): V8's --trace-* flags print there.
  let childOut = '';
  const capturer = writes ? PKTKIT_CLI : PKTKIT;
  const pktkit: Capturer = {
    ...capturer,
    command: (c, iface, file) => {
      const [cmd, args] = capturer.command(c, iface, file);
      return [cmd, [...nodeFlags, ...args]];
    },
    parse: (stdout, stderr) => {
      childOut = stdout + stderr;
      return capturer.parse(stdout, stderr);
    },
  };
  const base = senderName === 'sendmmsg' ? SENDMMSG : TCPREPLAY;
  // --warm N: N packets first, then a second's pause, then the measured send, to each capturer
  // alike: what loss is left once the JIT has compiled the loop. Lost still counts every packet.
  const warm = Number(opt('--warm', '0'));
  const sender: Sender =
    warm > 0
      ? {
          name: `${base.name} after ${warm} warm-up packets`,
          unavailable: base.unavailable,
          send: async (c, net, main) => {
            const w = await base.send(c, net, c.input('mix', warm));
            await new Promise((r) => setTimeout(r, 1000));
            const m = await base.send(c, net, main);
            return { sent: w.sent + m.sent, pps: m.pps, failed: w.failed + m.failed };
          },
        }
      : base;
  const input = ctx.input('mix');
  console.log(
    `load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}; ${sender.name}; ${count} packets`,
  );
  const show = (name: string, m: Metrics): string =>
    `${name.padEnd(8)} lost ${String(m.lost).padStart(6)} (kernel ${m.kernelDrops}) at ${Math.round(m.offeredPps / 1000)} k pps, CPU ${Math.round(m.cpuNsPerPacket)} ns/packet`;
  await withSilentPair(async (net) => {
    for (let i = 0; i < runs; i++) {
      const file = path.join(probeDir, `trace-${senderName}-${i}.json`);
      fs.rmSync(file, { force: true });
      if (trace) process.env.PKTKIT_LIVE_TRACE = file;
      const p = await oneRun(ctx, net, pktkit, sender, input);
      delete process.env.PKTKIT_LIVE_TRACE;
      fs.writeFileSync(path.join(probeDir, `stdout-${i}.txt`), childOut);
      const t = withTcpdump ? await oneRun(ctx, net, writes ? TCPDUMP_FILE : TCPDUMP, sender, input) : undefined;
      console.log(
        `run ${i + 1}: ${show('pktkit', p)}${t ? ` | ${show('tcpdump', t)}` : ''}; load ${os.loadavg()[0].toFixed(2)}`,
      );
      if (trace && fs.existsSync(file)) {
        for (const l of describe(JSON.parse(fs.readFileSync(file, 'utf8')) as Trace)) console.log(`    ${l}`);
      }
    }
  });
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? String(err));
  process.exit(1);
});
