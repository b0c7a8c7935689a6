/**
 * Builds and runs test/decode/dissect_harness.cc: the native dissector compiled
 * on its own (no addon), under AddressSanitizer and UndefinedBehaviorSanitizer,
 * so the decode tests do not depend on the addon build and any out-of-bounds
 * read aborts the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runOk } from '../helpers/processes';

const root = path.join(__dirname, '..', '..');

/** One dissected packet: every record.def field by name, plus the IP addresses as text. */
export interface DissectedRecord {
  n: number;
  src: string;
  dst: string;
  /** record.def fields; the two b16 fields (ipSrc, ipDst) are hex strings. */
  [field: string]: number | string;
}

/** Per-layer and per-flag counts the fuzz mode prints when it finishes. */
export interface FuzzSummary {
  iterations: number;
  seconds: number;
  samples: number;
  /** Index = LAYER_x: how many records had that layer decoded. */
  layers: number[];
  /** Index = flag bit: how many records had FLAG (1 << index) set. */
  flags: number[];
}

/** native/dissect/*.cc, sorted: the dissector's sources, which every harness compiles. */
export function dissectorSources(): string[] {
  const dissectDir = path.join(root, 'native', 'dissect');
  return fs
    .readdirSync(dissectDir)
    .filter((f) => f.endsWith('.cc'))
    .sort()
    .map((f) => path.join(dissectDir, f));
}

/**
 * Compiles the harness and all of native/dissect/*.cc into `dir` with g++ and
 * the sanitizers; returns the executable's path. Rejects with the compiler's
 * output on failure.
 */
export async function buildHarness(dir: string): Promise<string> {
  const sources = dissectorSources();
  const exe = path.join(dir, 'dissect_harness');
  await runOk(
    null,
    'g++',
    [
      '-std=c++17',
      '-O1',
      '-g',
      '-fno-omit-frame-pointer',
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
      '-Wall',
      '-Wextra',
      '-Werror',
      path.join(root, 'test', 'decode', 'dissect_harness.cc'),
      ...sources,
      '-lpcap',
      '-o',
      exe,
    ],
    { timeoutMs: 180_000 },
  );
  return exe;
}

/** Runs the harness's print mode over a pcap file: one record per packet, in file order. */
export async function dissectFile(exe: string, pcap: string): Promise<DissectedRecord[]> {
  const r = await runOk(null, exe, ['print', pcap], { timeoutMs: 60_000 });
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DissectedRecord);
}

/** Runs the harness's fuzz mode; rejects (with the sanitizer's report) if it does not exit 0. */
export async function fuzzFiles(
  exe: string,
  seed: number,
  iterations: number,
  pcaps: readonly string[],
  timeoutMs: number,
): Promise<FuzzSummary> {
  const r = await runOk(null, exe, ['fuzz', String(seed), String(iterations), ...pcaps], { timeoutMs });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as FuzzSummary;
}
