// DNS messages (RFC 1035): header, questions and resource records (A, AAAA,
// CNAME, NS, PTR, TXT, MX, SOA, SRV, OPT of RFC 6891). Names are decompressed
// when parsing and compressed when building (RFC 1035 section 4.1.4).
import { getIPv4, getIPv6, isIPv4, parseIPv6, putIPv4 } from './addr';
import {
  custom,
  describe,
  fieldError,
  flags,
  uint,
  bytes as bytesField,
  type FieldDef,
  type FieldInputs,
  type FieldValues,
} from './field';
import { defineAccessors, factory } from './factory';
import { Layer, type LayerClass } from './layer';
import { need, ShortInput, type Dissected } from './dissect';
import { view } from './byte-view';
import { pyBytes, pyStr, pyStrOfBytes } from './pyrepr';
import { TCPLayer } from './tcp';

/** DNS record types (Scapy's dnstypes). */
export const DNS_TYPES: Readonly<Record<number, string>> = {
  0: 'ANY',
  1: 'A',
  2: 'NS',
  3: 'MD',
  4: 'MF',
  5: 'CNAME',
  6: 'SOA',
  7: 'MB',
  8: 'MG',
  9: 'MR',
  10: 'NULL',
  11: 'WKS',
  12: 'PTR',
  13: 'HINFO',
  14: 'MINFO',
  15: 'MX',
  16: 'TXT',
  17: 'RP',
  18: 'AFSDB',
  19: 'X25',
  20: 'ISDN',
  21: 'RT',
  22: 'NSAP',
  23: 'NSAP-PTR',
  24: 'SIG',
  25: 'KEY',
  26: 'PX',
  27: 'GPOS',
  28: 'AAAA',
  29: 'LOC',
  30: 'NXT',
  31: 'EID',
  32: 'NIMLOC',
  33: 'SRV',
  34: 'ATMA',
  35: 'NAPTR',
  36: 'KX',
  37: 'CERT',
  38: 'A6',
  39: 'DNAME',
  40: 'SINK',
  41: 'OPT',
  42: 'APL',
  43: 'DS',
  44: 'SSHFP',
  45: 'IPSECKEY',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  49: 'DHCID',
  50: 'NSEC3',
  51: 'NSEC3PARAM',
  52: 'TLSA',
  53: 'SMIMEA',
  55: 'HIP',
  56: 'NINFO',
  57: 'RKEY',
  58: 'TALINK',
  59: 'CDS',
  60: 'CDNSKEY',
  61: 'OPENPGPKEY',
  62: 'CSYNC',
  63: 'ZONEMD',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  249: 'TKEY',
  250: 'TSIG',
  256: 'URI',
  257: 'CAA',
  32768: 'TA',
  32769: 'DLV',
};
/** DNS question types: record types plus the query-only ones. */
export const DNS_QTYPES: Readonly<Record<number, string>> = {
  ...DNS_TYPES,
  251: 'IXFR',
  252: 'AXFR',
  253: 'MAILB',
  254: 'MAILA',
  255: 'ALL',
};
/** DNS classes. */
export const DNS_CLASSES: Readonly<Record<number, string>> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 255: 'ANY' };
/** DNS opcodes. */
export const DNS_OPCODES: Readonly<Record<number, string>> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS' };
/** DNS response codes. */
export const DNS_RCODES: Readonly<Record<number, string>> = {
  0: 'ok',
  1: 'format-error',
  2: 'server-failure',
  3: 'name-error',
  4: 'not-implemented',
  5: 'refused',
};

const NAME_TYPES = [2, 5, 12, 39];

// ---- names ---------------------------------------------------------------

/**
 * The labels of a name in presentation form: '.' separates labels, '\\.' and
 * '\\\\' stand for a dot or backslash inside a label (RFC 1035 section 5.1), and
 * each character is one byte (latin1), so every name read from the wire
 * writes back the same bytes. Undefined when a character is above U+00FF.
 */
function labelsOf(name: string): Uint8Array[] | undefined {
  if (name === '.') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c === 0x5c && i + 1 < name.length) c = name.charCodeAt(++i);
    else if (c === 0x2e) {
      labels.push(Uint8Array.from(cur));
      cur = [];
      continue;
    }
    if (c > 0xff) return undefined;
    cur.push(c);
  }
  // A name ends with its root dot, so there is no trailing label to add; keep one that lacks it.
  if (cur.length) labels.push(Uint8Array.from(cur));
  return labels;
}

