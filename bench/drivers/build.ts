/** Builds the benchmark's own helper programs into bench/out when their sources are newer. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function newest(paths: string[]): number {
  let t = 0;
  for (const p of paths) {
    const st = fs.statSync(p);
    if (st.isDirectory()) t = Math.max(t, newest(fs.readdirSync(p).map((e) => path.join(p, e))));
    else t = Math.max(t, st.mtimeMs);
  }
  return t;
}

const outcomes = new Map<string, string | undefined>();

/**
 * Runs `cmd args` to make `output` unless it is newer than every source.
 * Returns why it could not be built, or undefined. Checked once per benchmark
 * run: sources edited while it runs do not change the program halfway.
 */
export function buildIfStale(
  output: string,
  sources: string[],
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  cwd?: string,
): string | undefined {
  if (outcomes.has(output)) return outcomes.get(output);
  const why = build(output, sources, cmd, args, env, cwd);
  outcomes.set(output, why);
  return why;
}

function build(
  output: string,
  sources: string[],
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  cwd?: string,
): string | undefined {
  if (fs.existsSync(output) && fs.statSync(output).mtimeMs >= newest(sources)) return undefined;
  fs.mkdirSync(path.dirname(output), { recursive: true });
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, cwd, timeout: 300_000 });
  if (r.error || r.status !== 0) {
    return `build failed: ${(r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(0, 3).join(' | ')}`;
  }
  return undefined;
}

/** True when `cmd` is on the PATH (or in /usr/sbin, where tcpdump may live). */
export function hasCommand(cmd: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'];
  return dirs.some((d) => d && fs.existsSync(path.join(d, cmd)));
}
