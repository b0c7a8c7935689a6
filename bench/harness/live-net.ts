/**
 * The live and send trials' network: two namespaces of the benchmark's own
 * joined by a veth (test/helpers/netns.ts), with every address removed from
 * the veth so that the receiving kernel answers nothing the replayed mix asks
 * (ARP, TCP SYNs) and the link carries only what the trial offers. Always
 * deleted, also when a run fails (and by the helper's exit hooks on a signal).
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { canCreateNamespaces, createNetPair, type NetPair } from '../../test/helpers/netns';

/** The veth pair of test/helpers/netns.ts, as the trials use it. */
export type { NetPair };

/** Why namespaces cannot be made here, or undefined. */
export function namespacesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  if (!canCreateNamespaces()) return 'cannot create network namespaces here';
  return undefined;
}

/** Runs `fn` with a fresh, silent veth pair; the pair is always destroyed afterwards. */
export async function withSilentPair<T>(fn: (net: NetPair) => Promise<T>): Promise<T> {
  const net = await createNetPair({ prefix: 'bench', ipv6: false });
  try {
    await net.execOk(net.nsA, 'ip', ['addr', 'flush', 'dev', net.ifA]);
    await net.execOk(net.nsB, 'ip', ['addr', 'flush', 'dev', net.ifB]);
    return await fn(net);
  } finally {
    await net.destroy();
  }
}

/** CPU seconds (user + system) a running process has used so far, from /proc (10 ms resolution). */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5): utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Collects a child's output and resolves `ready` when `pattern` shows up on its stderr. */
export function watch(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 30_000,
): { out: () => string; err: () => string; ready: Promise<void> } {
  let out = '';
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready after ${timeoutMs} ms: ${err.trim().slice(-300)}`)),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      if (pattern.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code ?? signal} before it was ready: ${reason(err)}`));
    });
  });
  ready.catch(() => undefined); // a failure is reported where `ready` is awaited
  return { out: () => out, err: () => err, ready };
}

/** The line of a child's stderr that says what went wrong (an Error line, else the last line). */
function reason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => /^\w*Error\b|Error:/.test(l)) ?? lines[lines.length - 1] ?? '').slice(0, 300);
}

/** Resolves when the child has exited (SIGKILL after `graceMs`). */
export async function stop(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** What tcpreplay reported. */
export interface Replay {
  sent: number;
  pps: number;
  seconds: number;
  failed: number;
}

/** Reads tcpreplay's summary ("Actual: N packets (B bytes) sent in S seconds", "Rated: ... P pps", "Failed packets: F"). */
export function parseTcpreplay(text: string): Replay {
  const actual = /Actual:\s+(\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(text);
  const rated = /Rated:.*?([\d.]+) pps/.exec(text);
  const failed = /Failed packets:\s+(\d+)/.exec(text);
  if (!actual) throw new Error(`cannot read tcpreplay's summary: ${text.trim().slice(-300)}`);
  return {
    sent: Number(actual[1]),
    seconds: Number(actual[2]),
    failed: failed ? Number(failed[1]) : 0,
    pps: rated ? Number(rated[1]) : Number(actual[1]) / Number(actual[2]),
  };
}
