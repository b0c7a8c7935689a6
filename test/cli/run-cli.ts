/**
 * Runs the real `pktkit` command line as a child process (TypeScript through
 * tsx), optionally inside a test namespace, and collects what it printed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'cli', 'main.ts');
const TSX = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

/** How the command ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Run inside this namespace (`ip netns exec`). */
  ns?: string;
  /** Kill after this long (default 60 s). */
  timeoutMs?: number;
  /** Added to the environment (TZ=UTC is always set so times are stable). */
  env?: Record<string, string>;
  /** Called with the child once spawned (to signal it). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** Pipe stdout into this command's stdin instead of collecting it (e.g. `['head', '-n', '3']`). */
  pipeTo?: string[];
}

/** The argv that starts pktkit (for shells and `ip netns exec`). */
export function cliCommand(args: readonly string[]): string[] {
  return [process.execPath, '--import', TSX, MAIN, ...args];
}

/** Runs `pktkit ...args` to completion. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const argv = cliCommand(args);
  const [cmd, ...rest] = options.ns ? ['ip', 'netns', 'exec', options.ns, ...argv] : argv;
  const child = spawn(cmd!, rest, {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** JSON lines of an output. */
export function jsonLines(stdout: Buffer): Array<Record<string, unknown>> {
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** One stream of `--follow` output, split back into each side's bytes. */
export interface ParsedFollow {
  stream: number;
  client: Buffer;
  server: Buffer;
  /** Chunk order: true for client chunks. */
  order: boolean[];
  missing: number;
}

/** Parses `--follow` text written to a pipe (exact bytes, each chunk headed by its length). */
export function parseFollow(out: Buffer): ParsedFollow[] {
  const streams: ParsedFollow[] = [];
  let cur: ParsedFollow | undefined;
  let pos = 0;
  const line = (): string => {
    const nl = out.indexOf(0x0a, pos);
    const end = nl < 0 ? out.length : nl;
    const s = out.subarray(pos, end).toString('latin1');
    pos = end + 1;
    return s;
  };
  while (pos < out.length) {
    const l = line();
    let m: RegExpMatchArray | null;
    if ((m = l.match(/^Follow TCP stream (\d+):/))) {
      cur = { stream: Number(m[1]), client: Buffer.alloc(0), server: Buffer.alloc(0), order: [], missing: 0 };
      streams.push(cur);
    } else if ((m = l.match(/^--- (client|server) .*: (\d+) bytes$/)) && cur) {
      const n = Number(m[2]);
      const data = out.subarray(pos, pos + n);
      pos += n + 1; // the bytes, then the newline after them
      if (m[1] === 'client') cur.client = Buffer.concat([cur.client, data]);
      else cur.server = Buffer.concat([cur.server, data]);
      cur.order.push(m[1] === 'client');
    } else if ((m = l.match(/^\[(\d+) bytes missing in capture\]$/)) && cur) {
      cur.missing += Number(m[1]);
    }
  }
  return streams;
}
