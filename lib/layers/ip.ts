// IPv4 (RFC 791): header with options, flags and fragment offset; IPerror is
// the same header quoted inside an ICMP error (Scapy's "IP in ICMP").
import { getIPv4, isIPv4, putIPv4 } from './addr';
import { internetChecksum } from './checksum';
import {
  custom,
  describe,
  fieldError,
  flags,
  ipv4,
  showRecord,
  uint,
  type FieldInputs,
  type FieldValues,
} from './field';
import { autoLength } from './build';
import { defineAccessors, factory } from './factory';
import { Layer } from './layer';
import { need, type Dissected } from './dissect';
import { view } from './byte-view';
import { ipProtocolNames } from './names';
import { pyBytes, pyStrOfBytes } from './pyrepr';
import { resolveSource } from './source';

/** Names of IPv4 option types (the whole type byte). */
export const IP_OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'EOL',
  1: 'NOP',
  7: 'RR',
  68: 'Timestamp',
  130: 'Security',
  131: 'LSRR',
  136: 'StreamId',
  137: 'SSRR',
  148: 'RouterAlert',
};

/** One IPv4 option: its type byte and, except for EOL (0) and NOP (1), its data. */
export interface IPOption {
  type: number;
  data?: Uint8Array;
  /**
   * The length byte as sent (default: 2 + data length), or null for a type
   * byte with no length at all; parsing keeps malformed options this way.
   */
  length?: number | null;
}

function checkIPOptions(layer: string, v: unknown): IPOption[] {
  if (!Array.isArray(v))
    throw fieldError(layer, 'options', `expected an array of { type, data? } but received ${describe(v)}`);
  let total = 0;
  const out = v.map((o, i): IPOption => {
    if (
      typeof o !== 'object' ||
      o === null ||
      !Number.isInteger((o as IPOption).type) ||
      (o as IPOption).type < 0 ||
      (o as IPOption).type > 255
    ) {
      throw fieldError(layer, 'options', `option ${i}: expected { type: 0..255, data?: Uint8Array }`);
    }
    const { type, data, length } = o as IPOption;
    if (data !== undefined && !(data instanceof Uint8Array))
      throw fieldError(layer, 'options', `option ${i}: data must be a Uint8Array`);
    if (type > 1 && (data?.length ?? 0) > 38)
      throw fieldError(layer, 'options', `option ${i}: data longer than 38 bytes`);
    if (length !== undefined && length !== null && (!Number.isInteger(length) || length < 0 || length > 255)) {
      throw fieldError(layer, 'options', `option ${i}: length must be 0..255 or null but received ${describe(length)}`);
    }
    total += type <= 1 ? 1 : length === null ? 1 : 2 + (data?.length ?? 0);
    if (type <= 1) return { type };
    return length === undefined
      ? { type, data: new Uint8Array(data ?? []) }
      : { type, data: new Uint8Array(data ?? []), length };
  });
  if (total > 40) throw fieldError(layer, 'options', `options take ${total} bytes, at most 40 fit`);
  return out;
}

/** Encodes options padded with zeros (EOL) to a multiple of 4 bytes. */
export function encodeIPOptions(opts: readonly IPOption[]): Uint8Array {
  const parts: number[] = [];
  for (const o of opts) {
    if (o.type <= 1 || o.length === null) parts.push(o.type);
    else parts.push(o.type, o.length ?? 2 + (o.data?.length ?? 0), ...(o.data ?? []));
  }
  while (parts.length % 4) parts.push(0);
  return Uint8Array.from(parts);
}

function decodeIPOptions(buf: Uint8Array, off: number, end: number): IPOption[] {
  const out: IPOption[] = [];
  let p = off;
  while (p < end) {
    const type = buf[p];
    if (type <= 1) {
      out.push({ type });
      p++;
      continue;
    }
    const len = p + 1 < end ? buf[p + 1] : 0;
    if (len < 2 || p + len > end) {
      // A broken length: keep the length byte and the rest as they are, so a rebuild gives the same bytes.
      out.push(p + 1 < end ? { type, data: buf.slice(p + 2, end), length: len } : { type, length: null });
      break;
    }
    out.push({ type, data: buf.slice(p + 2, p + len) });
    p += len;
  }
  return out;
}

