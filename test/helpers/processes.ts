/**
 * Child processes started by the test helpers, and running commands.
 *
 * Every process a helper starts is registered here with the namespace it runs in
 * (or `null` for the root namespace), so that tearing down a namespace can end
 * exactly the processes this test process started in it, by PID, and so that the
 * exit hooks in `cleanup.ts` can end whatever is still running when the test
 * process dies.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { onProcessEnd } from './cleanup';

/** One process a helper started. */
interface Tracked {
  child: ChildProcess;
  /** Namespace the process runs in, `null` for the root namespace. */
  ns: string | null;
}

const tracked = new Map<number, Tracked>();
let exitTaskAdded = false;

/** True while the process has neither exited nor been reaped by a signal. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Starts `cmd` (inside `ns` through `ip netns exec` when `ns` is given) and
 * registers it for cleanup. `ip netns exec` execs the command in place, so the
 * PID we hold is the command's own PID.
 */
export function spawnTracked(
  ns: string | null,
  cmd: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  if (!exitTaskAdded) {
    exitTaskAdded = true;
    onProcessEnd(killAllTrackedSync, 0);
  }
  const [file, argv] = ns === null ? [cmd, [...args]] : ['ip', ['netns', 'exec', ns, cmd, ...args]];
  const child = nodeSpawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (child.pid !== undefined) {
    const pid = child.pid;
    tracked.set(pid, { child, ns });
    child.once('exit', () => tracked.delete(pid));
  }
  return child;
}

/** PIDs of running tracked processes, optionally only those in the given namespaces. */
export function trackedPids(namespaces?: readonly string[]): number[] {
  const out: number[] = [];
  for (const [pid, t] of tracked) {
    if (!isRunning(t.child)) continue;
    if (namespaces && (t.ns === null || !namespaces.includes(t.ns))) continue;
    out.push(pid);
  }
  return out;
}

/**
 * Ends one tracked process: SIGTERM, then SIGKILL if it is still there after
 * `graceMs`. Resolves once it has exited.
 */
export async function stopProcess(
  child: ChildProcess,
  graceMs = 1000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = (ms: number) => new Promise<'timeout'>((r) => setTimeout(r, ms, 'timeout').unref());
  if ((await Promise.race([exited, timer(graceMs)])) !== 'timeout') return;
  child.kill('SIGKILL');
  await Promise.race([exited, timer(5000)]);
}

/** Ends every running tracked process in the given namespaces (all of them if omitted). */
export async function stopTracked(namespaces?: readonly string[]): Promise<void> {
  const children = trackedPids(namespaces).map((pid) => tracked.get(pid)!.child);
  await Promise.all(children.map((c) => stopProcess(c)));
}

/** Synchronous last resort for exit hooks: SIGKILL every running tracked process by PID. */
export function killAllTrackedSync(): void {
  for (const pid of trackedPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** What a finished command printed and how it ended. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status, or `null` when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options for {@link run}. */
export interface RunOptions {
  /** Kill the command (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** The command's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a command to completion (inside `ns` when given) and collects its output.
 * Never rejects because of the exit status: callers look at `code`.
 */
export async function run(
  ns: string | null,
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ExecResult> {
  const child = spawnTracked(ns, cmd, args, {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: options.env,
    cwd: options.cwd,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.input !== undefined) child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    return { stdout, stderr, code, signal };
  } catch (err) {
    // spawn itself failed (command not found): report it like a shell would
    return { stdout, stderr: stderr + String(err), code: 127, signal: null };
  } finally {
    clearTimeout(timer);
  }
}

/** Like {@link run}, but rejects with the command line and its stderr unless it exits 0. */
export async function runOk(
  ns: string | null,
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ExecResult> {
  const r = await run(ns, cmd, args, options);
  if (r.code !== 0) {
    const where = ns === null ? '' : `[netns ${ns}] `;
    throw new Error(`${where}${cmd} ${args.join(' ')} exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  }
  return r;
}

/**
 * Runs a TypeScript snippet (`node -r tsx/cjs -e script`) as `nobody`, with no
 * inheritable capabilities: a real refusal by the kernel for anything that
 * needs CAP_NET_RAW. Resolves with what it printed, or skips the test `t` and
 * resolves undefined where setpriv cannot drop privileges.
 */
export async function runScriptAsNobody(
  t: { skip(message?: string): void },
  script: string,
): Promise<ExecResult | undefined> {
  const args = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all'];
  const r = await run(null, 'setpriv', [...args, process.execPath, '-r', require.resolve('tsx/cjs'), '-e', script]);
  if (r.code !== 0 && /setpriv/.test(r.stderr)) {
    t.skip(`setpriv cannot drop privileges here: ${r.stderr.trim()}`);
    return undefined;
  }
  return r;
}
