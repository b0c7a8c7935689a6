/**
 * The RST guard: while a TCP conversation is crafted by hand, the kernel knows
 * no socket for it and answers the peer's SYN/ACK (and every later segment)
 * with a RST that kills the connection. A guard drops exactly those RSTs,
 * for the given flows only, with an nftables rule in a table of its own
 * (`inet pktkit_rst_<pid>_<n>`).
 *
 * The table goes away when the guard is closed, when the process exits, or
 * when SIGINT/SIGTERM/SIGHUP arrives (the signal then does what it would have
 * done). A table left by a process that was killed outright (SIGKILL) is
 * found by its dead pid and removed by the next guard made in that network
 * namespace.
 */
import { execFile, spawnSync } from 'node:child_process';
import { isIP } from 'node:net';
import { argError } from './args';
import { PermissionError, PktkitError, PRIVILEGE_HINT } from './errors';

/** One TCP flow whose outgoing RSTs the guard drops: ours is `src:sport`, the peer `dst:dport`. */
export interface RstGuardFlow {
  /** The peer's address (IPv4 or IPv6): the RSTs' destination. */
  dst: string;
  /** The peer's port. */
  dport: number;
  /** Our port; unset: any of ours. */
  sport?: number;
  /** Our address; unset: any of ours. */
  src?: string;
}

const TABLE_PREFIX = 'pktkit_rst_';
const NFT = 'nft';
let serial = 0;
/** Tables of this process's live guards, for the exit and signal hooks. */
const live = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function checkFlow(f: unknown, i: number): Required<Pick<RstGuardFlow, 'dst' | 'dport'>> & RstGuardFlow {
  const where = `rstGuard() flow ${i}`;
  if (typeof f !== 'object' || f === null) throw argError('a flow { dst, dport, sport?, src? }', where, f);
  const { dst, dport, sport, src } = f as RstGuardFlow;
  if (typeof dst !== 'string' || !isIP(dst)) throw argError('an IPv4 or IPv6 address', `${where} dst`, dst);
  if (src !== undefined && (typeof src !== 'string' || isIP(src) !== isIP(dst))) {
    throw argError(`an IPv${isIP(dst)} address like dst`, `${where} src`, src);
  }
  for (const [name, v] of [
    ['dport', dport],
    ['sport', sport],
  ] as const) {
    if (v === undefined && name === 'sport') continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)
      throw argError('a port 1..65535', `${where} ${name}`, v);
  }
  return { dst, dport, sport, src };
}

/** The nft rule for one flow: its outgoing RSTs are counted and dropped. */
function rule(f: RstGuardFlow): string {
  const fam = isIP(f.dst) === 6 ? 'ip6' : 'ip';
  let r = `${fam} daddr ${f.dst}`;
  if (f.src) r += ` ${fam} saddr ${f.src}`;
  r += ` tcp dport ${f.dport}`;
  if (f.sport !== undefined) r += ` tcp sport ${f.sport}`;
  return `${r} tcp flags & rst == rst counter drop`;
}

/** Runs nft with a script on stdin; resolves with stdout, rejects with a pktkit error. */
function nft(args: string[], script?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      NFT,
      script === undefined ? args : [...args, '-f', '-'],
      { timeout: 10_000 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        reject(nftError(err as NodeJS.ErrnoException, stderr));
      },
    );
    if (script !== undefined) child.stdin?.end(script);
  });
}

