/**
 * Runs one driver run in a fresh process, so no run inherits another's JIT
 * state, heap or page-cache position in a library. CPU seconds and peak RSS
 * come from GNU time (the same for every driver, whatever its language).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileChildren, compiledChild } from './compile';
import type { BenchContext, Metrics } from './types';

const GNU_TIME = '/usr/bin/time';

/** What a finished child left behind. */
export interface ChildOutcome {
  stdout: string;
  stderr: string;
  /** From spawn to exit, seen by the parent. */
  wallSeconds: number;
  /** User + system CPU seconds of the child (and its children), when GNU time is there. */
  cpuSeconds?: number;
  /** Peak resident set size in kB, when GNU time is there. */
  maxRssKb?: number;
}

/** Options of {@link runProcess}. */
export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Send the child's stdout to /dev/null (tools that print a line per packet). */
  discardStdout?: boolean;
  timeoutMs?: number;
}

/** Runs `cmd args` to completion; throws with the end of its stderr when it fails. */
export function runProcess(cmd: string, args: string[], opts: ProcessOptions = {}): ChildOutcome {
  const timed = fs.existsSync(GNU_TIME);
  const timeFile = path.join(os.tmpdir(), `pktkit-bench-time-${process.pid}.txt`);
  const argv = timed ? ['-f', '%U %S %M', '-o', timeFile, cmd, ...args] : args;
  const devnull = opts.discardStdout ? fs.openSync('/dev/null', 'w') : undefined;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(timed ? GNU_TIME : cmd, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', devnull ?? 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: opts.timeoutMs ?? 600_000,
    killSignal: 'SIGKILL',
  });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (devnull !== undefined) fs.closeSync(devnull);
  const out: ChildOutcome = { stdout: r.stdout ?? '', stderr: r.stderr ?? '', wallSeconds };
  if (timed && fs.existsSync(timeFile)) {
    const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    fs.rmSync(timeFile, { force: true });
    const [user, sys, rss] = last.split(' ').map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) out.cpuSeconds = user + sys;
    if (Number.isFinite(rss)) out.maxRssKb = rss;
  }
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const lines = out.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const tail = lines.find((l) => /^\w*Error\b|Error:/.test(l)) ?? lines.slice(-3).join(' | ');
    throw new Error(`${path.basename(cmd)} exited with ${r.status ?? r.signal}: ${tail}`);
  }
  return out;
}

/** The `RESULT {json}` line a child program prints. */
export function parseResult(stdout: string, who: string): Metrics {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${who} printed no RESULT line`);
  return JSON.parse(line.slice(7)) as Metrics;
}

/** Runs a child program that prints a RESULT line, and adds GNU time's CPU and peak RSS to it. */
export function runResultChild(cmd: string, args: string[], who: string, opts: ProcessOptions = {}): Metrics {
  const o = runProcess(cmd, args, opts);
  const m = parseResult(o.stdout, who);
  // Whole-process figures (start-up included), the same for every language; `cpuSeconds`, when a child
  // reports it, covers its timed work only.
  if (o.maxRssKb !== undefined) m.maxRssKb = o.maxRssKb;
  if (o.cpuSeconds !== undefined) m.processCpuSeconds = o.cpuSeconds;
  return m;
}

/** Runs a child script of the benchmark (bench/child/NAME.ts, compiled: see compile.ts) under a fresh Node. */
export function runNodeChild(ctx: BenchContext, name: string, args: string[], nodeFlags: string[] = []): Metrics {
  const why = compileChildren(ctx);
  if (why) throw new Error(why);
  return runResultChild(process.execPath, [...nodeFlags, compiledChild(ctx, name), ...args], name, { cwd: ctx.root });
}
