// TCP (RFC 9293) with its options: MSS, window scale (RFC 7323), SACK
// (RFC 2018), timestamps, NOP, EOL; unknown kinds are kept as [kind, bytes].
import { TCP_FLAG_LETTERS } from '../constants';
import { internetChecksum } from './checksum';
import { custom, describe, fieldError, flags, uint, type FieldInputs, type FieldValues } from './field';
import { defineAccessors, factory } from './factory';
import { Layer } from './layer';
import { need, type Dissected } from './dissect';
import { pseudoHeader } from './build';
import { view } from './byte-view';
import { IPLayer } from './ip';
import { tcpServiceNames } from './names';
import { pyBytes } from './pyrepr';
import { TCPFlags } from './flag-value';

/** A TCP option in Scapy's tuple form. */
export type TCPOption =
  | readonly ['EOL', null]
  | readonly ['NOP', null]
  | readonly ['MSS', number]
  | readonly ['WScale', number]
  | readonly ['SAckOK', Uint8Array]
  | readonly ['SAck', readonly number[]]
  | readonly ['Timestamp', readonly [number, number]]
  /**
   * Any other kind with its data. The optional third element is the length
   * byte as sent (default 2 + data length), or null for a kind byte with no
   * length at all: parsing keeps malformed options this way, byte for byte.
   */
  | readonly [number, Uint8Array, (number | null)?];

