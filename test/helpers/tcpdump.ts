/**
 * A reference capture running next to the code under test: tcpdump writing a
 * file, started inside a namespace (or in the root namespace, for loopback).
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { countPcapRecords } from './pcap-file';
import { spawnTracked, stopProcess } from './processes';

/** Options for {@link startTcpdump}. */
export interface TcpdumpOptions {
  /** Namespace to capture in; `null` or omitted: the root namespace (loopback tests). */
  ns?: string | null;
  /** Interface, e.g. a pair's `ifA`, or `lo`. */
  iface: string;
  /** pcap filter expression; empty captures everything. */
  filter?: string;
  /** Output file (`-w`). */
  file: string;
  /** Snap length (`-s`); default tcpdump's (262144). */
  snaplen?: number;
  /** `'nano'` writes a nanosecond pcap (`--time-stamp-precision=nano`); default microseconds. */
  precision?: 'micro' | 'nano';
  /** Link type name for `-y`, e.g. `LINUX_SLL2` with `iface: 'any'`. */
  linkType?: string;
  /** Further tcpdump arguments, placed before the filter. */
  extraArgs?: readonly string[];
  /** How long to wait for "listening on"; default 10 s. */
  startTimeoutMs?: number;
}

/** What tcpdump said when it stopped. */
export interface TcpdumpResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** "N packets captured", or -1 if tcpdump did not print it. */
  captured: number;
  /** "N packets dropped by kernel", or -1. */
  droppedByKernel: number;
}

/** Options for {@link Tcpdump.stop}. */
export interface TcpdumpStopOptions {
  /**
   * Wait until the file holds at least this many packets before stopping
   * (up to `timeoutMs`). Without it, stop() waits `settleMs`.
   */
  packets?: number;
  /** Limit for `packets`; default 5 s. */
  timeoutMs?: number;
  /** Pause before SIGINT when `packets` is not given; default 150 ms. */
  settleMs?: number;
}

/** A running tcpdump. */
export interface Tcpdump {
  readonly pid: number;
  /** Packets in the file so far (tcpdump writes each one as it comes). */
  packetsWritten(): number;
  /**
   * SIGINT, then waits until tcpdump has flushed and closed the file and
   * exited. libpcap discards what it has not yet read when it is interrupted,
   * so stop() first lets tcpdump catch up: see {@link TcpdumpStopOptions}.
   */
  stop(options?: TcpdumpStopOptions): Promise<TcpdumpResult>;
}

/**
 * Starts tcpdump and resolves once it reports "listening on", i.e. once the
 * capture is active, so that packets sent afterwards are in the file. `-U`
 * makes it write each packet as it comes; `-Z root` keeps it from dropping to
 * the tcpdump user, who could not write into the test's temporary directory.
 */
export async function startTcpdump(options: TcpdumpOptions): Promise<Tcpdump> {
  // --immediate-mode: hand each packet over at once instead of when a ring block fills or times out
  const args = ['-i', options.iface, '-n', '-U', '--immediate-mode', '-Z', 'root', '-w', options.file];
  if (options.snaplen !== undefined) args.push('-s', String(options.snaplen));
  if (options.precision === 'nano') args.push('--time-stamp-precision=nano');
  if (options.linkType) args.push('-y', options.linkType);
  args.push(...(options.extraArgs ?? []));
  if (options.filter) args.push(options.filter);

  const child = spawnTracked(options.ns ?? null, 'tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const closed = once(child, 'close').catch((err: unknown) => {
    stderr += String(err);
    return [127, null];
  }) as Promise<[number | null, NodeJS.Signals | null]>;
  child.stderr!.setEncoding('utf8');

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`tcpdump did not start listening within ${options.startTimeoutMs ?? 10_000} ms: ${stderr.trim()}`),
      );
    }, options.startTimeoutMs ?? 10_000);
    child.stderr!.on('data', (s: string) => {
      stderr += s;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void closed.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump ${args.join(' ')} exited (${code ?? signal}) before listening: ${stderr.trim()}`));
    });
  });

  const count = (what: string) => {
    const m = new RegExp(`(\\d+) packets? ${what}`).exec(stderr);
    return m ? Number(m[1]) : -1;
  };
  return {
    pid: child.pid!,
    packetsWritten: () => countPcapRecords(options.file),
    async stop(stopOptions: TcpdumpStopOptions = {}) {
      if (stopOptions.packets !== undefined) {
        const deadline = Date.now() + (stopOptions.timeoutMs ?? 5000);
        while (countPcapRecords(options.file) < stopOptions.packets && Date.now() < deadline) await sleep(20);
      } else {
        await sleep(stopOptions.settleMs ?? 150);
      }
      await stopProcess(child, 5000, 'SIGINT');
      const [code, signal] = await closed;
      return { code, signal, stderr, captured: count('captured'), droppedByKernel: count('dropped by kernel') };
    },
  };
}
