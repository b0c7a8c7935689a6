// IPv6 (RFC 8200) and its extension headers: hop-by-hop options, routing,
// fragment, destination options. IPerror6 is the header quoted by ICMPv6 errors.
import { getIPv6, parseIPv6 } from './addr';
import { custom, describe, fieldError, ipv6, showRecord, uint, type FieldInputs, type FieldValues } from './field';
import { autoLength } from './build';
import { defineAccessors, factory } from './factory';
import { Layer, type LayerClass } from './layer';
import { need, type Dissected } from './dissect';
import { view } from './byte-view';
import { IPV6_NH } from './names';
import { pyBytes, pyStrOfBytes } from './pyrepr';
import { resolveSource } from './source';
import { dissectFixed, packFixed } from './struct';

function join(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

const IPV6_FIELDS = [
  uint('version', 4, 6),
  /** Traffic class. */
  uint('tc', 8, 0),
  /** Flow label (20 bits). */
  uint('fl', 20, 0),
  /** Payload length (default: computed). */
  uint('plen', 16, null),
  /** Next header (default: from the layer above, else 59). */
  uint('nh', 8, 59, { names: IPV6_NH }),
  /** Hop limit. */
  uint('hlim', 8, 64),
  /** Source (default ::1 towards ::1, else ::). */
  ipv6('src', null),
  ipv6('dst', '::1'),
];
/**
 * Fields of IPv6: tc (traffic class), fl (flow label), hlim (hop limit);
 * plen computed and nh from the layer above (else 59) when unset; src ::1
 * towards ::1, else the source resolver's answer, else ::.
 */
export type IPv6Fields = FieldInputs<typeof IPV6_FIELDS>;
/** An IPv6 header. */
export interface IPv6Layer extends FieldValues<typeof IPV6_FIELDS> {}
/** An IPv6 header (Scapy's IPv6). */
export class IPv6Layer extends Layer {
  static override readonly layerName: string = 'IPv6';
  static override readonly displayName: string = 'IPv6';
  static override readonly fieldDefs = IPV6_FIELDS;

  /** The source used when building: the set one, else the source resolver's answer, else ::1 towards ::1, else ::. */
  resolvedSrc(): string {
    const s = this.getField('src') as string | null;
    if (s !== null) return s;
    const dst = this.value('dst') as string;
    return resolveSource(dst, 6) ?? (dst === '::1' ? '::1' : '::');
  }

  override value(name: string): unknown {
    return name === 'src' ? this.resolvedSrc() : super.value(name);
  }

  override pseudoAddresses(): { src: Uint8Array; dst: Uint8Array; v6: boolean } {
    return { src: parseIPv6(this.resolvedSrc())!, dst: parseIPv6(this.value('dst') as string)!, v6: true };
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const plen = this.plen ?? autoLength('IPv6', 'plen', payload.length, 0xffff);
    // value() gives nh and hlim from the layer above, src from the resolver: the rest is the declaration.
    return join(
      packFixed(IPV6_FIELDS, (n) => (n === 'plen' ? plen : this.value(n))),
      payload,
    );
  }

  override mySummary(): string {
    return `${this.value('src')} > ${this.value('dst')} (${this.value('nh')})`;
  }

  /** Decodes 40 bytes; the payload ends at the payload length. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    const { layer, headerEnd } = dissectFixed(this, IPV6_FIELDS, buf, off, end);
    const plen = layer.plen ?? 0;
    // Payload length 0 (jumbograms, segmentation-offloaded captures) says nothing: take all.
    return { layer, headerEnd, payloadEnd: plen ? headerEnd + plen : undefined };
  }
}
defineAccessors(IPv6Layer);

/** An IPv6 header quoted in an ICMPv6 error (Scapy's IPerror6). */
export class IPerror6Layer extends IPv6Layer {
  static override readonly layerName: string = 'IPerror6';
  static override readonly displayName: string = 'IPv6 in ICMPv6';

  override mySummary(): string {
    return '';
  }
}

/** One option of a hop-by-hop or destination options header; Pad1 (0) has no data. */
export interface IPv6Option {
  otype: number;
  optdata?: Uint8Array;
  /**
   * The length byte as sent (default: data length), or null for a type byte
   * with no length at all; parsing keeps malformed options this way.
   */
  optlen?: number | null;
}

function checkIPv6Options(layer: string, v: unknown): IPv6Option[] {
  if (!Array.isArray(v))
    throw fieldError(layer, 'options', `expected an array of { otype, optdata? } but received ${describe(v)}`);
  return v.map((o, i) => {
    const opt = o as IPv6Option;
    if (typeof o !== 'object' || o === null || !Number.isInteger(opt.otype) || opt.otype < 0 || opt.otype > 255) {
      throw fieldError(layer, 'options', `option ${i}: expected { otype: 0..255, optdata?: Uint8Array }`);
    }
    if (opt.optdata !== undefined && (!(opt.optdata instanceof Uint8Array) || opt.optdata.length > 255)) {
      throw fieldError(layer, 'options', `option ${i}: optdata must be a Uint8Array of at most 255 bytes`);
    }
    if (
      opt.optlen !== undefined &&
      opt.optlen !== null &&
      (!Number.isInteger(opt.optlen) || opt.optlen < 0 || opt.optlen > 255)
    ) {
      throw fieldError(
        layer,
        'options',
        `option ${i}: optlen must be 0..255 or null but received ${describe(opt.optlen)}`,
      );
    }
    if (opt.otype === 0) return { otype: 0 };
    const checked: IPv6Option = { otype: opt.otype, optdata: new Uint8Array(opt.optdata ?? []) };
    if (opt.optlen !== undefined) checked.optlen = opt.optlen;
    return checked;
  });
}

/** Alignment of options that need one (RFC 8200 4.2: xn+y from the start of the header), as [x, y]. */
const ALIGNMENT: Record<number, [number, number]> = { 5: [2, 0], 0xc2: [4, 2], 0xc9: [8, 6] };

function pushPad(b: number[], n: number): void {
  if (n === 1) b.push(0);
  else if (n > 1) b.push(1, n - 2, ...new Array<number>(n - 2).fill(0));
}

/**
 * Encodes options. With `autopad`, as Scapy does: Pad1/PadN before an option
 * that must be aligned (router alert 2n, jumbo 4n+2, home address 8n+6), and
 * after the last one to fill whole 8-byte units. `align` false keeps the
 * options where they are (parsed headers carry their padding already).
 */
function encodeIPv6Options(opts: readonly IPv6Option[], autopad: boolean, align: boolean): Uint8Array {
  const b: number[] = [];
  for (const o of opts) {
    const a = ALIGNMENT[o.otype];
    if (autopad && align && a) {
      const pos = 2 + b.length;
      pushPad(b, a[0] * Math.ceil((pos - a[1]) / a[0]) + a[1] - pos);
    }
    if (o.otype === 0 || o.optlen === null) b.push(o.otype);
    else b.push(o.otype, o.optlen ?? o.optdata?.length ?? 0, ...(o.optdata ?? []));
  }
  // The header (2 bytes + options) must fill whole 8-byte units.
  if (autopad) pushPad(b, (8 - ((2 + b.length) % 8)) % 8);
  return Uint8Array.from(b);
}

function decodeIPv6Options(buf: Uint8Array, off: number, end: number): IPv6Option[] {
  const out: IPv6Option[] = [];
  let p = off;
  while (p < end) {
    const otype = buf[p];
    if (otype === 0) {
      out.push({ otype: 0 });
      p++;
      continue;
    }
    if (p + 1 >= end) {
      out.push({ otype, optlen: null });
      break;
    }
    const len = buf[p + 1];
    const stop = Math.min(end, p + 2 + len);
    const o: IPv6Option = { otype, optdata: buf.slice(p + 2, stop) };
    // A length running past the header is kept as it was, so the bytes survive a rebuild.
    if (stop - p - 2 !== len) o.optlen = len;
    out.push(o);
    p = stop;
  }
  return out;
}

const OPTION_NAMES: Record<number, string> = {
  0: 'Pad1',
  1: 'PadN',
  4: 'Tunnel Encapsulation Limit',
  5: 'Router Alert',
  6: 'Quick-Start',
  0xc2: 'Jumbo Payload',
  0xc9: 'Home Address Option',
};
const ROUTER_ALERT_VALUES: Record<number, string> = {
  0: 'Datagram contains a MLD message',
  1: 'Datagram contains RSVP message',
  2: 'Datagram contains an Active Network message',
  68: 'NSIS NATFW NSLP',
  69: 'MPLS OAM',
  65535: 'Reserved',
};

/** Scapy's option type text: the name, what to do when it is not understood, and whether it may change en route. */
function otypeRepr(t: number): string {
  const pol = ['00: skip', '01: discard', '10: discard+ICMP', '11: discard+ICMP not mcast'][t >> 6];
  return `${OPTION_NAMES[t] ?? t} [${pol}, ${t & 0x20 ? '1: May change en-route' : "0: Don't change en-route"}]`;
}

/** One option as Scapy's Pad1 / PadN / RouterAlert / Jumbo / HAO / HBHOptUnknown classes show it. */
function showIPv6Option(o: IPv6Option, prefix: string): string {
  const d = o.optdata ?? new Uint8Array(0);
  const head: [string, string][] = [['otype', otypeRepr(o.otype)]];
  if (o.otype === 0) return showRecord(prefix, 'Pad1', head);
  const len: [string, string] = ['optlen', String(o.optlen ?? d.length)];
  if (o.otype === 1) return showRecord(prefix, 'PadN', [...head, len, ['optdata', pyStrOfBytes(d)]]);
  if (o.otype === 5 && d.length === 2) {
    const v = (d[0] << 8) | d[1];
    return showRecord(prefix, 'Router Alert', [...head, len, ['value', ROUTER_ALERT_VALUES[v] ?? String(v)]]);
  }
  if (o.otype === 0xc2 && d.length === 4)
    return showRecord(prefix, 'Jumbo Payload', [
      ...head,
      len,
      ['jumboplen', String(((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0)],
    ]);
  if (o.otype === 0xc9 && d.length === 16)
    return showRecord(prefix, 'Home Address Option', [...head, len, ['hoa', getIPv6(d, 0)]]);
  return showRecord(prefix, 'Scapy6 Unknown Option', [...head, len, ['optdata', pyStrOfBytes(d)]]);
}
function reprIPv6Options(v: unknown): string {
  return (
    '[' +
    (v as IPv6Option[])
      .map((o) => `${OPTION_NAMES[o.otype] ?? o.otype}${o.optdata ? `(${pyBytes(o.optdata)})` : ''}`)
      .join(', ') +
    ']'
  );
}

const OPTIONS_HEADER_FIELDS = [
  /** Next header (default: from the layer above, else 59). */
  uint('nh', 8, 59, { names: IPV6_NH }),
  /** Length in 8-byte units, not counting the first 8 (default: computed). */
  uint('len', 8, null),
  /** 1 (default): pad the options to a multiple of 8 bytes with Pad1/PadN. */
  uint('autopad', 1, 1, { names: { 0: 'Off', 1: 'On' } }),
  custom({
    name: 'options',
    default: [],
    nested: 'list',
    check: checkIPv6Options,
    repr: reprIPv6Options,
    showNested: (v, prefix) => (v as IPv6Option[]).map((o) => showIPv6Option(o, prefix)).join(''),
    clone: (v) =>
      (v as IPv6Option[]).map((o) => ({ ...o, ...(o.optdata ? { optdata: new Uint8Array(o.optdata) } : {}) })),
  }),
];
/**
 * Fields of the hop-by-hop and destination options headers: len in 8-byte
 * units not counting the first 8 (computed when unset); autopad 1 (default)
 * pads the options to a multiple of 8 bytes with Pad1/PadN.
 */
export type IPv6ExtHdrOptionsFields = FieldInputs<typeof OPTIONS_HEADER_FIELDS>;
/** A hop-by-hop or destination options header. */
export interface IPv6ExtHdrHopByHopLayer extends FieldValues<typeof OPTIONS_HEADER_FIELDS> {}
/** An IPv6 hop-by-hop options header (Scapy's IPv6ExtHdrHopByHop). */
export class IPv6ExtHdrHopByHopLayer extends Layer {
  static override readonly layerName: string = 'IPv6ExtHdrHopByHop';
  static override readonly displayName: string = 'IPv6 Extension Header - Hop-by-Hop Options Header';
  static override readonly fieldDefs = OPTIONS_HEADER_FIELDS;

  /** True for a header read from bytes: its options already sit where they were sent. */
  declare private parsedLayout: boolean;

  constructor(fields?: IPv6ExtHdrOptionsFields) {
    super(fields);
    this.parsedLayout = false;
  }

  protected override copyExtra(target: this): void {
    target.parsedLayout = this.parsedLayout;
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const opts = encodeIPv6Options(this.options, this.autopad === 1, !this.parsedLayout);
    const h = new Uint8Array(2 + opts.length);
    h[0] = this.value('nh') as number;
    h[1] = this.len ?? Math.ceil(h.length / 8) - 1;
    h.set(opts, 2);
    return join(h, payload);
  }

  /** Decodes the header, its options (padding included) and nothing more. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 2);
    const hl = 8 * (buf[off + 1] + 1);
    need(off, end, hl);
    const layer = new this();
    layer.setParsed({
      nh: buf[off],
      len: buf[off + 1],
      autopad: 1,
      options: decodeIPv6Options(buf, off + 2, off + hl),
    });
    layer.parsedLayout = true;
    return { layer, headerEnd: off + hl };
  }
}
defineAccessors(IPv6ExtHdrHopByHopLayer);

/** An IPv6 destination options header (Scapy's IPv6ExtHdrDestOpt). */
export class IPv6ExtHdrDestOptLayer extends IPv6ExtHdrHopByHopLayer {
  static override readonly layerName: string = 'IPv6ExtHdrDestOpt';
  static override readonly displayName: string = 'IPv6 Extension Header - Destination Options Header';
}

const ROUTING_FIELDS = [
  uint('nh', 8, 59, { names: IPV6_NH }),
  /** Length in 8-byte units (default: 2 per address). */
  uint('len', 8, null),
  /** Routing type (0: the deprecated source route Scapy builds). */
  uint('type', 8, 0),
  /** Segments left (default: the number of addresses). */
  uint('segleft', 8, null),
  uint('reserved', 32, 0),
  custom({
    name: 'addresses',
    default: [],
    check(layer, v): string[] {
      if (!Array.isArray(v) || v.length > 127)
        throw fieldError(
          layer,
          'addresses',
          `expected an array of up to 127 IPv6 addresses but received ${describe(v)}`,
        );
      return v.map((a) => ipv6('addresses', '::').check(layer, a) as string);
    },
    repr: (v) => `[ ${(v as string[]).join(', ')} ]`,
    clone: (v) => [...(v as string[])],
  }),
];
/**
 * Fields of the routing header: type 0 (the deprecated source route Scapy
 * builds) by default; len (2 per address) and segleft (the number of
 * addresses) computed when unset.
 */
export type IPv6ExtHdrRoutingFields = FieldInputs<typeof ROUTING_FIELDS>;
/** An IPv6 routing header. */
export interface IPv6ExtHdrRoutingLayer extends FieldValues<typeof ROUTING_FIELDS> {}
/** An IPv6 routing header (Scapy's IPv6ExtHdrRouting). */
export class IPv6ExtHdrRoutingLayer extends Layer {
  static override readonly layerName: string = 'IPv6ExtHdrRouting';
  static override readonly displayName: string = 'IPv6 Option Header Routing';
  static override readonly fieldDefs = ROUTING_FIELDS;

  override routingFinalDestination(): Uint8Array | undefined {
    const segleft = this.segleft ?? this.addresses.length;
    if (segleft === 0 || this.addresses.length === 0) return undefined;
    return parseIPv6(this.addresses[this.addresses.length - 1]);
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const h = new Uint8Array(8 + 16 * this.addresses.length);
    h[0] = this.value('nh') as number;
    h[1] = this.len ?? 2 * this.addresses.length;
    h[2] = this.type;
    h[3] = this.segleft ?? this.addresses.length;
    view(h).setUint32(4, this.reserved);
    this.addresses.forEach((a, i) => h.set(parseIPv6(a)!, 8 + 16 * i));
    return join(h, payload);
  }

  /** Decodes the header; its length field gives the number of addresses. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 8);
    const hl = 8 * (buf[off + 1] + 1);
    need(off, end, hl);
    const addresses: string[] = [];
    for (let p = off + 8; p + 16 <= off + hl; p += 16) addresses.push(getIPv6(buf, p));
    const layer = new this();
    layer.setParsed({
      nh: buf[off],
      len: buf[off + 1],
      type: buf[off + 2],
      segleft: buf[off + 3],
      reserved: view(buf).getUint32(off + 4),
      addresses,
    });
    return { layer, headerEnd: off + hl };
  }
}
defineAccessors(IPv6ExtHdrRoutingLayer);

const FRAGMENT_FIELDS = [
  uint('nh', 8, 59, { names: IPV6_NH }),
  uint('res1', 8, 0),
  /** Fragment offset in 8-byte units. */
  uint('offset', 13, 0),
  uint('res2', 2, 0),
  /** More fragments. */
  uint('m', 1, 0),
  uint('id', 32, 0),
];
/** Fields of the fragment header: offset in 8-byte units, m (more fragments), id. */
export type IPv6ExtHdrFragmentFields = FieldInputs<typeof FRAGMENT_FIELDS>;
/** An IPv6 fragment header. */
export interface IPv6ExtHdrFragmentLayer extends FieldValues<typeof FRAGMENT_FIELDS> {}
/** An IPv6 fragment header (Scapy's IPv6ExtHdrFragment). */
export class IPv6ExtHdrFragmentLayer extends Layer {
  static override readonly layerName: string = 'IPv6ExtHdrFragment';
  static override readonly displayName: string = 'IPv6 Extension Header - Fragmentation header';
  static override readonly fieldDefs = FRAGMENT_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    return join(
      packFixed(FRAGMENT_FIELDS, (n) => this.value(n)),
      payload,
    );
  }

  override guessPayloadClass(buf: Uint8Array, off: number, end: number): LayerClass | undefined {
    // Only the first fragment starts with the upper-layer header.
    return this.offset > 0 ? undefined : super.guessPayloadClass(buf, off, end);
  }

  /** Decodes 8 bytes. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    return dissectFixed(this, FRAGMENT_FIELDS, buf, off, end);
  }
}
defineAccessors(IPv6ExtHdrFragmentLayer);

/** Builds an IPv6 header: `IPv6({ dst: 'fd00::2', hlim: 5 })`. */
export const IPv6 = factory(IPv6Layer);
/** An IPv6 layer. */
export type IPv6 = IPv6Layer;
/** Builds a quoted IPv6 header (inside ICMPv6 errors). */
export const IPerror6 = factory(IPerror6Layer);
/** A quoted IPv6 layer. */
export type IPerror6 = IPerror6Layer;
/** Builds a hop-by-hop options header. */
export const IPv6ExtHdrHopByHop = factory(IPv6ExtHdrHopByHopLayer);
/** A hop-by-hop options layer. */
export type IPv6ExtHdrHopByHop = IPv6ExtHdrHopByHopLayer;
/** Builds a destination options header. */
export const IPv6ExtHdrDestOpt = factory(IPv6ExtHdrDestOptLayer);
/** A destination options layer. */
export type IPv6ExtHdrDestOpt = IPv6ExtHdrDestOptLayer;
/** Builds a routing header: `IPv6ExtHdrRouting({ addresses: ['fd00::9'] })`. */
export const IPv6ExtHdrRouting = factory(IPv6ExtHdrRoutingLayer);
/** A routing header layer. */
export type IPv6ExtHdrRouting = IPv6ExtHdrRoutingLayer;
/** Builds a fragment header. */
export const IPv6ExtHdrFragment = factory(IPv6ExtHdrFragmentLayer);
/** A fragment header layer. */
export type IPv6ExtHdrFragment = IPv6ExtHdrFragmentLayer;