/** Validates a domain name and returns it with its trailing dot ('' and '.' are the root). */
export function checkName(layer: string, field: string, v: unknown): string {
  if (typeof v !== 'string')
    throw fieldError(layer, field, `expected a domain name string but received ${describe(v)}`);
  const name = v === '' || v === '.' ? '.' : v.endsWith('.') && !v.endsWith('\\.') ? v : `${v}.`;
  const labels = labelsOf(name);
  if (!labels)
    throw fieldError(layer, field, `'${v}' has characters above U+00FF (write international names in punycode)`);
  if (labels.some((l) => l.length === 0 || l.length > 63)) {
    throw fieldError(layer, field, `'${v}' is not a domain name (labels must be 1..63 bytes)`);
  }
  if (labels.reduce((n, l) => n + 1 + l.length, 1) > 255)
    throw fieldError(layer, field, `'${v}' is longer than 255 bytes`);
  return name;
}

/** Where names already written in a message start, for compression pointers. */
export class NameWriter {
  private readonly seen = new Map<string, number>();
  readonly parts: number[] = [];

  /** @param compress - whether names may point at earlier copies of their suffixes. */
  constructor(private readonly compress = true) {}

  /** Current offset in the message. */
  get pos(): number {
    return this.parts.length;
  }

  bytes(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]);
  }

  u16(n: number): void {
    this.parts.push((n >> 8) & 0xff, n & 0xff);
  }

  u32(n: number): void {
    this.parts.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  }

  /** Writes a name, pointing at an earlier copy of its longest known suffix. */
  name(name: string, compress = true): void {
    const labels = labelsOf(name) ?? [];
    const text = labels.map((l) => String.fromCharCode(...l).toLowerCase());
    for (let i = 0; i < labels.length; i++) {
      const key = text.slice(i).join('\0');
      const at = compress && this.compress ? this.seen.get(key) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      // Pointers have 14 bits: later suffixes cannot be targets.
      if (this.pos < 0x4000 && !this.seen.has(key)) this.seen.set(key, this.pos);
      this.parts.push(labels[i].length);
      this.bytes(labels[i]);
    }
    this.parts.push(0);
  }
}

/** A name's characters as bytes (names hold one byte per character). */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** A label's bytes in presentation form: one character per byte, dot and backslash escaped. */
function decodeLabel(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c === 0x2e ? '\\.' : c === 0x5c ? '\\\\' : String.fromCharCode(c);
  return s;
}

// Compression pointers followed since the DNS layer started reading a message (single-threaded: reset per message).
let pointersFollowed = 0;

/** Reads a possibly compressed name at `off` of `msg`; returns it and the offset after it in place. */
export function readName(msg: Uint8Array, off: number, end: number): [string, number] {
  const labels: string[] = [];
  let p = off;
  let after = -1;
  let jumps = 0;
  for (;;) {
    if (p >= end) throw new ShortInput('DNS name runs past the end');
    const len = msg[p];
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= end) throw new ShortInput('DNS pointer cut');
      if (after < 0) after = p + 2;
      pointersFollowed++;
      // A pointer loop would never end: 128 jumps is more than any valid name needs.
      if (++jumps > 128) throw new ShortInput('DNS compression loop');
      p = ((len & 0x3f) << 8) | msg[p + 1];
      continue;
    }
    if (len & 0xc0) throw new ShortInput('DNS extended label type');
    if (len === 0) {
      if (after < 0) after = p + 1;
      break;
    }
    if (p + 1 + len > end) throw new ShortInput('DNS label runs past the end');
    labels.push(decodeLabel(msg.subarray(p + 1, p + 1 + len)));
    p += 1 + len;
  }
  return [labels.length ? labels.join('.') + '.' : '.', after];
}

const nameField = <N extends string>(name: N, def: string): FieldDef<N, string> => ({
  name,
  default: def,
  check: (layer, v) => checkName(layer, name, v),
  repr: (v) => pyStr(String(v)),
});

// ---- records -------------------------------------------------------------

/** Common part of question and resource records: written by the DNS layer with compression. */
export abstract class DNSRecord extends Layer {
  /** Writes the record into a message being built. */
  abstract write(w: NameWriter): void;

  protected encode(payload: Uint8Array): Uint8Array {
    const w = new NameWriter();
    this.write(w);
    const out = new Uint8Array(w.parts.length + payload.length);
    out.set(w.parts, 0);
    out.set(payload, w.parts.length);
    return out;
  }

  /** Records are parsed by the DNS layer (they need the whole message for pointers). */
  static dissect(): Dissected {
    throw new ShortInput('DNS records are parsed inside a DNS message');
  }
}

