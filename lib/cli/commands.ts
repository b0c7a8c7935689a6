/**
 * `pktkit capture` and `pktkit read`: open the capture the way tcpdump would,
 * say so on stderr, and run the shared session. Ctrl-C and SIGTERM end the
 * capture cleanly (the counters are still printed); a second Ctrl-C quits at once.
 */
import fs from 'node:fs';
import { interfaces, openFile, openLive, type Capture } from '../capture';
import { InterfaceError } from '../errors';
import { dropPrivileges } from '../privileges';
import { UsageError, type CliOptions } from './args';
import { addressesOf, defaultInterface } from './ifaces';
import type { TextOutput } from './output';
import { runFlowPrint, runSensor } from './sensor';
import { runSession, writesOnly, type SessionIO, type SessionResult } from './session';
import { LINK_LINUX_SLL2 } from '../constants';

/** The packet session, or sensor mode when --to or --flows asks for it. */
function session(cap: Capture, opts: CliOptions, io: SessionIO): Promise<SessionResult> {
  if (opts.to !== undefined) return runSensor(cap, opts, io);
  if (opts.flows || opts.ecs) return runFlowPrint(cap, opts, io);
  return runSession(cap, opts, io);
}

/**
 * Turns SIGINT/SIGTERM into closing the capture. Installed before the capture
 * is announced, so that a signal sent as soon as "listening on" appears is
 * never the default (killing) action.
 */
class StopSignals {
  private cap: Capture | undefined;
  private signalled = false;
  private readonly onSignal = (sig: NodeJS.Signals): void => {
    if (this.signalled) process.exit(sig === 'SIGINT' ? 130 : 143);
    this.signalled = true;
    this.cap?.close();
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** The capture to close; closed at once if a signal already came. */
  watch(cap: Capture): void {
    this.cap = cap;
    if (this.signalled) cap.close();
  }

  /** Restores the default handling. */
  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** `pktkit capture`. */
export async function runCapture(opts: CliOptions, out: TextOutput, err: NodeJS.WriteStream): Promise<SessionResult> {
  const signals = new StopSignals();
  try {
    const device = opts.interface === undefined ? defaultInterface() : pickInterface(opts.interface);
    const cap = openLive(device, {
      filter: filterOf(opts),
      linkType:
        opts.linkType === undefined ? undefined : /^\d+$/.test(opts.linkType) ? Number(opts.linkType) : opts.linkType,
      snaplen: opts.snaplen === undefined || opts.snaplen === 0 ? 262144 : opts.snaplen,
      promisc: opts.promisc,
      // Printed output should appear as packets arrive; a file can take kernel batches.
      immediate: opts.immediate || (opts.write === undefined && opts.to === undefined),
      bufferSize: opts.bufferSize === undefined ? undefined : opts.bufferSize * 1024,
      direction: opts.direction,
      // Only writing a file: no layers needed, the dissector is skipped.
      decode: !writesOnly(opts),
    });
    signals.watch(cap);
    if (opts.user !== undefined) {
      // tcpdump -Z: the capture is open; nothing after this (files written with -w included) runs privileged.
      try {
        dropPrivileges({ user: opts.user });
      } catch (e) {
        cap.close();
        throw e;
      }
    }
    const local = new Set([...addressesOf(device), ...opts.local]);
    const announce = (): void => {
      if (cap.warning) err.write(`pktkit: WARNING: ${cap.warning}\n`);
      if (!opts.quiet || opts.write !== undefined) {
        err.write(
          `pktkit: listening on ${device}, link-type ${cap.linkTypeName}, snapshot length ${cap.snaplen} bytes\n`,
        );
      }
    };
    return await session(cap, opts, { out, err, local, live: true, ifName: device, announce });
  } finally {
    signals.dispose();
  }
}

/** `pktkit read FILE`. */
export async function runRead(opts: CliOptions, out: TextOutput, err: NodeJS.WriteStream): Promise<SessionResult> {
  const signals = new StopSignals();
  try {
    const cap = openFile(opts.file!, { filter: filterOf(opts), decode: !writesOnly(opts) });
    signals.watch(cap);
    const announce = (): void => {
      if (!opts.quiet)
        err.write(
          `pktkit: reading from file ${opts.file}, link-type ${cap.linkTypeName}, snapshot length ${cap.snaplen}\n`,
        );
      // As tcpdump: cooked v2 records carry interface indexes, named after this host's interfaces.
      if (cap.linkType === LINK_LINUX_SLL2 && !opts.json)
        err.write("pktkit: WARNING: interface names might be incorrect (named after this host's interface indexes)\n");
    };
    return await session(cap, opts, { out, err, local: localForFile(opts), live: false, announce });
  } finally {
    signals.dispose();
  }
}

/** --local when given; else this host's own addresses (right when the file was captured here). */
function localForFile(opts: CliOptions): Set<string> {
  if (opts.local.length > 0) return new Set(opts.local);
  try {
    return addressesOf(undefined);
  } catch {
    return new Set();
  }
}

/**
 * `-i`: a name, or as tcpdump a number from the `-D` list when no interface
 * has that name.
 */
export function pickInterface(name: string): string {
  if (!/^\d+$/.test(name)) return name;
  const list = interfaces();
  if (list.some((i) => i.name === name)) return name;
  const n = Number(name);
  const picked = list[n - 1];
  if (picked === undefined) {
    throw new InterfaceError(
      `no interface number ${name}: pktkit -D lists ${list.length === 0 ? 'none' : `1..${list.length}`}`,
      { code: 'ENODEV' },
    );
  }
  return picked.name;
}

/**
 * The filter: -f or the words after the options, or the contents of -F FILE,
 * where (as tcpdump reads it) `#` starts a comment that runs to the end of the line.
 */
export function filterOf(opts: CliOptions): string | undefined {
  if (opts.filterFile === undefined) return opts.filter;
  let text: string;
  try {
    text = fs.readFileSync(opts.filterFile, 'latin1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read the filter file ${opts.filterFile} given with -F (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`,
    );
  }
  const filter = text
    .replace(/#[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return filter === '' ? undefined : filter;
}
