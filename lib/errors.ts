/**
 * Error classes. Every error pktkit throws on purpose is a {@link PktkitError}
 * with a stable `code`; the native addon throws these same classes (they are
 * handed to it at load), so `instanceof` works across the boundary.
 */

/** Extra facts carried by a {@link PktkitError}. */
export interface PktkitErrorDetails {
  /** Stable, machine-readable code such as `ENODEV`, `EPERM`, `EFILTER`, `ENOENT`, `ETRUNCATED`. */
  code?: string;
  /** libpcap's status name when libpcap reported one, e.g. `PCAP_ERROR_PERM_DENIED`. */
  pcapStatus?: string;
}

/** Base class of pktkit's errors. */
export class PktkitError extends Error {
  /** Stable, machine-readable code. */
  readonly code: string;
  /** libpcap's status name, when libpcap reported one. */
  readonly pcapStatus: string | undefined;

  constructor(message: string, details: PktkitErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.code = details.code ?? 'EPKTKIT';
    this.pcapStatus = details.pcapStatus;
  }
}

/** libpcap refused or failed an operation; `pcapStatus` names its status code. */
export class PcapError extends PktkitError {}

/** A BPF filter expression did not compile; the message carries libpcap's reason. */
export class FilterError extends PktkitError {}

/** Capturing or sending needs privileges: run as root, or grant cap_net_raw,cap_net_admin. */
export class PermissionError extends PktkitError {}

/** The named network interface does not exist or is not usable. */
export class InterfaceError extends PktkitError {}

/** A capture file is missing, unreadable, not pcap/pcapng, or damaged (`code` says which). */
export class FileError extends PktkitError {}

/** A packet that cannot be built as asked (e.g. its payload does not fit a 16-bit length field): `code` `ETOOBIG`. */
export class BuildError extends PktkitError {}

/** Longest piece of a user's string that an error message quotes. */
const MAX_QUOTED = 100;

/**
 * A string as messages show it: in single quotes, NUL, other control
 * characters and backslashes escaped (so the message stays one printable line), cut after
 * `max` characters with the full length said.
 */
export function quote(text: string, max = MAX_QUOTED): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
  const escaped = cut.replace(/[\x00-\x1f\x7f\\]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return cut === text ? `'${escaped}'` : `'${escaped}...' (${text.length} characters)`;
}

/**
 * A BPF filter as error messages quote it: a bounded prefix, so a megabyte
 * filter gives a one-line message of a hundred-odd characters, not a megabyte.
 */
export function quoteFilter(filter: string): string {
  return quote(filter);
}

/** The FilterError for a filter libpcap refused: `bad filter 'tcp and': syntax error`. */
export function filterError(filter: string, detail: string): FilterError {
  return new FilterError(`bad filter ${quoteFilter(filter)}: ${detail}`, { code: 'EFILTER' });
}

/** Builds the message for a bad argument, sharp's way: what was expected and what came. */
export function expected(what: string, name: string, value: unknown): string {
  const shown =
    typeof value === 'string' ? quote(value)
    : Array.isArray(value) ? 'an array'
    : typeof value === 'function' ? `function ${value.name || '(anonymous)'}`
    : typeof value === 'object' && value !== null ? `an object (${value.constructor?.name ?? 'no prototype'})`
    : String(value);
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `Expected ${what} for ${name} but received ${shown} of type ${type}`;
}

/**
 * Throws a TypeError, as `fs` does, when a string bound for native code (a
 * path, an interface name, a filter) holds a NUL byte: C would silently cut
 * it there, so `'a.pcap\0x'` would open `a.pcap`. `code` is node's
 * `ERR_INVALID_ARG_VALUE`.
 */
export function checkNoNul(what: string, name: string, value: string): void {
  if (!value.includes('\0')) return;
  const err = new TypeError(expected(`${what} without NUL bytes`, name, value));
  (err as TypeError & { code: string }).code = 'ERR_INVALID_ARG_VALUE';
  throw err;
}