const DNSQR_FIELDS = [
  nameField('qname', 'www.example.com.'),
  uint('qtype', 16, 1, { names: DNS_QTYPES }),
  uint('qclass', 16, 1, { names: DNS_CLASSES }),
];
/** Fields of DNSQR. */
export type DNSQRFields = FieldInputs<typeof DNSQR_FIELDS>;
/** A DNS question. */
export interface DNSQRLayer extends FieldValues<typeof DNSQR_FIELDS> {}
/** A DNS question (Scapy's DNSQR). */
export class DNSQRLayer extends DNSRecord {
  static override readonly layerName: string = 'DNSQR';
  static override readonly displayName: string = 'DNS Question Record';
  static override readonly fieldDefs = DNSQR_FIELDS;

  write(w: NameWriter): void {
    w.name(this.qname);
    w.u16(this.qtype);
    w.u16(this.qclass);
  }

  /** Reads a question at `off`. */
  static read(msg: Uint8Array, off: number, end: number): [DNSQRLayer, number] {
    const [qname, p] = readName(msg, off, end);
    need(p, end, 4);
    const dv = view(msg);
    const q = new DNSQRLayer();
    q.setParsed({ qname, qtype: dv.getUint16(p), qclass: dv.getUint16(p + 2) });
    return [q, p + 4];
  }
}
defineAccessors(DNSQRLayer);

/** The rdata of a DNSRR: an address for A/AAAA, a name for NS/CNAME/PTR/DNAME, strings for TXT, else bytes. */
export type DNSRData = string | Uint8Array | Uint8Array[];

/** The head every resource record starts with; `def` is the record type. */
const RR_HEAD = (def: number) => [
  nameField('rrname', '.'),
  uint('type', 16, def, { names: DNS_TYPES }),
  uint('rclass', 16, 1, { names: DNS_CLASSES }),
  uint('ttl', 32, 0),
  uint('rdlen', 16, null),
];

/** Resource records: the shared head and the rdata length around a type-specific body. */
export abstract class DNSRRBase extends DNSRecord {
  /** Writes the type-specific rdata. */
  protected abstract writeRData(w: NameWriter): void;

  write(w: NameWriter): void {
    w.name(this.getField('rrname') as string);
    w.u16(this.getField('type') as number);
    w.u16(this.getField('rclass') as number);
    w.u32(this.getField('ttl') as number);
    const lenAt = w.pos;
    w.u16(0);
    this.writeRData(w);
    const rdlen = (this.getField('rdlen') as number | null) ?? w.pos - lenAt - 2;
    w.parts[lenAt] = rdlen >> 8;
    w.parts[lenAt + 1] = rdlen & 0xff;
  }

  /** Reads one resource record at `off` with the class its type calls for. */
  static readRecord(msg: Uint8Array, off: number, end: number): [DNSRRBase, number] {
    const [rrname, p] = readName(msg, off, end);
    need(p, end, 10);
    const dv = view(msg);
    const type = dv.getUint16(p);
    const rdlen = dv.getUint16(p + 8);
    const rdStart = p + 10;
    need(rdStart, end, rdlen);
    const head = { rrname, type, rclass: dv.getUint16(p + 2), ttl: dv.getUint32(p + 4), rdlen };
    const cls =
      type === 15
        ? DNSRRMXLayer
        : type === 6
          ? DNSRRSOALayer
          : type === 33
            ? DNSRRSRVLayer
            : type === 41
              ? DNSRROPTLayer
              : DNSRRLayer;
    const rr: DNSRRBase = new cls();
    const opt = { rclass: dv.getUint16(p + 2), extrcode: msg[p + 4], version: msg[p + 5], z: dv.getUint16(p + 6) };
    rr.setParsed(type === 41 ? { rrname, type, rdlen, ...opt } : head);
    rr.readRData(msg, rdStart, rdStart + rdlen);
    return [rr, rdStart + rdlen];
  }

  /** Reads the type-specific rdata in [off, end). */
  protected abstract readRData(msg: Uint8Array, off: number, end: number): void;
}

function checkRData(layer: string, type: number, v: unknown): DNSRData {
  if (type === 1) {
    if (typeof v !== 'string' || !isIPv4(v))
      throw fieldError(
        layer,
        'rdata',
        typeof v === 'string'
          ? `'${v}' is not an IPv4 address`
          : `an A record expects an IPv4 address but received ${describe(v)}`,
      );
    return v;
  }
  if (type === 28) {
    const b = typeof v === 'string' ? parseIPv6(v) : undefined;
    if (!b)
      throw fieldError(
        layer,
        'rdata',
        typeof v === 'string'
          ? `'${v}' is not an IPv6 address`
          : `an AAAA record expects an IPv6 address but received ${describe(v)}`,
      );
    return getIPv6(b, 0);
  }
  if (NAME_TYPES.includes(type)) return checkName(layer, 'rdata', v);
  if (type === 16) {
    const items = Array.isArray(v) ? v : [v];
    return items.map((s) => {
      const b =
        typeof s === 'string' ? new TextEncoder().encode(s) : s instanceof Uint8Array ? new Uint8Array(s) : undefined;
      if (!b || b.length > 255)
        throw fieldError(layer, 'rdata', 'TXT expects strings or Uint8Arrays of at most 255 bytes');
      return b;
    });
  }
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (typeof v === 'string') return new TextEncoder().encode(v);
  throw fieldError(layer, 'rdata', `expected bytes for a type ${type} record but received ${describe(v)}`);
}

