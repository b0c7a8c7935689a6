/**
 * `pktkit capture` and `pktkit read`: open the capture the way tcpdump would,
 * say so on stderr, and run the shared session. Ctrl-C and SIGTERM end the
 * capture cleanly (the counters are still printed); a second Ctrl-C quits at once.
 */
import { openFile, openLive, type Capture } from '../capture';
import type { CliOptions } from './args';
import { addressesOf, defaultInterface } from './ifaces';
import type { TextOutput } from './output';
import { runSession, type SessionResult } from './session';

/** Closes `cap` on SIGINT/SIGTERM while `run` is going. */
async function untilSignal<T>(cap: Capture, run: () => Promise<T>): Promise<T> {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) process.exit(sig === 'SIGINT' ? 130 : 143);
    signalled = true;
    cap.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `pktkit capture`. */
export async function runCapture(opts: CliOptions, out: TextOutput, err: NodeJS.WriteStream): Promise<SessionResult> {
  const device = opts.interface ?? defaultInterface();
  const cap = openLive(device, {
    filter: opts.filter,
    snaplen: opts.snaplen === undefined || opts.snaplen === 0 ? 262144 : opts.snaplen,
    promisc: opts.promisc,
    // Printed output should appear as packets arrive; a file can take kernel batches.
    immediate: opts.immediate || opts.write === undefined,
    bufferSize: opts.bufferSize === undefined ? undefined : opts.bufferSize * 1024,
    direction: opts.direction,
  });
  if (cap.warning) err.write(`pktkit: WARNING: ${cap.warning}\n`);
  if (!opts.quiet || opts.write !== undefined) {
    err.write(`pktkit: listening on ${device}, link-type ${cap.linkTypeName}, snapshot length ${cap.snaplen} bytes\n`);
  }
  const local = addressesOf(device);
  return untilSignal(cap, () => runSession(cap, opts, { out, err, local, live: true, ifName: device }));
}

/** `pktkit read FILE`. */
export async function runRead(opts: CliOptions, out: TextOutput, err: NodeJS.WriteStream): Promise<SessionResult> {
  const cap = openFile(opts.file!, { filter: opts.filter });
  if (!opts.quiet) {
    err.write(`pktkit: reading from file ${opts.file}, link-type ${cap.linkTypeName}, snapshot length ${cap.snaplen}\n`);
  }
  return untilSignal(cap, () => runSession(cap, opts, { out, err, local: localForFile(opts), live: false }));
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
