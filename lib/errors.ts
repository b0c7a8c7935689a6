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

/** Builds the message for a bad argument, sharp's way: what was expected and what came. */
export function expected(what: string, name: string, value: unknown): string {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return `Expected ${what} for ${name} but received ${shown} of type ${value === null ? 'null' : typeof value}`;
}