function defaultRData(type: number): DNSRData {
  return type === 1
    ? '0.0.0.0'
    : type === 28
      ? '::'
      : NAME_TYPES.includes(type)
        ? '.'
        : type === 16
          ? []
          : new Uint8Array(0);
}

function reprRData(v: unknown, type: number): string {
  if (typeof v === 'string') return NAME_TYPES.includes(type) ? pyStr(v) : v;
  if (Array.isArray(v)) return '[' + v.map((b) => pyStrOfBytes(b)).join(', ') + ']';
  return pyStrOfBytes(v as Uint8Array);
}

/** What DNSRR's rdata takes: IPv4 text (A), IPv6 text (AAAA), a name (NS, CNAME, PTR, DNAME), strings (TXT), else bytes. */
type DNSRDataInput = string | Uint8Array | (string | Uint8Array)[];
const DNSRR_FIELDS = [
  ...RR_HEAD(1),
  custom<'rdata', DNSRData | null, DNSRDataInput>({
    name: 'rdata',
    default: null,
    // Checked against the type by setFields (the type may come in the same call).
    check: (_l, v) => v as DNSRData,
    repr: (v, o) => reprRData(v, (o as { type: number }).type),
    clone: (v) =>
      Array.isArray(v) ? v.map((b) => new Uint8Array(b)) : v instanceof Uint8Array ? new Uint8Array(v) : v,
  }),
];
/**
 * Fields of DNSRR: type (default 'A'); rdlen computed when unset; rdata IPv4
 * text (A), IPv6 text (AAAA), a name (NS, CNAME, PTR, DNAME), strings (TXT),
 * else bytes.
 */
export type DNSRRFields = FieldInputs<typeof DNSRR_FIELDS>;
/** A DNS resource record (rdata is an accessor of the class: its default depends on the type). */
export interface DNSRRLayer extends Omit<FieldValues<typeof DNSRR_FIELDS>, 'rdata'> {}
/** A DNS resource record with generic rdata (Scapy's DNSRR). */
export class DNSRRLayer extends DNSRRBase {
  static override readonly layerName: string = 'DNSRR';
  static override readonly displayName: string = 'DNS Resource Record';
  static override readonly fieldDefs = DNSRR_FIELDS;

  /** The rdata: the set value, else an empty value of the record's type. */
  get rdata(): DNSRData {
    return (this.getField('rdata') as DNSRData | null) ?? defaultRData(this.type);
  }

  set rdata(v: DNSRDataInput) {
    this.setFields({ rdata: v });
  }

  override setFields(fields: object): this {
    super.setFields(fields);
    // rdata's form depends on the type, which may be given in the same call.
    const r = this.values.rdata;
    if (r !== undefined && r !== null) this.values.rdata = checkRData(this.layerName, this.type, r);
    return this;
  }

  override value(name: string): unknown {
    return name === 'rdata' ? this.rdata : super.value(name);
  }

  protected writeRData(w: NameWriter): void {
    const t = this.type;
    const r = this.rdata;
    if (t === 1 && typeof r === 'string') {
      const b = new Uint8Array(4);
      putIPv4(b, 0, r);
      w.bytes(b);
    } else if (t === 28 && typeof r === 'string') w.bytes(parseIPv6(r)!);
    else if (NAME_TYPES.includes(t) && typeof r === 'string') w.name(r);
    else if (Array.isArray(r))
      for (const s of r) {
        w.parts.push(s.length);
        w.bytes(s);
      }
    else if (r instanceof Uint8Array) w.bytes(r);
    else throw fieldError(this.layerName, 'rdata', `does not match type ${t}: set rdata again after changing the type`);
  }

  protected readRData(msg: Uint8Array, off: number, end: number): void {
    const t = this.type;
    let rdata: DNSRData;
    if (t === 1 && end - off === 4) rdata = getIPv4(msg, off);
    else if (t === 28 && end - off === 16) rdata = getIPv6(msg, off);
    else if (NAME_TYPES.includes(t)) rdata = readName(msg, off, end)[0];
    else if (t === 16) {
      const items: Uint8Array[] = [];
      for (let p = off; p < end;) {
        const n = msg[p];
        if (p + 1 + n > end) throw new ShortInput('TXT string runs past rdata');
        items.push(msg.slice(p + 1, p + 1 + n));
        p += 1 + n;
      }
      rdata = items;
    } else rdata = msg.slice(off, end);
    this.values.rdata = rdata;
  }

