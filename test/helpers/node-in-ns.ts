/**
 * Running a TypeScript program as a child process, inside a namespace.
 *
 * A capture must run inside the namespace that holds its interface, and Node
 * cannot switch namespaces, so the test starts a small script under
 * `ip netns exec NS node --import tsx script.ts`. The script reports back by
 * printing one JSON value per line on stdout (`report()` in `report.ts`); the
 * test gets them parsed, in order, as they arrive.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnTracked, stopProcess } from './processes';

/** The repository root: children run there so that `lib/...` imports resolve the same as in tests. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `--import` value that loads tsx, as an absolute URL so it does not depend on the child's cwd. */
const TSX_LOADER = pathToFileURL(
  path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

/** Options for {@link startNodeInNs} and {@link runNodeInNs}. */
export interface NodeInNsOptions {
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  /** Working directory; default the repository root. */
  cwd?: string;
  /** Kill the child (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
}

/** How a child ended and everything it printed. */
export interface NodeRunResult {
  /** Every stdout line that parsed as JSON, in order. */
  messages: unknown[];
  /** Stdout lines that were not JSON (stray console.log output). */
  otherLines: string[];
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running child started by {@link startNodeInNs}. */
export interface NodeInNs {
  readonly child: ChildProcess;
  /** JSON messages received so far (the array grows as lines arrive). */
  readonly messages: readonly unknown[];
  /**
   * Resolves with the first message (already received or still to come) that
   * `match` accepts; rejects if the child exits first or after `timeoutMs`
   * (default 30 s: a child compiles its TypeScript with tsx at start, which takes seconds on a loaded 2-core machine), with the child's stderr in the error.
   */
  waitFor<T = unknown>(match: (m: unknown) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves when the child has exited. */
  readonly done: Promise<NodeRunResult>;
  /** Sends `signal` (default SIGTERM; SIGKILL after 2 s) and resolves when the child has exited. */
  stop(signal?: NodeJS.Signals): Promise<NodeRunResult>;
  /** Writes one JSON line to the child's stdin (see `readCommands()` in `report.ts`). */
  send(message: unknown): void;
}

/**
 * Starts `node --import tsx scriptPath ...args` inside namespace `ns` (`null`:
 * the root namespace). The process is tracked: destroying the net pair that
 * owns `ns`, or the test process exiting, kills it.
 */
export function startNodeInNs(
  ns: string | null,
  scriptPath: string,
  args: readonly string[] = [],
  options: NodeInNsOptions = {},
): NodeInNs {
  const child = spawnTracked(
    ns,
    process.execPath,
    ['--import', TSX_LOADER, path.resolve(REPO_ROOT, scriptPath), ...args],
    {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const messages: unknown[] = [];
  const otherLines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let partial = '';

  const onLine = (line: string) => {
    if (line.trim() === '') return;
    try {
      messages.push(JSON.parse(line));
    } catch {
      otherLines.push(line);
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    lines.forEach(onLine);
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  timer.unref();

  const done: Promise<NodeRunResult> = (async () => {
    let code: number | null = null;
    let signal: NodeJS.Signals | null = null;
    try {
      [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    } catch (err) {
      stderr += String(err);
      code = 127;
    }
    clearTimeout(timer);
    onLine(partial);
    partial = '';
    for (const w of [...waiters]) w();
    return { messages, otherLines, stderr, code, signal };
  })();
  let exited = false;
  void done.then(() => (exited = true));

  return {
    child,
    messages,
    done,
    waitFor<T>(match: (m: unknown) => boolean, timeoutMs = 30_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < messages.length; seen++) {
            const m = messages[seen];
            if (match(m)) return finish(() => resolve(m as T));
          }
          // `exited` is set only after the close handler has flushed the last line
          if (exited)
            finish(() =>
              reject(
                new Error(
                  `child exited (${child.exitCode ?? child.signalCode}) before the awaited message; stderr: ${stderr.trim()}`,
                ),
              ),
            );
        };
        const t = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(
                  `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}; stderr: ${stderr.trim()}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const finish = (f: () => void) => {
          clearTimeout(t);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        void done.then(check);
        check();
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await stopProcess(child, 2000, signal);
      return done;
    },
    send(message: unknown) {
      child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
  };
}

/**
 * Runs `node --import tsx scriptPath ...args` inside `ns` to completion and
 * returns the JSON lines it printed. Does not reject on a non-zero exit: check
 * `code` (and `stderr`).
 */
export async function runNodeInNs(
  ns: string | null,
  scriptPath: string,
  args: readonly string[] = [],
  options: NodeInNsOptions = {},
): Promise<NodeRunResult> {
  const handle = startNodeInNs(ns, scriptPath, args, options);
  handle.child.stdin!.end();
  return handle.done;
}