const OPTION_NUMBER_NAMES: Readonly<Record<number, string>> = {
  0: 'end_of_list',
  1: 'nop',
  2: 'security',
  3: 'loose_source_route',
  4: 'timestamp',
  5: 'extended_security',
  6: 'commercial_security',
  7: 'record_route',
  8: 'stream_id',
  9: 'strict_source_route',
  10: 'experimental_measurement',
  11: 'mtu_probe',
  12: 'mtu_reply',
  13: 'flow_control',
  14: 'access_control',
  15: 'encode',
  16: 'imi_traffic_descriptor',
  17: 'extended_IP',
  18: 'traceroute',
  19: 'address_extension',
  20: 'router_alert',
  21: 'selective_directed_broadcast_mode',
  23: 'dynamic_packet_state',
  24: 'upstream_multicast_packet',
  25: 'quick_start',
  30: 'rfc4727_experiment',
};
const TIMESTAMP_FLAGS: Readonly<Record<number, string>> = {
  0: 'timestamp_only',
  1: 'timestamp_and_ip_addr',
  3: 'prespecified_ip_addr',
};

/**
 * One option as Scapy's IPOption_* classes show it: the type byte split into
 * copy_flag / optclass / option, then the fields of the option's layout, or
 * the generic length/value when the data does not fit that layout.
 */
function showIPOption(o: IPOption, prefix: string): string {
  const hdr: [string, string][] = [
    ['copy_flag', String(o.type >> 7)],
    [
      'optclass',
      ({ 0: 'control', 2: 'debug' } as Record<number, string>)[(o.type >> 5) & 3] ?? String((o.type >> 5) & 3),
    ],
    ['option', OPTION_NUMBER_NAMES[o.type & 0x1f] ?? String(o.type & 0x1f)],
  ];
  const num = o.type & 0x1f;
  if (num === 0) return showRecord(prefix, 'IP Option End of Options List', hdr);
  if (num === 1) return showRecord(prefix, 'IP Option No Operation', hdr);
  const d = o.data ?? new Uint8Array(0);
  if (o.length !== undefined && o.length !== d.length + 2)
    return showRecord(prefix, 'IP Option', [...hdr, ['length', String(o.length)], ['value', pyStrOfBytes(d)]]);
  const len = String(d.length + 2);
  const u16 = (i: number) => String((d[i] << 8) | d[i + 1]);
  const ip = (i: number) => getIPv4(d, i);
  const rr = {
    3: 'IP Option Loose Source and Record Route',
    7: 'IP Option Record Route',
    9: 'IP Option Strict Source and Record Route',
  } as Record<number, string>;
  if (rr[num] && d.length >= 1 && (d.length - 1) % 4 === 0) {
    const routers: string[] = [];
    for (let i = 1; i < d.length; i += 4) routers.push(ip(i));
    return showRecord(prefix, rr[num], [
      ...hdr,
      ['length', len],
      ['pointer', String(d[0])],
      ['routers', `[${routers.join(', ')}]`],
    ]);
  }
  if (num === 4 && (d.length === 6 || d.length === 10)) {
    const flg = d[1] & 0xf;
    const rest: [string, string][] = [
      ['pointer', String(d[0])],
      ['oflw', String(d[1] >> 4)],
      ['flg', TIMESTAMP_FLAGS[flg] ?? String(flg)],
    ];
    if (flg !== 0 && d.length === 10)
      rest.push(['internet_address', ip(2)], ['timestamp', String(new DataView(d.buffer, d.byteOffset).getUint32(6))]);
    else if (flg === 0 && d.length === 6)
      rest.push(['timestamp', String(new DataView(d.buffer, d.byteOffset).getUint32(2))]);
    else return showGeneric();
    return showRecord(prefix, 'IP Option Timestamp', [...hdr, ['length', len], ...rest]);
  }
  if (num === 20 && d.length === 2) {
    const alert = (d[0] << 8) | d[1];
    return showRecord(prefix, 'IP Option Router Alert', [
      ...hdr,
      ['length', len],
      ['alert', alert === 0 ? 'router_shall_examine_packet' : String(alert)],
    ]);
  }
  if (num === 2 && d.length === 9) {
    return showRecord(prefix, 'IP Option Security', [
      ...hdr,
      ['length', len],
      ['security', u16(0)],
      ['compartment', u16(2)],
      ['handling_restrictions', u16(4)],
      ['transmission_control_code', pyStrOfBytes(d.subarray(6, 9))],
    ]);
  }
  if (num === 8 && d.length === 2)
    return showRecord(prefix, 'IP Option Stream ID', [...hdr, ['length', len], ['security', u16(0)]]);
  if ((num === 11 || num === 12) && d.length === 2)
    return showRecord(prefix, num === 11 ? 'IP Option MTU Probe' : 'IP Option MTU Reply', [
      ...hdr,
      ['length', len],
      ['mtu', u16(0)],
    ]);
  if (num === 18 && d.length === 10) {
    return showRecord(prefix, 'IP Option Traceroute', [
      ...hdr,
      ['length', len],
      ['id', u16(0)],
      ['outbound_hops', u16(2)],
      ['return_hops', u16(4)],
      ['originator_ip', ip(6)],
    ]);
  }
  if (num === 19 && d.length === 8)
    return showRecord(prefix, 'IP Option Address Extension', [
      ...hdr,
      ['length', len],
      ['src_ext', ip(0)],
      ['dst_ext', ip(4)],
    ]);
  if (num === 21 && d.length % 4 === 0) {
    const addrs: string[] = [];
    for (let i = 0; i < d.length; i += 4) addrs.push(ip(i));
    return showRecord(prefix, 'IP Option Selective Directed Broadcast Mode', [
      ...hdr,
      ['length', len],
      ['addresses', `[${addrs.join(', ')}]`],
    ]);
  }
  return showGeneric();

  function showGeneric(): string {
    return showRecord(prefix, 'IP Option', [...hdr, ['length', len], ['value', pyStrOfBytes(d)]]);
  }
}