  /** What Scapy's DNS summary prints for this answer. */
  summaryRData(): string {
    const r = this.rdata;
    if (typeof r === 'string') return NAME_TYPES.includes(this.type) ? pyBytes(latin1(r)) : r;
    if (Array.isArray(r)) return '[' + r.map((b) => pyBytes(b)).join(', ') + ']';
    return pyBytes(r);
  }
}
defineAccessors(DNSRRLayer);

const MX_FIELDS = [...RR_HEAD(15), uint('preference', 16, 0), nameField('exchange', '.')];
/** Fields of DNSRRMX. */
export type DNSRRMXFields = FieldInputs<typeof MX_FIELDS>;
/** An MX record. */
export interface DNSRRMXLayer extends FieldValues<typeof MX_FIELDS> {}
/** An MX record (Scapy's DNSRRMX). */
export class DNSRRMXLayer extends DNSRRBase {
  static override readonly layerName: string = 'DNSRRMX';
  static override readonly displayName: string = 'DNS MX Resource Record';
  static override readonly fieldDefs = MX_FIELDS;

  protected writeRData(w: NameWriter): void {
    w.u16(this.preference);
    w.name(this.exchange);
  }

  protected readRData(msg: Uint8Array, off: number, end: number): void {
    need(off, end, 2);
    this.setParsed({ preference: view(msg).getUint16(off), exchange: readName(msg, off + 2, end)[0] });
  }
}
defineAccessors(DNSRRMXLayer);

const SOA_NUMBERS = ['serial', 'refresh', 'retry', 'expire', 'minimum'] as const;
const SOA_FIELDS = [
  ...RR_HEAD(6),
  nameField('mname', '.'),
  nameField('rname', '.'),
  ...SOA_NUMBERS.map((n) => uint(n, 32, 0)),
];
/** Fields of DNSRRSOA. */
export type DNSRRSOAFields = FieldInputs<typeof SOA_FIELDS>;
/** An SOA record. */
export interface DNSRRSOALayer extends FieldValues<typeof SOA_FIELDS> {}
/** An SOA record (Scapy's DNSRRSOA). */
export class DNSRRSOALayer extends DNSRRBase {
  static override readonly layerName: string = 'DNSRRSOA';
  static override readonly displayName: string = 'DNS SOA Resource Record';
  static override readonly fieldDefs = SOA_FIELDS;

  protected writeRData(w: NameWriter): void {
    w.name(this.mname);
    w.name(this.rname);
    for (const n of SOA_NUMBERS) w.u32(this[n]);
  }

  protected readRData(msg: Uint8Array, off: number, end: number): void {
    const [mname, p1] = readName(msg, off, end);
    const [rname, p2] = readName(msg, p1, end);
    need(p2, end, 20);
    const dv = view(msg);
    const v: Record<string, unknown> = { mname, rname };
    SOA_NUMBERS.forEach((n, i) => (v[n] = dv.getUint32(p2 + 4 * i)));
    this.setParsed(v);
  }
}
defineAccessors(DNSRRSOALayer);

const SRV_FIELDS = [
  ...RR_HEAD(33),
  uint('priority', 16, 0),
  uint('weight', 16, 0),
  uint('port', 16, 0),
  nameField('target', '.'),
];
/** Fields of DNSRRSRV. */
export type DNSRRSRVFields = FieldInputs<typeof SRV_FIELDS>;
/** An SRV record. */
export interface DNSRRSRVLayer extends FieldValues<typeof SRV_FIELDS> {}
/** An SRV record (Scapy's DNSRRSRV); its target is never compressed (RFC 2782). */
export class DNSRRSRVLayer extends DNSRRBase {
  static override readonly layerName: string = 'DNSRRSRV';
  static override readonly displayName: string = 'DNS SRV Resource Record';
  static override readonly fieldDefs = SRV_FIELDS;

  protected writeRData(w: NameWriter): void {
    w.u16(this.priority);
    w.u16(this.weight);
    w.u16(this.port);
    w.name(this.target, false);
  }

  protected readRData(msg: Uint8Array, off: number, end: number): void {
    need(off, end, 6);
    const dv = view(msg);
    this.setParsed({
      priority: dv.getUint16(off),
      weight: dv.getUint16(off + 2),
      port: dv.getUint16(off + 4),
      target: readName(msg, off + 6, end)[0],
    });
  }
}
defineAccessors(DNSRRSRVLayer);

