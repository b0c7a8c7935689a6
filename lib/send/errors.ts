/**
 * Turns the native side's errno errors into pktkit's classes: a missing
 * privilege becomes PermissionError with the way out, a missing interface
 * becomes InterfaceError worded like the capture core's.
 */
import { InterfaceError, PermissionError, PktkitError, quote } from '../errors';

interface ErrnoError extends Error {
  code?: string;
  sent?: number;
}

/** The hint every privilege error carries (the same advice the capture core gives). */
export const PRIVILEGE_HINT =
  'run as root, or grant cap_net_raw (sudo setcap cap_net_raw,cap_net_admin=eip $(command -v node))';

/** Maps a native error for `what` (e.g. `send()`, `sendp() on eth0`) to a pktkit error; others pass through. */
export function sendError(err: unknown, what: string, iface?: string): Error {
  if (err instanceof PktkitError || err instanceof TypeError) return err;
  const e = err as ErrnoError;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'EPERM' || code === 'EACCES') {
    // EACCES is also what the kernel says for a broadcast destination without SO_BROADCAST, which
    // native/send.cc always sets, and EPERM what a netfilter DROP says: name both possibilities.
    return new PermissionError(`no permission for ${what}: ${PRIVILEGE_HINT} (or a firewall rule dropped it) (${e.message})`, { code: 'EPERM' });
  }
  if (code === 'ENODEV' || code === 'ENXIO') {
    // quote(): a name of any length stays a bounded, printable part of one line.
    return new InterfaceError(`no such interface ${quote(iface ?? '?')}: list them with \`pktkit ifaces\` or interfaces() (${e.message})`, { code: 'ENODEV' });
  }
  if (code === 'ENETDOWN') {
    return new InterfaceError(`interface ${quote(iface ?? '?')} is down: bring it up (ip link set ${iface ?? 'IFACE'} up)`, { code: 'EIFDOWN' });
  }
  const out = new PktkitError(`${what} failed: ${e?.message ?? String(err)}`, { code: code ?? 'ESEND' });
  if (typeof e?.sent === 'number') Object.defineProperty(out, 'sent', { value: e.sent, enumerable: true });
  return out;
}