function nftError(err: NodeJS.ErrnoException, stderr: string): Error {
  if (err.code === 'ENOENT')
    return new PktkitError('the RST guard needs nft: install the nftables package (apt-get install nftables)', {
      code: 'ENOENT',
    });
  const text = (stderr || err.message).trim().split('\n')[0];
  if (/Operation not permitted|Permission denied/i.test(text)) {
    return new PermissionError(`the RST guard cannot add an nftables rule: ${PRIVILEGE_HINT} (nft: ${text})`, {
      code: 'EPERM',
    });
  }
  return new PktkitError(`the RST guard's nft command failed: ${text}`, { code: 'ENFT' });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the guard tables whose process is gone (a SIGKILLed run), in this
 * network namespace. Resolves with the names removed. Called by every new guard.
 */
export async function removeStaleRstGuards(): Promise<string[]> {
  const out = await nft(['list', 'tables', 'inet']);
  const stale: string[] = [];
  for (const m of out.matchAll(new RegExp(`^table inet (${TABLE_PREFIX}(\\d+)_\\d+)$`, 'gm'))) {
    const pid = Number(m[2]);
    if (pid !== process.pid && !alive(pid)) stale.push(m[1]);
  }
  if (stale.length) await nft([], stale.map((t) => `delete table inet ${t}`).join('\n') + '\n');
  return stale;
}

function deleteSync(tables: Iterable<string>): void {
  const script = [...tables].map((t) => `delete table inet ${t}`).join('\n');
  if (script)
    spawnSync(NFT, ['-f', '-'], { input: script + '\n', stdio: ['pipe', 'ignore', 'ignore'], timeout: 10_000 });
}

function onExit(): void {
  deleteSync(live);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  onExit();
  unhook();
  // Nobody else listens: do what the signal would have done without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}
function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** A live guard: its table holds one rule per flow. Close it (or `await using` it) when the conversation ends. */
export class RstGuard {
  /** The nftables table (family inet) that holds the rules. */
  readonly table: string;
  /** The flows guarded. */
  readonly flows: readonly RstGuardFlow[];
  #closed = false;

  /** @internal use {@link rstGuard} */
  constructor(table: string, flows: readonly RstGuardFlow[]) {
    this.table = table;
    this.flows = flows;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** RSTs dropped so far, per flow (from the rules' counters). */
  async dropped(): Promise<number[]> {
    if (this.#closed) throw new PktkitError(`the RST guard ${this.table} is closed`, { code: 'ECLOSED' });
    const out = await nft(['list', 'table', 'inet', this.table]);
    return [...out.matchAll(/counter packets (\d+)/g)].map((m) => Number(m[1]));
  }

  /** Removes the table: the kernel's RSTs for these flows go out again. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    live.delete(this.table);
    if (live.size === 0) unhook();
    await nft([], `delete table inet ${this.table}\n`).catch((e: unknown) => {
      // Already gone (deleted by hand, or the namespace went away): nothing to undo.
      if (!(e instanceof PktkitError && /No such file or directory/.test(e.message))) throw e;
    });
  }

  /** For `await using guard = await rstGuard(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Drops the kernel's outgoing TCP RSTs for exactly these flows until the
 * returned guard is closed (or the process ends), so a handshake crafted with
 * send/sr survives the peer's SYN/ACK. Needs CAP_NET_ADMIN and the `nft`
 * program. First removes tables left by dead processes.
 *
 * ```ts
 * const guard = await rstGuard({ dst: '198.18.0.2', dport: 80, sport: 40000 });
 * try { ... sr1(IP({ dst }).div(TCP({ sport: 40000, dport: 80, flags: 'S' }))) ... }
 * finally { await guard.close(); }
 * ```
 */
export async function rstGuard(flows: RstGuardFlow | readonly RstGuardFlow[]): Promise<RstGuard> {
  const list = (Array.isArray(flows) ? flows : [flows]).map((f, i) => checkFlow(f, i));
  if (list.length === 0) throw argError('at least one flow', 'rstGuard() flows', '[]');
  await removeStaleRstGuards();
  const table = `${TABLE_PREFIX}${process.pid}_${++serial}`;
  const script =
    `table inet ${table} {\n  chain out {\n    type filter hook output priority 0; policy accept;\n` +
    list.map((f) => `    ${rule(f)}\n`).join('') +
    '  }\n}\n';
  // Registered before the table exists, so that a signal arriving meanwhile still removes it.
  live.add(table);
  hook();
  try {
    await nft([], script);
  } catch (e) {
    live.delete(table);
    if (live.size === 0) unhook();
    throw e;
  }
  return new RstGuard(table, list);
}