const EDNS0TLV_FIELDS = [
  uint('optcode', 16, 0),
  /** Length (default: computed). */
  uint('optlen', 16, null),
  bytesField('optdata', new Uint8Array(0)),
];
/** Fields of EDNS0TLV (optlen computed when unset). */
export type EDNS0TLVFields = FieldInputs<typeof EDNS0TLV_FIELDS>;
/** One EDNS(0) option. */
export interface EDNS0TLVLayer extends FieldValues<typeof EDNS0TLV_FIELDS> {}
/** One EDNS(0) option inside an OPT record (Scapy's EDNS0TLV). */
export class EDNS0TLVLayer extends DNSRecord {
  static override readonly layerName: string = 'EDNS0TLV';
  static override readonly displayName: string = 'DNS EDNS0 TLV';
  static override readonly fieldDefs = EDNS0TLV_FIELDS;

  write(w: NameWriter): void {
    w.u16(this.optcode);
    w.u16(this.optlen ?? this.optdata.length);
    w.bytes(this.optdata);
  }
}
defineAccessors(EDNS0TLVLayer);

/** A list of records (one record is taken as a list of one), each of one of `classes`. */
const recordList = <N extends string, L extends Layer>(
  name: N,
  classes: readonly LayerClass<L>[],
  chain: 'list' | 'chain',
  def: L[] = [],
): FieldDef<N, L[], L | L[]> => ({
  name,
  default: def,
  nested: chain,
  check(layer, v) {
    const items: unknown[] = Array.isArray(v) ? v : [v];
    return items.map((x, i) => {
      const cls = classes.find((c) => x instanceof c);
      if (!cls || !(x instanceof cls)) {
        throw fieldError(
          layer,
          name,
          `item ${i}: expected ${classes.map((c) => c.layerName).join(' or ')} but received ${x instanceof Layer ? x.layerName : describe(x)}`,
        );
      }
      return x.copy();
    });
  },
  repr: (v) => ((v as unknown[]).length ? String(v) : 'None'),
  clone: (v) => (v as Layer[]).map((x) => x.copy()),
});

const Z_NAMES = [...new Array<string>(15).fill(''), 'D0'];
const OPT_FIELDS = [
  nameField('rrname', '.'),
  uint('type', 16, 41, { names: DNS_TYPES }),
  /** Requestor's UDP payload size (default 4096). */
  uint('rclass', 16, 4096),
  uint('extrcode', 8, 0),
  uint('version', 8, 0),
  /** Flags; 'D0' (default) is the DNSSEC OK bit, as Scapy names it. */
  flags('z', 16, Z_NAMES, 0x8000),
  uint('rdlen', 16, null),
  recordList('rdata', [EDNS0TLVLayer], 'list'),
];
/**
 * Fields of DNSRROPT: rclass is the requestor's UDP payload size (default
 * 4096); z the flags, 'D0' (default) the DNSSEC OK bit as Scapy names it.
 */
export type DNSRROPTFields = FieldInputs<typeof OPT_FIELDS>;
/** An OPT pseudo-record. */
export interface DNSRROPTLayer extends FieldValues<typeof OPT_FIELDS> {
  // A flags field reads as a number and takes Scapy's names too.
  get z(): number;
  set z(v: number | string);
}
/** The EDNS(0) OPT pseudo-record (RFC 6891; Scapy's DNSRROPT). */
export class DNSRROPTLayer extends DNSRRBase {
  static override readonly layerName: string = 'DNSRROPT';
  static override readonly displayName: string = 'DNS OPT Resource Record';
  static override readonly fieldDefs = OPT_FIELDS;

  override write(w: NameWriter): void {
    w.name(this.rrname);
    w.u16(this.type);
    w.u16(this.rclass);
    w.parts.push(this.extrcode, this.version);
    w.u16(this.z);
    const lenAt = w.pos;
    w.u16(0);
    this.writeRData(w);
    const rdlen = this.rdlen ?? w.pos - lenAt - 2;
    w.parts[lenAt] = rdlen >> 8;
    w.parts[lenAt + 1] = rdlen & 0xff;
  }

  protected writeRData(w: NameWriter): void {
    for (const o of this.rdata) o.write(w);
  }

  protected readRData(msg: Uint8Array, off: number, end: number): void {
    const opts: EDNS0TLVLayer[] = [];
    const dv = view(msg);
    for (let p = off; p < end;) {
      need(p, end, 4);
      const optlen = dv.getUint16(p + 2);
      need(p + 4, end, optlen);
      const o = new EDNS0TLVLayer();
      o.setParsed({ optcode: dv.getUint16(p), optlen, optdata: msg.slice(p + 4, p + 4 + optlen) });
      opts.push(o);
      p += 4 + optlen;
    }
    this.setParsed({ rdata: opts });
  }
}
defineAccessors(DNSRROPTLayer);

