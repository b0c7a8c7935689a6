/**
 * Builds and runs the libFuzzer targets (test/decode/*_fuzz.cc) with clang++ under AddressSanitizer
 * and UndefinedBehaviorSanitizer, for a bounded time with a fixed seed, so that a run replays.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, runOk } from '../helpers/processes';

/** Where libFuzzer writes an input that failed (crash-<sha1>), to replay: TARGET FILE. */
export const FUZZ_ARTIFACTS = path.join(os.tmpdir(), 'pktkit-fuzz-artifacts');

/** Compiles `sources` (the target first) into `dir`/`name`; `libs` are linker flags. Returns the executable. */
export async function buildLibFuzzer(
  dir: string,
  name: string,
  sources: string[],
  libs: string[] = [],
): Promise<string> {
  const exe = path.join(dir, name);
  await runOk(
    null,
    'clang++',
    [
      '-std=c++17',
      '-O1',
      '-g',
      '-fsanitize=fuzzer,address,undefined',
      '-fno-sanitize-recover=all',
      '-Wall',
      '-Wextra',
      ...sources,
      ...libs,
      '-o',
      exe,
    ],
    { timeoutMs: 240_000 },
  );
  return exe;
}

/** Runs a target over a corpus directory for `seconds`; rejects with its report if it finds anything. */
export async function runLibFuzzer(
  exe: string,
  corpus: string,
  seconds: number,
  seed: number,
): Promise<{ runs: number; output: string }> {
  fs.mkdirSync(FUZZ_ARTIFACTS, { recursive: true });
  const r = await run(
    null,
    exe,
    [
      `-max_total_time=${seconds}`,
      `-seed=${seed}`,
      // A crashing input goes where it outlives the test's temp dir, not into the working directory
      // (the repository, whose copies the install tests then pack).
      `-artifact_prefix=${FUZZ_ARTIFACTS}${path.sep}`,
      '-timeout=10',
      '-rss_limit_mb=2048',
      '-print_final_stats=1',
      corpus,
    ],
    { timeoutMs: (seconds + 120) * 1000 },
  );
  if (r.code !== 0) throw new Error(`${path.basename(exe)} exited ${r.code ?? r.signal}:\n${r.stderr.slice(-6000)}`);
  const m = /stat::number_of_executed_units:\s*(\d+)/.exec(r.stderr);
  return { runs: m ? Number(m[1]) : 0, output: r.stderr };
}
