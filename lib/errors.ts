/**
 * Error classes, and every message and hint pktkit's errors carry. Every error
 * pktkit throws on purpose is a {@link PktkitError} with a stable `code`, or a
 * TypeError for a bad argument (lib/args.ts). The native addon reports facts
 * (kind, code, errno or libpcap status, the system's own text) and
 * {@link nativeError}, handed to it at load, words them here, for capture and
 * send alike, so `instanceof` works across the boundary and each message is
 * written once.
 */
import { constants } from 'node:os';

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
    c === '\\'
      ? '\\\\'
      : c === '\n'
        ? '\\n'
        : c === '\t'
          ? '\\t'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
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
    typeof value === 'string'
      ? quote(value)
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'function'
          ? `function ${value.name || '(anonymous)'}`
          : typeof value === 'object' && value !== null
            ? `an object (${value.constructor?.name ?? 'no prototype'})`
            : String(value);
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `Expected ${what} for ${name} but received ${shown} of type ${type}`;
}

/** The way out of every privilege error, for capture and send alike. */
export const PRIVILEGE_HINT =
  'run as root, or grant cap_net_raw,cap_net_admin (sudo setcap cap_net_raw,cap_net_admin=eip $(command -v node))';

/** The hint for an interface that does not exist. */
export const INTERFACE_HINT = 'list them with `pktkit ifaces` or interfaces()';

/**
 * What native code reports when something fails (native/errors.h `ErrorFacts`):
 * facts only; {@link nativeError} words them.
 */
export interface NativeErrorFacts {
  /** Which class: pcap, filter, permission, interface, file, send, resource (PktkitError) or argument (TypeError). */
  kind: 'pcap' | 'filter' | 'permission' | 'interface' | 'file' | 'send' | 'resource' | 'argument';
  /** The error's `code`: ENODEV, EPERM, EFILTER, ENOENT, an errno name ... */
  code: string;
  /** What failed, the key the message is chosen by: `capture`, `ring`, `open-file`, `send`, `route` ... */
  what?: string;
  /** What it concerns: an interface, a path, a filter, an address. */
  subject?: string;
  /** The system's or libpcap's own text (strerror, pcap_geterr, the file reader's finding). */
  detail?: string;
  /** libpcap's status name, e.g. `PCAP_ERROR_PERM_DENIED`. */
  pcapStatus?: string;
  /** errno, when a system call failed. */
  errno?: number;
  /** That system call: `socket`, `bind`, `sendmmsg` ... */
  op?: string;
  /** The call it happened in, as the user wrote it: `send()`, `sendp() on eth0`. */
  context?: string;
  /** Further facts the message names (a block count, a fanout group, packets sent). */
  values?: Record<string, string>;
}

/** `op: detail`, `detail`, or `op`. */
function said(f: NativeErrorFacts): string {
  const op = f.op !== undefined && f.values?.packet !== undefined ? `${f.op} of packet ${f.values.packet}` : f.op;
  return [op, f.detail].filter((x) => x !== undefined && x !== '').join(': ');
}

/** ` (what the system said)`, or nothing when it said nothing. */
function inParens(text: string): string {
  return text === '' ? '' : ` (${text})`;
}

/** The detail without the subject the message already names (the file reader says `path: reason`). */
function aboutSubject(f: NativeErrorFacts): string {
  const detail = f.detail ?? '';
  return f.subject && detail.startsWith(`${f.subject}: `) ? detail.slice(f.subject.length + 2) : detail;
}