// ---- the message -------------------------------------------------------------

const RR_CLASSES: readonly LayerClass<DNSResourceRecord>[] = [
  DNSRRLayer,
  DNSRRMXLayer,
  DNSRRSOALayer,
  DNSRRSRVLayer,
  DNSRROPTLayer,
];
const COUNTS = [
  ['qdcount', 'qd'],
  ['ancount', 'an'],
  ['nscount', 'ns'],
  ['arcount', 'ar'],
] as const;

/** Any resource record class. */
export type DNSResourceRecord = DNSRRLayer | DNSRRMXLayer | DNSRRSOALayer | DNSRRSRVLayer | DNSRROPTLayer;

const DNS_FIELDS = [
  // Over TCP a message starts with its length (RFC 1035 4.2.2).
  /** Length prefix over TCP (default: computed); absent over UDP. */
  uint('length', 16, null, { when: (o: never) => (o as Layer).underlayer instanceof TCPLayer }),
  uint('id', 16, 0),
  /** 0 query, 1 response. */
  uint('qr', 1, 0),
  uint('opcode', 4, 0, { names: DNS_OPCODES }),
  uint('aa', 1, 0),
  uint('tc', 1, 0),
  /** Recursion desired (default 1). */
  uint('rd', 1, 1),
  uint('ra', 1, 0),
  uint('z', 1, 0),
  uint('ad', 1, 0),
  uint('cd', 1, 0),
  uint('rcode', 4, 0, { names: DNS_RCODES }),
  /** Counts (default: the number of records given). */
  uint('qdcount', 16, null),
  uint('ancount', 16, null),
  uint('nscount', 16, null),
  uint('arcount', 16, null),
  // Scapy's DNS() asks one question by default: DNSQR() (www.example.com, A).
  recordList('qd', [DNSQRLayer], 'chain', [new DNSQRLayer()]),
  recordList('an', RR_CLASSES, 'chain'),
  recordList('ns', RR_CLASSES, 'chain'),
  recordList('ar', RR_CLASSES, 'chain'),
];
/**
 * Fields of DNS: qr 0 query, 1 response; rd (recursion desired) 1 by
 * default; the counts are the number of records given when unset; length is
 * the prefix over TCP (computed; absent over UDP); qd is one DNSQR() by
 * default, as in Scapy; each record list takes one record or an array.
 */
export type DNSFields = FieldInputs<typeof DNS_FIELDS>;
/** A DNS message. */
export interface DNSLayer extends FieldValues<typeof DNS_FIELDS> {}
/** A DNS message over UDP (Scapy's DNS). */
export class DNSLayer extends Layer {
  static override readonly layerName: string = 'DNS';
  static override readonly displayName: string = 'DNS';
  static override readonly fieldDefs = DNS_FIELDS;

  /**
   * Whether building compresses names (default true). Parsing sets it to
   * false for messages written without compression, so they rebuild as they were.
   */
  declare compress: boolean;
  /**
   * For a parsed message that pktkit would write differently (compression
   * pointers placed otherwise, a pointer to the root ...): what pktkit writes
   * for it and the bytes as received. While the fields still give the first,
   * building writes the second.
   */
  declare private asReceived: { canonical: Uint8Array; original: Uint8Array } | undefined;

  constructor(fields?: DNSFields) {
    super(fields);
    this.compress = true;
    this.asReceived = undefined;
  }

  protected override copyExtra(target: this): void {
    target.compress = this.compress;
    target.asReceived = this.asReceived;
  }

  /** The message (without the TCP length prefix) as pktkit writes it. */
  private writeMessage(): Uint8Array {
    const w = new NameWriter(this.compress);
    w.u16(this.id);
    w.parts.push((this.qr << 7) | (this.opcode << 3) | (this.aa << 2) | (this.tc << 1) | this.rd);
    w.parts.push((this.ra << 7) | (this.z << 6) | (this.ad << 5) | (this.cd << 4) | this.rcode);
    for (const [count] of COUNTS) w.u16(this.value(count) as number);
    for (const q of this.qd) q.write(w);
    for (const list of [this.an, this.ns, this.ar]) for (const rr of list) rr.write(w);
    const msg = Uint8Array.from(w.parts);
    const r = this.asReceived;
    if (r && msg.length === r.canonical.length && msg.every((b, i) => b === r.canonical[i])) return r.original;
    return msg;
  }

  override value(name: string): unknown {
    const c = COUNTS.find(([count]) => count === name);
    if (c && this.getField(name) === null) return (this.getField(c[1]) as unknown[]).length;
    return super.value(name);
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const msg = this.writeMessage();
    const overTcp = this.underlayer instanceof TCPLayer;
    const pre = overTcp ? 2 : 0;
    const out = new Uint8Array(pre + msg.length + payload.length);
    if (overTcp) view(out).setUint16(0, this.length ?? msg.length);
    out.set(msg, pre);
    out.set(payload, pre + msg.length);
    return out;
  }

