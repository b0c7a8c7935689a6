/**
 * Last-resort cleanup: whatever the test process leaves behind (namespaces it
 * made, processes it started) is removed when it exits, is interrupted
 * (SIGINT/SIGTERM/SIGHUP) or dies of an uncaught exception. `destroy()` on a
 * net pair is the normal path; these hooks are for when a test never gets there.
 *
 * SIGKILL cannot be caught, so `sweepStaleNamespaces()` also removes namespaces
 * named by this harness whose owning process (the PID in the name) is gone.
 */
import { execFileSync } from 'node:child_process';

const liveNamespaces = new Set<string>();
let namespaceTaskAdded = false;
let hooksInstalled = false;

/** Synchronous tasks run when the process ends, lowest `order` first. */
const tasks: Array<{ order: number; run: () => void }> = [];

/**
 * Runs `task` synchronously when the process exits, is signalled or dies of an
 * uncaught exception. Lower `order` runs first: processes (0) are killed
 * before the namespaces they run in are deleted (1).
 */
export function onProcessEnd(task: () => void, order: number): void {
  installHooks();
  tasks.push({ order, run: task });
  tasks.sort((a, b) => a.order - b.order);
}

/** Names the harness gives its namespaces: `pk[-prefix]-<pid>-<n>-<a|b>`. */
export const NAMESPACE_PATTERN = /^pk(?:-[a-z0-9]+)?-(\d+)-(\d+)-[a-z]$/;

/** Records a namespace this process made, so the exit hooks delete it. */
export function registerNamespace(ns: string): void {
  if (!namespaceTaskAdded) {
    namespaceTaskAdded = true;
    onProcessEnd(() => {
      for (const n of [...liveNamespaces]) deleteNamespaceSync(n);
    }, 1);
  }
  liveNamespaces.add(ns);
}

/** Forgets a namespace once it has been deleted. */
export function unregisterNamespace(ns: string): void {
  liveNamespaces.delete(ns);
}

/** Names of namespaces that currently exist (`ip netns list`). */
export function listNamespacesSync(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  // lines look like "name" or "name (id: 3)"
  return out
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.length > 0);
}

/**
 * PIDs of the processes inside a namespace. Only used on namespaces this
 * process created: anything in them was started by this test.
 */
export function namespacePidsSync(ns: string): number[] {
  try {
    const out = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
  } catch {
    return [];
  }
}

/** Deletes one of our namespaces synchronously, killing (by PID) what still runs in it first. */
export function deleteNamespaceSync(ns: string): void {
  for (const pid of namespacePidsSync(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // already deleted
  }
  liveNamespaces.delete(ns);
}

// Every task is idempotent (it acts only on what is still there), so running
// twice (a signal, then exit) is harmless.
function cleanupSync(): void {
  for (const t of tasks) {
    try {
      t.run();
    } catch {
      // one failing task must not keep the others from running
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes namespaces that follow the harness's naming but whose owner process
 * no longer exists (it was SIGKILLed before its hooks could run). Processes
 * left in them are not ours to kill, so only the names are removed.
 */
export function sweepStaleNamespaces(): string[] {
  const removed: string[] = [];
  for (const ns of listNamespacesSync()) {
    const m = NAMESPACE_PATTERN.exec(ns);
    if (!m || isAlive(Number(m[1]))) continue;
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      removed.push(ns);
    } catch {
      // another process swept it first
    }
  }
  return removed;
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupSync);
  // The monitor runs before Node's own handling, without changing it: the
  // process still prints the error and exits non-zero.
  process.on('uncaughtExceptionMonitor', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      cleanupSync();
      // Die of the same signal, as if no handler had been installed.
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