/** The message for facts of one `what`; `q` is the subject quoted. */
const MESSAGES: Record<string, (f: NativeErrorFacts, q: string) => string> = {
  'no-device': (f, q) => `no such interface ${q}: ${INTERFACE_HINT}${inParens(said(f))}`,
  down: (f, q) =>
    `interface ${q} is down: bring it up (ip link set ${/^[\w.@-]+$/.test(f.subject ?? '') ? f.subject : q} up)`,
  capture: (f, q) => `cannot capture on ${q}: ${said(f)}`,
  'open-device': (f, q) => `cannot open ${q}: ${said(f)}`,
  ring: (f, q) =>
    `cannot set up the capture ring on ${q} (${f.values?.blocks} blocks of ${f.values?.blockSize} bytes): ${f.detail}; try a smaller bufferSize`,
  'map-ring': (f) => `cannot map the capture ring: ${f.detail}`,
  bind: (f, q) => `cannot bind to ${q}: ${f.detail}`,
  fanout: (f) =>
    `cannot join fanout group ${f.values?.group}: ${f.detail} (every member of a group must use the same mode)`,
  'link-type': (f, q) => `cannot use link type ${f.values?.linkType} on ${q}: ${f.detail}`,
  direction: (f, q) => `cannot set direction '${f.values?.direction}' on ${q}: ${f.detail}`,
  nonblock: (f) => `cannot set non-blocking mode: ${f.detail}`,
  stopped: (f) =>
    `capture stopped: ${f.errno === constants.errno.ENETDOWN ? 'The interface went down' : f.errno === constants.errno.ENODEV ? 'The interface disappeared' : f.detail}`,
  engine: (_f, q) =>
    `the AF_PACKET engine cannot capture on ${q} with these options (its link type or linkType): use engine 'libpcap'`,
  'fanout-engine': (_f, q) => `fanout needs the AF_PACKET engine, which cannot serve ${q}`,
  watch: (f) => `cannot watch the capture's descriptor${inParens(said(f))}`,
  wake: (f) => `cannot schedule the capture's wake-up${inParens(said(f))}`,
  // lib/pcap-writer.ts adds which file.
  'write-pcap': (f) => f.detail ?? 'write failed',
  'alloc-slots': (f) => `cannot allocate the record slots (${f.values?.bytes} bytes): ${f.detail}`,
  'list-interfaces': (f) => `cannot list interfaces: ${f.detail}`,
  filter: (f) => `bad filter ${quoteFilter(f.subject ?? '')}: ${f.detail}`,
  'filter-apply': (f) => `bad filter ${quoteFilter(f.subject ?? '')}: cannot be applied: ${f.detail}`,
  'filter-attach': (f) => `bad filter ${quoteFilter(f.subject ?? '')}: the kernel refused the program: ${f.detail}`,
  'open-file': (f, q) => `cannot open capture file ${q}: ${aboutSubject(f)}`,
  'read-file': (f, q) => `cannot read capture file ${q}: ${aboutSubject(f)}`,
  'not-capture-file': (f, q) => `cannot read capture file ${q}: ${f.detail} (expected pcap or pcapng)`,
  damaged: (f, q) => (f.subject ? `capture file ${q} is damaged: ${f.detail}` : `capture file is damaged: ${f.detail}`),
  truncated: (f, q) => `capture file ${q} is truncated: ${f.detail}`,
  route: (f) =>
    f.op
      ? `route lookup for ${f.subject} failed: ${said(f)}`
      : `route lookup for ${f.subject} failed: no route to ${f.subject}: ${f.detail}`,
  'route-no-answer': (f) => `route lookup for ${f.subject} got no answer`,
};

/** Messages of errors that depend on the kind more than on what failed (sending's errno classes). */
function byKind(f: NativeErrorFacts, q: string): string | undefined {
  const where = f.context ?? 'send()';
  if (f.kind === 'permission' && f.what !== 'capture') {
    // EACCES is also what the kernel says for a broadcast destination without SO_BROADCAST, which
    // native/send.cc always sets, and EPERM what a netfilter DROP says: name both possibilities.
    return `no permission for ${where}: ${PRIVILEGE_HINT} (or a firewall rule dropped it)${inParens(said(f))}`;
  }
  if (f.kind === 'permission') return `no permission to capture on ${q}: ${PRIVILEGE_HINT}${inParens(said(f))}`;
  if (f.kind === 'interface' && f.code === 'ENODEV') return MESSAGES['no-device'](f, q);
  if (f.kind === 'interface' && f.code === 'EIFDOWN') return MESSAGES.down(f, q);
  return undefined;
}

/**
 * The error for what native code reported: the class its kind names, the
 * message worded here. The addon calls this (lib/binding.ts hands it over;
 * facts of kind `argument` go to lib/args.ts's `nativeArgumentError`).
 */
export function nativeError(facts: NativeErrorFacts): PktkitError {
  const q = quote(facts.subject ?? '');
  const compose =
    facts.what !== undefined && facts.kind !== 'permission' && Object.hasOwn(MESSAGES, facts.what)
      ? MESSAGES[facts.what]
      : undefined;
  const message =
    byKind(facts, q) ??
    compose?.(facts, q) ??
    `${facts.context ?? `${facts.what ?? 'pktkit'}${facts.subject ? ` on ${q}` : ''}`} failed: ${said(facts)}`;
  const details = { code: facts.code, pcapStatus: facts.pcapStatus };
  const Class =
    facts.kind === 'pcap'
      ? PcapError
      : facts.kind === 'filter'
        ? FilterError
        : facts.kind === 'permission'
          ? PermissionError
          : facts.kind === 'interface'
            ? InterfaceError
            : facts.kind === 'file'
              ? FileError
              : PktkitError;
  const err = new Class(message, details);
  // A send that failed midway says how many packets went out before.
  if (facts.values?.sent !== undefined)
    Object.defineProperty(err, 'sent', { value: Number(facts.values.sent), enumerable: true, configurable: true });
  return err;
}