  override mySummary(): string {
    let name = '';
    if (this.qr) {
      const an = this.an[0];
      if (an instanceof DNSRRLayer) name = ` "${an.summaryRData()}"`;
      return `DNS Ans${name} `;
    }
    const qd = this.qd[0];
    if (qd) name = ` "${pyBytes(latin1(qd.qname))}"`;
    return `DNS Qry${name} `;
  }

  /** Decodes the header and as many records as the counts announce (after the length prefix over TCP). */
  static dissect(buf: Uint8Array, off: number, end: number, under?: Layer): Dissected {
    let length: number | undefined;
    if (under instanceof TCPLayer) {
      need(off, end, 2);
      length = view(buf).getUint16(off);
      off += 2;
      end = Math.min(end, off + length);
    }
    need(off, end, 12);
    // Pointers count from the start of the message: work on a view that starts there.
    const msg = buf.subarray(off, end);
    const dv = view(msg);
    const f1 = msg[2];
    const f2 = msg[3];
    const v: Record<string, unknown> = {
      id: dv.getUint16(0),
      qr: f1 >> 7,
      opcode: (f1 >> 3) & 0xf,
      aa: (f1 >> 2) & 1,
      tc: (f1 >> 1) & 1,
      rd: f1 & 1,
      ra: f2 >> 7,
      z: (f2 >> 6) & 1,
      ad: (f2 >> 5) & 1,
      cd: (f2 >> 4) & 1,
      rcode: f2 & 0xf,
      qdcount: dv.getUint16(4),
      ancount: dv.getUint16(6),
      nscount: dv.getUint16(8),
      arcount: dv.getUint16(10),
    };
    let p = 12;
    pointersFollowed = 0;
    const qd: DNSQRLayer[] = [];
    for (let i = 0; i < (v.qdcount as number); i++) {
      const [q, next] = DNSQRLayer.read(msg, p, msg.length);
      qd.push(q);
      p = next;
    }
    v.qd = qd;
    for (const [count, list] of COUNTS.slice(1)) {
      const rrs: DNSRRBase[] = [];
      for (let i = 0; i < (v[count] as number); i++) {
        const [rr, next] = DNSRRBase.readRecord(msg, p, msg.length);
        rrs.push(rr);
        p = next;
      }
      v[list] = rrs;
    }
    if (length !== undefined) v.length = length;
    const layer = new this();
    layer.setParsed(v);
    // Rebuilding should give the same bytes: keep names uncompressed if the sender did, and
    // remember the received bytes when pktkit would still write them differently.
    layer.compress = pointersFollowed > 0;
    const canonical = layer.writeMessage();
    if (canonical.length !== p || !canonical.every((b, i) => b === msg[i]))
      layer.asReceived = { canonical, original: msg.slice(0, p) };
    return { layer, headerEnd: off + p };
  }
}
defineAccessors(DNSLayer);

/** Builds a DNS message: `DNS({ rd: 1, qd: DNSQR({ qname: 'www.example.test' }) })`. */
export const DNS = factory(DNSLayer);
/** A DNS layer. */
export type DNS = DNSLayer;
/** Builds a DNS question. */
export const DNSQR = factory(DNSQRLayer);
/** A DNS question. */
export type DNSQR = DNSQRLayer;
/** Builds a resource record: `DNSRR({ rrname: 'a.test', type: 'A', rdata: '198.18.0.9', ttl: 60 })`. */
export const DNSRR = factory(DNSRRLayer);
/** A resource record. */
export type DNSRR = DNSRRLayer;
/** Builds an MX record. */
export const DNSRRMX = factory(DNSRRMXLayer);
/** An MX record. */
export type DNSRRMX = DNSRRMXLayer;
/** Builds an SOA record. */
export const DNSRRSOA = factory(DNSRRSOALayer);
/** An SOA record. */
export type DNSRRSOA = DNSRRSOALayer;
/** Builds an SRV record. */
export const DNSRRSRV = factory(DNSRRSRVLayer);
/** An SRV record. */
export type DNSRRSRV = DNSRRSRVLayer;
/** Builds an OPT pseudo-record. */
export const DNSRROPT = factory(DNSRROPTLayer);
/** An OPT pseudo-record. */
export type DNSRROPT = DNSRROPTLayer;
/** Builds an EDNS(0) option. */
export const EDNS0TLV = factory(EDNS0TLVLayer);
/** An EDNS(0) option. */
export type EDNS0TLV = EDNS0TLVLayer;
