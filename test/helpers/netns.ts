/**
 * Test networks: the ONLY way tests create them.
 *
 * `createNetPair()` makes two fresh network namespaces joined by a veth pair
 * whose ends are created directly inside them (they never exist in the root
 * namespace), so nothing a test sends can leave the pair. Addresses come from
 * 198.18.0.0/15 and fd00::/8, and there is no default route: a packet for any
 * other address has no way out.
 *
 * Everything is torn down by `destroy()`; if a test never gets there, the hooks
 * in `cleanup.ts` do it when the process exits, is signalled or crashes.
 *
 * Code that must see the veth (a capture) has to run inside a namespace; Node
 * cannot setns(), so it runs as a child process under `ip netns exec`: see
 * `node-in-ns.ts` and `tcpdump.ts`.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { TestContext } from 'node:test';
import {
  deleteNamespaceSync,
  listNamespacesSync,
  namespacePidsSync,
  registerNamespace,
  sweepStaleNamespaces,
  unregisterNamespace,
} from './cleanup';
import { run, runOk, spawnTracked, stopTracked, type ExecResult, type RunOptions } from './processes';
import { SUBNET_SLOTS, leaseSubnet } from './subnet-lease';

/** Options for {@link createNetPair}. */
export interface NetPairOptions {
  /** Short tag put into the namespace names to tell tests apart in `ip netns list` (`[a-z0-9]{1,12}`). */
  prefix?: string;
  /**
   * Give the veths IPv6 addresses (default true). With `false`, IPv6 is disabled
   * on both veths, so the link stays silent (no MLD or neighbour discovery).
   */
  ipv6?: boolean;
  /** Veth MTU (default: the kernel's, 1500). */
  mtu?: number;
  /** When given, `destroy()` is registered as this test's `after` hook. */
  t?: TestContext;
}