function reprIPOptions(v: unknown): string {
  const opts = v as IPOption[];
  return (
    '[' +
    opts.map((o) => `${IP_OPTION_NAMES[o.type] ?? o.type}${o.data ? `(${pyBytes(o.data)})` : ''}`).join(', ') +
    ']'
  );
}

/** IPv4 flags bit names, low bit first (Scapy's order). */
export const IP_FLAG_NAMES = ['MF', 'DF', 'evil'] as const;

const IP_FIELDS = [
  uint('version', 4, 4),
  /** Header length in 32-bit words (default: computed). */
  uint('ihl', 4, null),
  uint('tos', 8, 0, { hex: true }),
  /** Total length (default: computed). */
  uint('len', 16, null),
  uint('id', 16, 1),
  /** 'DF', 'MF', 'MF+DF', 'evil' or a number 0..7. */
  flags('flags', 3, IP_FLAG_NAMES, 0),
  /** Fragment offset in 8-byte units. */
  uint('frag', 13, 0),
  uint('ttl', 8, 64),
  /** Protocol (default: from the layer above, else 0); a number or a name like 'tcp'. */
  uint('proto', 8, 0, { names: ipProtocolNames }),
  /** Header checksum (default: computed). */
  uint('chksum', 16, null, { hex: true }),
  /** Source (default: 127.0.0.1 towards 127/8, else 0.0.0.0). */
  ipv4('src', null),
  ipv4('dst', '127.0.0.1'),
  custom({
    name: 'options',
    default: [],
    nested: 'list',
    check: checkIPOptions,
    repr: reprIPOptions,
    showNested: (v, prefix) => (v as IPOption[]).map((o) => showIPOption(o, prefix)).join(''),
    clone: (v) => (v as IPOption[]).map((o) => ({ ...o, ...(o.data ? { data: new Uint8Array(o.data) } : {}) })),
  }),
];
/**
 * Fields of IP: flags as 'DF', 'MF', 'MF+DF', 'evil' or a number 0..7; frag
 * in 8-byte units; proto a number or a name like 'tcp' (default: from the
 * layer above, else 0); ihl, len and chksum computed when unset; src
 * 127.0.0.1 towards 127/8, else the source resolver's answer, else 0.0.0.0.
 */
