/**
 * Privilege drop, tcpdump's `-Z`: open the capture as root, then become an
 * ordinary user for the rest of the process's life.
 *
 * Why this is enough for every thread: on Linux credentials are per thread,
 * but glibc's setuid()/setgid()/setgroups() (which Node's process.setuid & co.
 * call) apply the change to every thread of the process (NPTL's "setxid"
 * broadcast), and the kernel clears the permitted, effective and ambient
 * capability sets of a thread whose real, effective and saved uids all leave
 * 0. So the capture thread, libuv's pool and V8's threads all end with no
 * capability. An open capture keeps working: its socket and ring were set up
 * while privileged, and reading them needs no privilege. Opening another
 * capture afterwards fails with PermissionError.
 *
 * The drop is checked, not assumed: afterwards every thread's
 * /proc/self/task/TID/status must show the new uid and gid and zero CapEff,
 * CapPrm and CapAmb, or dropPrivileges throws.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { argError, checkNoNul, ruleError } from './args';
import { PermissionError, PktkitError } from './errors';

/** Options of {@link dropPrivileges}. */
export interface DropPrivilegesOptions {
  /** The user to become: a name from the user database (`'nobody'`) or a uid. */
  user: string | number;
  /** The group to become: a name or a gid. Default: the user's primary group. */
  group?: string | number;
}

/** What {@link dropPrivileges} left the process with, as read back from /proc. */
export interface DroppedPrivileges {
  /** Real, effective and saved uid of every thread. */
  uid: number;
  /** Real, effective and saved gid of every thread. */
  gid: number;
  /** Supplementary groups: the user's groups, as initgroups(3) gives them (tcpdump's behaviour). */
  groups: number[];
  /** How many threads were checked (each with CapEff, CapPrm and CapAmb zero). */
  threads: number;
}

/** One thread's credentials, from /proc/self/task/TID/status. */
export interface ThreadCredentials {
  /** Thread id. */
  tid: number;
  /** Thread name (`node`, `libuv-worker`, `V8Worker` ...). */
  name: string;
  /** Real, effective, saved and filesystem uid. */
  uid: number[];
  /** Real, effective, saved and filesystem gid. */
  gid: number[];
  /** Effective capabilities, as the kernel prints them (hex). */
  capEff: string;
  /** Permitted capabilities (hex). */
  capPrm: string;
  /** Ambient capabilities (hex). */
  capAmb: string;
}

/** The credentials of every thread of this process, read from /proc/self/task. */
export function threadCredentials(): ThreadCredentials[] {
  const out: ThreadCredentials[] = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const field = (name: string): string =>
      /^(\S+):\s*(.*)$/m.exec(status.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2] ?? '';
    const ids = (name: string): number[] => field(name).split(/\s+/).filter(Boolean).map(Number);
    out.push({
      tid: Number(tid),
      name: field('Name'),
      uid: ids('Uid'),
      gid: ids('Gid'),
      capEff: field('CapEff'),
      capPrm: field('CapPrm'),
      capAmb: field('CapAmb'),
    });
  }
  return out;
}

/** A user or group named by name or number, as checked arguments. */
function checkId(name: string, value: unknown): string | number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xfffffffe)
      throw argError('a name or an id 0..4294967294', name, value);
    return value;
  }
  if (typeof value !== 'string' || value === '') throw argError('a name or an id 0..4294967294', name, value);
  checkNoNul('a name', name, value);
  return value;
}

/** An entry of the user or group database through NSS (`getent`), so LDAP and the like count too; undefined when absent. */
function getent(db: 'passwd' | 'group', key: string | number): string[] | undefined {
  try {
    const line = execFileSync('getent', [db, String(key)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return line.split('\n')[0]!.split(':');
  } catch (err) {
    // getent exits 2 when the key is not found; anything else is a real failure.
    if ((err as { status?: number }).status === 2) return undefined;
    throw new PktkitError(`cannot look up ${db} entry '${key}': ${(err as Error).message.split('\n')[0]}`, {
      code: 'ENOUSER',
    });
  }
}

const isZero = (hex: string): boolean => /^0+$/.test(hex);

/**
 * Becomes `user` (and `group`) and drops every capability on every thread of
 * the process, for good: call it once the captures you need are open. They keep
 * delivering; a later openLive fails with PermissionError, and files are
 * created as `user`. Synchronous: it returns once the drop is verified.
 *
 * Needs a process running as root (uid 0). A process that got its
 * capabilities from `setcap cap_net_raw,cap_net_admin+eip` on the node binary
 * instead cannot change user and gets PermissionError. Only the main thread
 * can call it (Node allows process.setuid nowhere else).
 *
 * @throws TypeError for bad arguments; PktkitError `ENOUSER` / `ENOGROUP` for
 * an unknown user or group; PermissionError `EPERM` when not root;
 * PktkitError `EPRIVDROP` when a thread still holds a capability afterwards.
 */
export function dropPrivileges(options: DropPrivilegesOptions): DroppedPrivileges {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw argError('an options object ({ user, group? })', 'options', options);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'user' && key !== 'group') throw ruleError('', `Unknown option '${key}': expected one of user, group`);
  }
  const user = checkId('user', options.user);
  const group = options.group === undefined ? undefined : checkId('group', options.group);
  if (!isMainThread)
    throw new PktkitError('dropPrivileges() works from the main thread only (Node refuses process.setuid in workers)', {
      code: 'EWORKER',
    });
  const euid = process.geteuid!();
  if (euid !== 0) {
    throw new PermissionError(
      `dropPrivileges() needs a process started as root, this one runs as uid ${euid}: ` +
        'a process given cap_net_raw,cap_net_admin by setcap cannot change user (and needs no drop to another user)',
      { code: 'EPERM' },
    );
  }
  const pw = getent('passwd', user);
  if (!pw) throw new PktkitError(`no such user '${user}'`, { code: 'ENOUSER' });
  const [name, , uidText, gidText] = pw as [string, string, string, string];
  const uid = Number(uidText);
  let gid = Number(gidText);
  if (group !== undefined) {
    const gr = getent('group', group);
    if (!gr) throw new PktkitError(`no such group '${group}'`, { code: 'ENOGROUP' });
    gid = Number(gr[2]);
  }
  // The order matters: groups and gid while still root, the uid last (it takes the right to change them).
  const proc = process as NodeJS.Process & { initgroups?(user: string, extraGroup: number): void };
  if (!proc.initgroups || !proc.setgid || !proc.setuid)
    throw new PktkitError('this platform cannot change user', { code: 'ENOSYS' });
  proc.initgroups(name, gid);
  proc.setgid(gid);
  proc.setuid(uid);

  const threads = threadCredentials();
  const bad = threads.filter(
    (t) =>
      t.uid.some((id) => id !== uid) ||
      t.gid.some((id) => id !== gid) ||
      !isZero(t.capEff) ||
      !isZero(t.capPrm) ||
      !isZero(t.capAmb),
  );
  if (bad.length > 0 || threads.length === 0) {
    const t = bad[0];
    throw new PktkitError(
      t
        ? `privileges not dropped on thread ${t.tid}: uid ${t.uid.join('/')}, gid ${t.gid.join('/')}, CapEff ${t.capEff}, CapPrm ${t.capPrm}, CapAmb ${t.capAmb} (securebits keeping capabilities?): stop this process`
        : 'privileges not verified: /proc/self/task lists no thread',
      { code: 'EPRIVDROP' },
    );
  }
  return { uid, gid, groups: process.getgroups!(), threads: threads.length };
}