const KIND: Record<string, number> = { EOL: 0, NOP: 1, MSS: 2, WScale: 3, SAckOK: 4, SAck: 5, Timestamp: 8 };
const isU = (n: unknown, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;

function checkTCPOptions(layer: string, v: unknown): TCPOption[] {
  if (!Array.isArray(v))
    throw fieldError(layer, 'options', `expected an array of [name, value] pairs but received ${describe(v)}`);
  const out = v.map((o, i): TCPOption => {
    const bad = (why: string) => fieldError(layer, 'options', `option ${i}: ${why}`);
    if (!Array.isArray(o) || o.length < 2 || o.length > 3) throw bad('expected a [name, value] pair');
    const [name, val] = o as [unknown, unknown];
    switch (name) {
      case 'EOL':
      case 'NOP':
        return [name, null];
      case 'MSS':
        if (!isU(val, 0xffff)) throw bad(`MSS expects an integer 0..65535 but received ${describe(val)}`);
        return ['MSS', val];
      case 'WScale':
        if (!isU(val, 0xff)) throw bad(`WScale expects an integer 0..255 but received ${describe(val)}`);
        return ['WScale', val];
      case 'SAckOK':
        return ['SAckOK', val instanceof Uint8Array ? new Uint8Array(val) : new Uint8Array(0)];
      case 'SAck':
        if (!Array.isArray(val) || val.length > 9 || !val.every((x) => isU(x, 0xffffffff)))
          throw bad('SAck expects up to 9 integers 0..2^32-1');
        return ['SAck', [...val]];
      case 'Timestamp':
        if (!Array.isArray(val) || val.length !== 2 || !val.every((x) => isU(x, 0xffffffff)))
          throw bad('Timestamp expects [tsval, tsecr]');
        return ['Timestamp', [val[0], val[1]]];
      default:
        if (!isU(name, 0xff))
          throw bad(`unknown option '${String(name)}' (names: ${Object.keys(KIND).join(', ')}, or a kind number)`);
        if (!(val instanceof Uint8Array) || val.length > 38)
          throw bad('a numeric kind expects its data as a Uint8Array of at most 38 bytes');
        if ((o as unknown[]).length > 2) {
          const len = (o as unknown[])[2];
          if (len !== null && !isU(len, 0xff))
            throw bad(`the length byte must be 0..255 or null but received ${describe(len)}`);
          return [name, new Uint8Array(val), len as number | null];
        }
        return [name, new Uint8Array(val)];
    }
  });
  if (encodeTCPOptions(out).length > 40) throw fieldError(layer, 'options', 'options take more than 40 bytes');
  return out;
}

function pushU32(b: number[], n: number): void {
  b.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Encodes options, zero-padded to a multiple of 4 bytes (as Scapy does). */
export function encodeTCPOptions(opts: readonly TCPOption[]): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const b: number[] = [];
  for (const o of opts) {
    switch (o[0]) {
      case 'EOL':
        b.push(0);
        break;
      case 'NOP':
        b.push(1);
        break;
      case 'MSS':
        b.push(2, 4, o[1] >> 8, o[1] & 0xff);
        break;
      case 'WScale':
        b.push(3, 3, o[1]);
        break;
      case 'SAckOK':
        b.push(4, 2 + o[1].length, ...o[1]);
        break;
      case 'SAck':
        b.push(5, 2 + 4 * o[1].length);
        for (const e of o[1]) pushU32(b, e);
        break;
      case 'Timestamp':
        b.push(8, 10);
        pushU32(b, o[1][0]);
        pushU32(b, o[1][1]);
        break;
      default:
        if (o[2] === null) b.push(o[0]);
        else b.push(o[0], o[2] ?? 2 + o[1].length, ...o[1]);
    }
  }
  while (b.length % 4) b.push(0);
  return Uint8Array.from(b);
}

/** Decodes options; like Scapy, stops at an EOL followed only by the zero padding that rounds to 4 bytes. */
export function decodeTCPOptions(buf: Uint8Array, off: number, end: number): TCPOption[] {
  const out: TCPOption[] = [];
  const dv = view(buf);
  let p = off;
  while (p < end) {
    const kind = buf[p];
    if (kind === 0) {
      out.push(['EOL', null]);
      p++;
      // Zero padding after EOL is what building adds back, if it only rounds up to 4 bytes.
      if (Math.ceil((p - off) / 4) * 4 === end - off && buf.subarray(p, end).every((x) => x === 0)) break;
      continue;
    }
    if (kind === 1) {
      out.push(['NOP', null]);
      p++;
      continue;
    }
    const len = p + 1 < end ? buf[p + 1] : 0;
    if (len < 2 || p + len > end) {
      // Malformed: keep the rest as it is (kind, length byte if any, bytes) so a rebuild gives the same bytes.
      out.push(p + 1 < end ? [kind, buf.slice(p + 2, end), len] : [kind, new Uint8Array(0), null]);
      break;
    }
    const d = p + 2;
    const n = len - 2;
    if (kind === 2 && n === 2) out.push(['MSS', dv.getUint16(d)]);
    else if (kind === 3 && n === 1) out.push(['WScale', buf[d]]);
    else if (kind === 4) out.push(['SAckOK', buf.slice(d, d + n)]);
    else if (kind === 5 && n % 4 === 0) {
      const edges: number[] = [];
      for (let i = 0; i < n; i += 4) edges.push(dv.getUint32(d + i));
      out.push(['SAck', edges]);
    } else if (kind === 8 && n === 8) out.push(['Timestamp', [dv.getUint32(d), dv.getUint32(d + 4)]]);
    else out.push([kind, buf.slice(d, d + n)]);
    p += len;
  }
  return out;
}

/** Kinds Scapy names, and how it unpacks their data when the length fits (else it shows the bytes). */
const SCAPY_KINDS: Record<number, [string, ((d: Uint8Array) => string | undefined) | undefined]> = {
  2: ['MSS', undefined],
  3: ['WScale', undefined],
  4: ['SAckOK', undefined],
  5: ['SAck', undefined],
  8: ['Timestamp', undefined],
  14: ['AltChkSum', (d) => (d.length === 3 ? `(${d[0]}, ${(d[1] << 8) | d[2]})` : undefined)],
  15: ['AltChkSumOpt', undefined],
  19: ['MD5', undefined],
  25: ['Mood', undefined],
  28: ['UTO', (d) => (d.length === 2 ? String((d[0] << 8) | d[1]) : undefined)],
  29: ['AO', undefined],
  34: ['TFO', (d) => (d.length === 8 ? `(${view(d).getUint32(0)}, ${view(d).getUint32(4)})` : undefined)],
};

function reprTCPOptions(v: unknown): string {
  const item = (o: TCPOption): string => {
    const [k, val] = o;
    if (typeof k === 'number' && SCAPY_KINDS[k] && val instanceof Uint8Array) {
      const [name, unpack] = SCAPY_KINDS[k];
      return `('${name}', ${unpack?.(val) ?? pyBytes(val)})`;
    }
    const key = typeof k === 'number' ? String(k) : `'${k}'`;
    let s: string;
    if (val === null) s = 'None';
    else if (val instanceof Uint8Array) s = pyBytes(val);
    else if (Array.isArray(val)) s = val.length === 1 ? `(${val[0]},)` : `(${val.join(', ')})`;
    else s = String(val);
    return `(${key}, ${s})`;
  };
  return '[' + (v as TCPOption[]).map(item).join(', ') + ']';
}

/** TCP flag letters, low bit first (Scapy's "FSRPAUECN"). */
export { TCP_FLAG_LETTERS };

const TCP_FIELDS = [
  /** Source port (default 20). */
  uint('sport', 16, 20, { names: tcpServiceNames }),
  /** Destination port (default 80). */
  uint('dport', 16, 80, { names: tcpServiceNames }),
  uint('seq', 32, 0),
  uint('ack', 32, 0),
  /** Data offset in 32-bit words (default: computed from the options). */
  uint('dataofs', 4, null),
  uint('reserved', 3, 0),
  /** Scapy letters ('S', 'SA', 'FPA') or a number (default 'S'). */
  flags('flags', 9, TCP_FLAG_LETTERS, 0x2),
  uint('window', 16, 8192),
  /** Checksum (default: computed with the IP/IPv6 pseudo-header). */
  uint('chksum', 16, null, { hex: true }),
  uint('urgptr', 16, 0),
  custom({
    name: 'options',
    default: [],
    check: checkTCPOptions,
    // Scapy prints options it never set or read as '' (its default is an empty string), read ones as a list.
    repr: (v, o) => ((v as TCPOption[]).length || (o as Layer).isSet('options') ? reprTCPOptions(v) : "''"),
    clone: (v) =>
      (v as TCPOption[]).map((o) => [
        o[0],
        o[1] instanceof Uint8Array ? new Uint8Array(o[1]) : Array.isArray(o[1]) ? [...o[1]] : o[1],
        ...o.slice(2),
      ]),
  }),
];
/**
 * Fields of TCP: ports as numbers or service names (default 20 > 80), flags
 * as Scapy letters ('S', 'SA', 'FPA') or a number (default 'S'); dataofs and
 * chksum computed when unset.
 */
export type TCPFields = FieldInputs<typeof TCP_FIELDS>;
/** A TCP header. */
export interface TCPLayer extends FieldValues<typeof TCP_FIELDS> {
  // A flags field reads as a number and takes Scapy's letters too.
  get flags(): number;
  set flags(v: number | string);
}
/** A TCP header (Scapy's TCP). */
export class TCPLayer extends Layer {
  static override readonly layerName: string = 'TCP';
  static override readonly displayName: string = 'TCP';
  static override readonly fieldDefs = TCP_FIELDS;

  /** The flags as Scapy prints them ('SA'). */
  get flagString(): string {
    return this.fieldRepr('flags');
  }

  /**
   * The flags as Scapy's FlagValue: `t.flagValue.is('SA')` (Scapy's
   * `flags == 'SA'`), `t.flagValue.S`, `String(t.flagValue)`. It reads this
   * layer's current flags each time; `flags` stays the number.
   */
  get flagValue(): TCPFlags {
    return new TCPFlags(() => this.flags);
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const opts = encodeTCPOptions(this.options);
    const hl = 20 + opts.length;
    const out = new Uint8Array(hl + payload.length);
    const dv = view(out);
    dv.setUint16(0, this.sport);
    dv.setUint16(2, this.dport);
    dv.setUint32(4, this.seq);
    dv.setUint32(8, this.ack);
    out[12] = (((this.dataofs ?? hl / 4) & 0xf) << 4) | (this.reserved << 1) | ((this.flags >> 8) & 1);
    out[13] = this.flags & 0xff;
    dv.setUint16(14, this.window);
    dv.setUint16(18, this.urgptr);
    out.set(opts, 20);
    out.set(payload, hl);
    let ck = this.chksum;
    if (ck === null) {
      const ph = pseudoHeader(this, 6, out.length);
      ck = ph ? internetChecksum(ph, out) : 0;
    }
    dv.setUint16(16, ck);
    return out;
  }

  override mySummary(): string {
    const u = this.underlayer;
    const f = `${this.fieldRepr('flags')}`;
    if (u instanceof IPLayer)
      return `TCP ${u.fieldRepr('src')}:${this.fieldRepr('sport')} > ${u.fieldRepr('dst')}:${this.fieldRepr('dport')} ${f}`;
    if (u && (u.layerName === 'IPv6' || u.layerName === 'IPerror6'))
      return `TCP ${u.fieldRepr('src')}:${this.fieldRepr('sport')} > ${u.fieldRepr('dst')}:${this.fieldRepr('dport')} ${f}`;
    return `TCP ${this.fieldRepr('sport')} > ${this.fieldRepr('dport')} ${f}`;
  }

  /** Decodes the header and its options. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 20);
    const dv = view(buf);
    const dataofs = buf[off + 12] >> 4;
    const hl = Math.max(20, dataofs * 4);
    need(off, end, hl);
    const layer = new this();
    layer.setParsed({
      sport: dv.getUint16(off),
      dport: dv.getUint16(off + 2),
      seq: dv.getUint32(off + 4),
      ack: dv.getUint32(off + 8),
      dataofs,
      reserved: (buf[off + 12] >> 1) & 7,
      flags: ((buf[off + 12] & 1) << 8) | buf[off + 13],
      window: dv.getUint16(off + 14),
      chksum: dv.getUint16(off + 16),
      urgptr: dv.getUint16(off + 18),
    });
    // Scapy stops reading fields when the bytes run out, so a bare 20-byte segment leaves options unread.
    if (off + hl < end || hl > 20) layer.setParsed({ options: decodeTCPOptions(buf, off + 20, off + hl) });
    return { layer, headerEnd: off + hl };
  }
}
defineAccessors(TCPLayer);

/** A TCP header quoted in an ICMP error (Scapy's TCPerror). */
export class TCPerrorLayer extends TCPLayer {
  static override readonly layerName: string = 'TCPerror';
  static override readonly displayName: string = 'TCP in ICMP';

  override mySummary(): string {
    return '';
  }
}

/** Builds a TCP header: `TCP({ dport: 8888, flags: 'S', seq: 1000 })`. */
export const TCP = factory(TCPLayer);
/** A TCP layer. */
export type TCP = TCPLayer;
/** Builds a quoted TCP header (inside ICMP errors). */
export const TCPerror = factory(TCPerrorLayer);
/** A quoted TCP layer. */
export type TCPerror = TCPerrorLayer;