export type IPFields = FieldInputs<typeof IP_FIELDS>;
/** An IPv4 header. */
export interface IPLayer extends FieldValues<typeof IP_FIELDS> {
  // A flags field reads as a number and takes Scapy's names too.
  get flags(): number;
  set flags(v: number | string);
}
/** An IPv4 header (Scapy's IP). */
export class IPLayer extends Layer {
  static override readonly layerName: string = 'IP';
  static override readonly displayName: string = 'IP';
  static override readonly fieldDefs = IP_FIELDS;

  /**
   * The source used when building: the set one, else what the registered
   * source resolver says for the destination (setSourceResolver), else
   * 127.0.0.1 towards 127/8, else 0.0.0.0.
   */
  resolvedSrc(): string {
    const s = this.getField('src') as string | null;
    if (s !== null) return s;
    return resolveSource(this.dst, 4) ?? (this.dst.startsWith('127.') ? '127.0.0.1' : '0.0.0.0');
  }

  override value(name: string): unknown {
    return name === 'src' ? this.resolvedSrc() : super.value(name);
  }

  override pseudoAddresses(): { src: Uint8Array; dst: Uint8Array; v6: boolean } {
    const a = new Uint8Array(8);
    putIPv4(a, 0, this.resolvedSrc());
    putIPv4(a, 4, this.dst);
    return { src: a.subarray(0, 4), dst: a.subarray(4), v6: false };
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const opts = encodeIPOptions(this.options);
    const hl = 20 + opts.length;
    const out = new Uint8Array(hl + payload.length);
    const dv = view(out);
    out[0] = (this.version << 4) | ((this.ihl ?? hl / 4) & 0xf);
    out[1] = this.tos;
    dv.setUint16(2, this.len ?? autoLength('IP', 'len', out.length, 0xffff));
    dv.setUint16(4, this.id);
    dv.setUint16(6, ((this.flags & 7) << 13) | this.frag);
    out[8] = this.ttl;
    out[9] = this.value('proto') as number;
    putIPv4(out, 12, this.resolvedSrc());
    putIPv4(out, 16, this.dst);
    out.set(opts, 20);
    dv.setUint16(10, this.chksum ?? internetChecksum(out.subarray(0, hl)));
    out.set(payload, hl);
    return out;
  }

  override mySummary(): string {
    let s = `${this.fieldRepr('src')} > ${this.fieldRepr('dst')} ${this.fieldRepr('proto')}`;
    if (this.frag) s += ` frag:${this.frag}`;
    return s;
  }

  /** Decodes the header and its options; the payload ends at the total length. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 20);
    const dv = view(buf);
    const ihl = buf[off] & 0xf;
    const hl = Math.max(20, ihl * 4);
    need(off, end, hl);
    const len = dv.getUint16(off + 2);
    const fw = dv.getUint16(off + 6);
    const layer = new this();
    layer.setParsed({
      version: buf[off] >> 4,
      ihl,
      tos: buf[off + 1],
      len,
      id: dv.getUint16(off + 4),
      flags: fw >> 13,
      frag: fw & 0x1fff,
      ttl: buf[off + 8],
      proto: buf[off + 9],
      chksum: dv.getUint16(off + 10),
      src: getIPv4(buf, off + 12),
      dst: getIPv4(buf, off + 16),
      options: decodeIPOptions(buf, off + 20, off + hl),
    });
    // A total length shorter than the header (0 in captures of segmentation-offloaded packets) says nothing: take all.
    return { layer, headerEnd: off + hl, payloadEnd: len >= hl ? off + len : undefined };
  }
}
defineAccessors(IPLayer);

/** An IPv4 header quoted in an ICMP error (Scapy's IPerror). */
export class IPerrorLayer extends IPLayer {
  static override readonly layerName: string = 'IPerror';
  static override readonly displayName: string = 'IP in ICMP';

  override mySummary(): string {
    return '';
  }
}

/** True for dotted-quad text (re-exported for callers validating addresses). */
export { isIPv4 };

/** Builds an IPv4 header: `IP({ dst: '198.18.0.2', ttl: 5, flags: 'DF' })`. */
export const IP = factory(IPLayer);
/** An IPv4 layer. */
export type IP = IPLayer;
/** Builds a quoted IPv4 header (inside ICMP errors). */
export const IPerror = factory(IPerrorLayer);
/** A quoted IPv4 layer. */
export type IPerror = IPerrorLayer;