/** Two namespaces joined by a veth pair; every address is private to the pair. */
export interface NetPair {
  /** Namespace names (`ip netns exec <name>`). */
  readonly nsA: string;
  readonly nsB: string;
  /** Veth ends: `ifA` lives in `nsA`, `ifB` in `nsB`. */
  readonly ifA: string;
  readonly ifB: string;
  /** IPv4 addresses of the ends, in {@link NetPair.subnet4}. */
  readonly ipA: string;
  readonly ipB: string;
  /** IPv6 addresses of the ends (`nodad`: usable at once); empty strings when `ipv6: false`. */
  readonly ip6A: string;
  readonly ip6B: string;
  /** MAC addresses of the ends, lower-case `aa:bb:cc:dd:ee:ff`. */
  readonly macA: string;
  readonly macB: string;
  /**
   * The /24 this pair owns, e.g. `198.18.7.0/24`, distinct from every other pair
   * alive on this host; hosts .3 to .254 are free for tests.
   */
  readonly subnet4: string;
  /** The /64 this pair owns, e.g. `fd00:0:0:7::/64`. */
  readonly subnet6: string;
  /** IPv4 address of host number `n` (1..254) in {@link NetPair.subnet4}. */
  host4(n: number): string;
  /** IPv6 address of interface id `n` in {@link NetPair.subnet6}. */
  host6(n: number): string;
  /**
   * Runs a command inside `ns` to completion; never rejects on a non-zero exit.
   * `exec`, `execOk` and `spawn` throw a TypeError at once when `ns` is not `nsA` or `nsB`.
   */
  exec(ns: string, cmd: string, args?: readonly string[], options?: RunOptions): Promise<ExecResult>;
  /** Like {@link NetPair.exec}, but rejects with the stderr unless the command exits 0. */
  execOk(ns: string, cmd: string, args?: readonly string[], options?: RunOptions): Promise<ExecResult>;
  /**
   * Starts a command inside `ns`; it is killed (by its PID) on `destroy()`.
   * stdout and stderr are pipes unless `options.stdio` says otherwise: read
   * them, or a chatty command blocks once the pipe is full.
   */
  spawn(ns: string, cmd: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Ends the processes started in the pair's namespaces, then deletes both namespaces (and so the veth). Idempotent. */
  destroy(): Promise<void>;
}

let pairCounter = 0;

/** Where to start looking for a free /24: spread by pid and counter, so the first try is usually free. */
function preferredSlot(n: number): number {
  return (process.pid * 16 + n) % SUBNET_SLOTS;
}

/**
 * Creates two namespaces with a veth pair between them, both ends up, loopback
 * up in both, IPv4 (/24 from 198.18.0.0/15) and IPv6 (/64 from fd00::/8)
 * addresses, and no default route. Rejects (after removing whatever it had
 * made) if any step fails.
 */
export async function createNetPair(options: NetPairOptions = {}): Promise<NetPair> {
  const prefix = options.prefix ?? '';
  if (prefix !== '' && !/^[a-z0-9]{1,12}$/.test(prefix)) {
    throw new TypeError(`Expected prefix of 1 to 12 characters [a-z0-9] but received ${JSON.stringify(prefix)}`);
  }
  if (process.getuid?.() !== 0) throw new Error('createNetPair needs root (ip netns add)');
  sweepStaleNamespaces();

  const n = ++pairCounter;
  const base = `pk${prefix ? `-${prefix}` : ''}-${process.pid}-${n}`;
  const nsA = `${base}-a`;
  const nsB = `${base}-b`;
  // Interface names are limited to 15 characters: "pk" + pid (<= 7) + "x" + counter + "a"
  const tag = `pk${process.pid}x${n.toString(36)}`;
  if (tag.length > 14) throw new Error(`interface name ${tag}a would exceed 15 characters`);
  const ifA = `${tag}a`;
  const ifB = `${tag}b`;

  const lease = await leaseSubnet(preferredSlot(n));
  const slot = lease.slot;
  const net4 = `198.${18 + (slot >> 8)}.${slot & 0xff}`;
  const net6 = `fd00:0:0:${slot.toString(16)}`;
  const host4 = (h: number) => {
    if (!Number.isInteger(h) || h < 1 || h > 254) throw new RangeError(`Expected host number 1..254 but received ${h}`);
    return `${net4}.${h}`;
  };
  const host6 = (h: number) => {
    if (!Number.isInteger(h) || h < 1 || h > 0xffff)
      throw new RangeError(`Expected interface id 1..65535 but received ${h}`);
    return `${net6}::${h.toString(16)}`;
  };
  const withV6 = options.ipv6 ?? true;

  const mac = async (ns: string, ifc: string) => {
    const r = await runOk(null, 'ip', ['-n', ns, '-j', 'link', 'show', 'dev', ifc]);
    return (JSON.parse(r.stdout) as Array<{ address: string }>)[0].address;
  };
  let macA = '';
  let macB = '';
  const made: string[] = [];
  const ip = (args: string[]) => runOk(null, 'ip', args);
  try {
    for (const ns of [nsA, nsB]) {
      // registered before it exists: a signal arriving mid-creation still deletes it
      registerNamespace(ns);
      made.push(ns);
      await ip(['netns', 'add', ns]);
    }
    await ip([
      'link',
      'add',
      ifA,
      'netns',
      nsA,
      ...(options.mtu ? ['mtu', String(options.mtu)] : []),
      'type',
      'veth',
      'peer',
      'name',
      ifB,
      'netns',
      nsB,
    ]);
    for (const [ns, ifc, h] of [
      [nsA, ifA, 1],
      [nsB, ifB, 2],
    ] as const) {
      // Sysctls before link up: no router solicitations or duplicate address
      // detection traffic on a link that tests capture from.
      const v6 = withV6
        ? [`net.ipv6.conf.${ifc}.accept_dad=0`, `net.ipv6.conf.${ifc}.router_solicitations=0`]
        : [`net.ipv6.conf.${ifc}.disable_ipv6=1`];
      await runOk(ns, 'sysctl', ['-q', '-w', ...v6]);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', ns, 'addr', 'add', `${host4(h)}/24`, 'dev', ifc]);
      if (withV6) await ip(['-n', ns, '-6', 'addr', 'add', `${host6(h)}/64`, 'dev', ifc, 'nodad']);
      await ip(['-n', ns, 'link', 'set', ifc, 'up']);
    }
    [macA, macB] = await Promise.all([mac(nsA, ifA), mac(nsB, ifB)]);
  } catch (err) {
    for (const ns of made) deleteNamespaceSync(ns);
    lease.release();
    throw err;
  }

  let destroyed: Promise<void> | undefined;
  const destroy = () => {
    destroyed ??= (async () => {
      await stopTracked([nsA, nsB]);
      for (const ns of [nsA, nsB]) {
        // Anything still inside was started by this test (a tracked process's own child).
        if (namespacePidsSync(ns).length > 0) deleteNamespaceSync(ns);
        else {
          const r = await run(null, 'ip', ['netns', 'del', ns]);
          if (r.code !== 0 && listNamespacesSync().includes(ns)) deleteNamespaceSync(ns);
        }
        unregisterNamespace(ns);
      }
      lease.release();
    })();
    return destroyed;
  };

  const pair: NetPair = {
    nsA,
    nsB,
    ifA,
    ifB,
    ipA: host4(1),
    ipB: host4(2),
    ip6A: withV6 ? host6(1) : '',
    ip6B: withV6 ? host6(2) : '',
    macA,
    macB,
    subnet4: `${net4}.0/24`,
    subnet6: `${net6}::/64`,
    host4,
    host6,
    exec: (ns, cmd, args = [], opts) => run(checkNs(ns), cmd, args, opts),
    execOk: (ns, cmd, args = [], opts) => runOk(checkNs(ns), cmd, args, opts),
    spawn: (ns, cmd, args = [], opts) => spawnTracked(checkNs(ns), cmd, args, opts),
    destroy,
  };
  function checkNs(ns: string): string {
    if (ns !== nsA && ns !== nsB) throw new TypeError(`Expected ${nsA} or ${nsB} but received ${JSON.stringify(ns)}`);
    return ns;
  }
  options.t?.after(() => destroy());
  return pair;
}

/**
 * Runs `fn` with a fresh net pair and always destroys the pair afterwards,
 * whether `fn` resolves or throws. Returns what `fn` returns.
 */
export async function withNetPair<T>(fn: (net: NetPair) => Promise<T>, options: NetPairOptions = {}): Promise<T> {
  const net = await createNetPair(options);
  try {
    return await fn(net);
  } finally {
    await net.destroy();
  }
}

/** True when this process can create namespaces (root with `ip` available); tests use it to skip with a reason. */
export function canCreateNamespaces(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    listNamespacesSync();
    return true;
  } catch {
    return false;
  }
}

/** Names of all namespaces that exist right now (`ip netns list`). */
export function listNamespaces(): string[] {
  return listNamespacesSync();
}
