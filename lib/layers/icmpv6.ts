// ICMPv6 (RFC 4443): echo, destination unreachable, packet too big, time
// exceeded, parameter problem; Neighbor Discovery (RFC 4861): router and
// neighbor solicitation/advertisement and their options. One class per
// message type, named as in Scapy. The checksum covers the IPv6 pseudo-header.
import { internetChecksum } from './checksum';
import { bytes, ipv6, mac, uint, type FieldInputs, type FieldList, type FieldValues } from './field';
import { defineAccessors, factory } from './factory';
import { Layer, type LayerClass } from './layer';
import { need, type Dissected } from './dissect';
import { pseudoHeader } from './build';
import { view } from './byte-view';
import { ICMPV6_TYPES } from './names';
import { layoutOf, packSlots, unpackSlots } from './struct';

/** The type field of a message class whose default type is `def`. */
export const typeField = (def: number) => uint('type', 8, def, { names: ICMPV6_TYPES });
/** The checksum field (computed with the IPv6 pseudo-header when unset). */
export const cksumField = uint('cksum', 16, null, { hex: true });

/** type, code and checksum: the start of every ICMPv6 message. */
const COMMON_FIELDS = [typeField(1), uint('code', 8, 0), cksumField];
/** Fields every ICMPv6 message has. */
export type ICMPv6CommonFields = FieldInputs<typeof COMMON_FIELDS>;
/** What every ICMPv6 message exposes. */
export type ICMPv6Common = FieldValues<typeof COMMON_FIELDS>;

/**
 * The shared shape of ICMPv6 messages and ND options: their fields in order
 * on the wire (the declaration's `wire` widths, see struct.ts), optionally
 * followed by a trailing byte string that runs to the end of the message
 * (echo data, unknown message bodies).
 */
abstract class SlotLayer extends Layer {
  /** The fixed part plus the trailing bytes, before any checksum. */
  protected encodeBody(): Uint8Array {
    const { slots, size, tail } = layoutOf(this.cls.fieldDefs);
    const t = tail ? (this.getField(tail) as Uint8Array) : new Uint8Array(0);
    const out = new Uint8Array(size + t.length);
    packSlots(slots, (n) => this.slotValue(n), out, 0);
    out.set(t, size);
    return out;
  }

  /** The value written for a slot (subclasses compute automatic ones). */
  protected slotValue(name: string): unknown {
    return this.value(name);
  }

  /** Decodes the layout; the trailing field takes the rest up to `end`. */
  static dissect(this: new () => SlotLayer, buf: Uint8Array, off: number, end: number): Dissected {
    const layer = new this();
    const { slots, size, tail } = layoutOf(layer.cls.fieldDefs);
    need(off, end, size);
    const values = unpackSlots(slots, buf, off);
    let headerEnd = off + size;
    if (tail) {
      values[tail] = buf.slice(off + size, end);
      headerEnd = end;
    }
    layer.setParsed(values);
    return { layer, headerEnd };
  }
}

/** Common base of every ICMPv6 message: type, code, checksum over the IPv6 pseudo-header. */
export abstract class ICMPv6Base extends SlotLayer {
  /** What every message has; each message class declares its own list. */
  static override readonly fieldDefs: FieldList = COMMON_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    const body = this.encodeBody();
    const out = new Uint8Array(body.length + payload.length);
    out.set(body, 0);
    out.set(payload, body.length);
    let ck = this.getField('cksum') as number | null;
    if (ck === null) {
      const ph = pseudoHeader(this, 58, out.length);
      ck = ph ? internetChecksum(ph, out) : 0;
    }
    view(out).setUint16(2, ck);
    return out;
  }

  protected override slotValue(name: string): unknown {
    return name === 'cksum' ? 0 : this.value(name);
  }
}

// ---- echo ---------------------------------------------------------------

const ECHO_FIELDS = [
  typeField(128),
  uint('code', 8, 0),
  cksumField,
  uint('id', 16, 0, { hex: true }),
  uint('seq', 16, 0, { hex: true }),
  /** Echo data (the message body; a string is taken as UTF-8). */
  bytes('data', new Uint8Array(0)),
];
/** Fields of ICMPv6EchoRequest / ICMPv6EchoReply: id, seq and data (a string is taken as UTF-8). */
export type ICMPv6EchoFields = FieldInputs<typeof ECHO_FIELDS>;
/** An ICMPv6 echo message. */
export interface ICMPv6EchoRequestLayer extends FieldValues<typeof ECHO_FIELDS> {}
/** ICMPv6 echo request (Scapy's ICMPv6EchoRequest). */
export class ICMPv6EchoRequestLayer extends ICMPv6Base {
  static override readonly layerName: string = 'ICMPv6EchoRequest';
  static override readonly displayName: string = 'ICMPv6 Echo Request';
  static override readonly fieldDefs = ECHO_FIELDS;

  override mySummary(): string {
    return `${this.cls.displayName} (id: ${this.fieldRepr('id')} seq: ${this.fieldRepr('seq')})`;
  }
}
defineAccessors(ICMPv6EchoRequestLayer);

/** ICMPv6 echo reply (Scapy's ICMPv6EchoReply). */
export class ICMPv6EchoReplyLayer extends ICMPv6EchoRequestLayer {
  static override readonly layerName: string = 'ICMPv6EchoReply';
  static override readonly displayName: string = 'ICMPv6 Echo Reply';
  static override readonly fieldDefs = [typeField(129), ...ECHO_FIELDS.slice(1)];
}

// ---- errors -------------------------------------------------------------

/** An error message: its payload is the packet that caused it, decoded as IPerror6. */
abstract class ICMPv6Error extends ICMPv6Base {
  override guessPayloadClass(): LayerClass | undefined {
    return quotedClass;
  }
}

/** The fields of destination unreachable and time exceeded, with their codes' names. */
const errorLengthFields = (type: number, codes: Record<number, string>) => [
  typeField(type),
  uint('code', 8, 0, { names: codes }),
  cksumField,
  /** Length of the quoted packet in 8-byte units (RFC 4884). */
  uint('length', 8, 0),
  uint('unused', 24, 0, { hex: true }),
];
const DEST_UNREACH_FIELDS = errorLengthFields(1, {
  0: 'No route to destination',
  1: 'Communication with destination administratively prohibited',
  2: 'Beyond scope of source address',
  3: 'Address unreachable',
  4: 'Port unreachable',
});
/** Fields of ICMPv6DestUnreach / ICMPv6TimeExceeded: length is the quoted packet's in 8-byte units (RFC 4884). */
export type ICMPv6ErrorLengthFields = FieldInputs<typeof DEST_UNREACH_FIELDS>;
/** ICMPv6 destination unreachable / time exceeded. */
export interface ICMPv6DestUnreachLayer extends FieldValues<typeof DEST_UNREACH_FIELDS> {}
/** ICMPv6 destination unreachable (Scapy's ICMPv6DestUnreach); quotes the packet as IPerror6. */
export class ICMPv6DestUnreachLayer extends ICMPv6Error {
  static override readonly layerName: string = 'ICMPv6DestUnreach';
  static override readonly displayName: string = 'ICMPv6 Destination Unreachable';
  static override readonly fieldDefs = DEST_UNREACH_FIELDS;
}
defineAccessors(ICMPv6DestUnreachLayer);

/** ICMPv6 time exceeded (Scapy's ICMPv6TimeExceeded). */
export class ICMPv6TimeExceededLayer extends ICMPv6DestUnreachLayer {
  static override readonly layerName: string = 'ICMPv6TimeExceeded';
  static override readonly displayName: string = 'ICMPv6 Time Exceeded';
  static override readonly fieldDefs = errorLengthFields(3, {
    0: 'hop limit exceeded in transit',
    1: 'fragment reassembly time exceeded',
  });
}

const TOO_BIG_FIELDS = [typeField(2), uint('code', 8, 0), cksumField, uint('mtu', 32, 1280)];
/** Fields of ICMPv6PacketTooBig. */
export type ICMPv6PacketTooBigFields = FieldInputs<typeof TOO_BIG_FIELDS>;
/** ICMPv6 packet too big. */
export interface ICMPv6PacketTooBigLayer extends FieldValues<typeof TOO_BIG_FIELDS> {}
/** ICMPv6 packet too big (Scapy's ICMPv6PacketTooBig). */
export class ICMPv6PacketTooBigLayer extends ICMPv6Error {
  static override readonly layerName: string = 'ICMPv6PacketTooBig';
  static override readonly displayName: string = 'ICMPv6 Packet Too Big';
  static override readonly fieldDefs = TOO_BIG_FIELDS;
}
defineAccessors(ICMPv6PacketTooBigLayer);

const PARAM_PROBLEM_FIELDS = [
  typeField(4),
  uint('code', 8, 0, {
    names: {
      0: 'erroneous header field encountered',
      1: 'unrecognized Next Header type encountered',
      2: 'unrecognized IPv6 option encountered',
      3: 'first fragment has incomplete header chain',
    },
  }),
  cksumField,
  /** Offset of the erroneous byte in the quoted packet. */
  uint('ptr', 32, 6),
];
/** Fields of ICMPv6ParamProblem: ptr is the offset of the erroneous byte in the quoted packet. */
export type ICMPv6ParamProblemFields = FieldInputs<typeof PARAM_PROBLEM_FIELDS>;
/** ICMPv6 parameter problem. */
export interface ICMPv6ParamProblemLayer extends FieldValues<typeof PARAM_PROBLEM_FIELDS> {}
/** ICMPv6 parameter problem (Scapy's ICMPv6ParamProblem). */
export class ICMPv6ParamProblemLayer extends ICMPv6Error {
  static override readonly layerName: string = 'ICMPv6ParamProblem';
  static override readonly displayName: string = 'ICMPv6 Parameter Problem';
  static override readonly fieldDefs = PARAM_PROBLEM_FIELDS;
}
defineAccessors(ICMPv6ParamProblemLayer);

const UNKNOWN_FIELDS = [typeField(1), uint('code', 8, 0), cksumField, bytes('msgbody', new Uint8Array(0))];
/** Fields of ICMPv6Unknown. */
export type ICMPv6UnknownFields = FieldInputs<typeof UNKNOWN_FIELDS>;
/** An ICMPv6 message of a type without its own class. */
export interface ICMPv6UnknownLayer extends FieldValues<typeof UNKNOWN_FIELDS> {}
/** An ICMPv6 message of a type without its own class (Scapy's ICMPv6Unknown). */
export class ICMPv6UnknownLayer extends ICMPv6Base {
  static override readonly layerName: string = 'ICMPv6Unknown';
  static override readonly displayName: string = 'Scapy6 ICMPv6 fallback class';
  static override readonly fieldDefs = UNKNOWN_FIELDS;
}
defineAccessors(ICMPv6UnknownLayer);

// ---- neighbor discovery -------------------------------------------------

/** A Neighbor Discovery message: ND options follow it. */
abstract class NDMessage extends ICMPv6Base {
  override guessPayloadClass(buf: Uint8Array, off: number, end: number): LayerClass | undefined {
    return ndOptionClass(buf, off, end);
  }
}

/** A neighbor solicitation or advertisement: about one target address. */
abstract class NDTargetMessage extends NDMessage {
  override mySummary(): string {
    return `${this.cls.displayName} (tgt: ${this.fieldRepr('tgt')})`;
  }
}

const RS_FIELDS = [typeField(133), uint('code', 8, 0), cksumField, uint('res', 32, 0)];
/** Fields of ICMPv6ND_RS. */
export type ICMPv6ND_RSFields = FieldInputs<typeof RS_FIELDS>;
/** ND router solicitation. */
export interface ICMPv6ND_RSLayer extends FieldValues<typeof RS_FIELDS> {}
/** ND router solicitation (Scapy's ICMPv6ND_RS). */
export class ICMPv6ND_RSLayer extends NDMessage {
  static override readonly layerName: string = 'ICMPv6ND_RS';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery - Router Solicitation';
  static override readonly fieldDefs = RS_FIELDS;
}
defineAccessors(ICMPv6ND_RSLayer);

/** Router preference names (RFC 4191). */
export const ND_RA_PREFERENCES = { 0: 'Medium (default)', 1: 'High', 2: 'Reserved', 3: 'Low' } as const;
const RA_FIELDS = [
  typeField(134),
  uint('code', 8, 0),
  cksumField,
  /** Current hop limit. */
  uint('chlim', 8, 0),
  uint('M', 1, 0),
  uint('O', 1, 0),
  uint('H', 1, 0),
  uint('prf', 2, 1, { names: ND_RA_PREFERENCES }),
  uint('P', 1, 0),
  uint('res', 2, 0),
  uint('routerlifetime', 16, 1800),
  uint('reachabletime', 32, 0),
  uint('retranstimer', 32, 0),
];
/** Fields of ICMPv6ND_RA: chlim is the current hop limit. */
export type ICMPv6ND_RAFields = FieldInputs<typeof RA_FIELDS>;
/** ND router advertisement. */
export interface ICMPv6ND_RALayer extends FieldValues<typeof RA_FIELDS> {}
/** ND router advertisement (Scapy's ICMPv6ND_RA). */
export class ICMPv6ND_RALayer extends NDMessage {
  static override readonly layerName: string = 'ICMPv6ND_RA';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery - Router Advertisement';
  static override readonly fieldDefs = RA_FIELDS;

  override mySummary(): string {
    const r = (n: string) => this.fieldRepr(n);
    return `${this.cls.displayName} Lifetime ${r('routerlifetime')} Hop Limit ${r('chlim')} Preference ${r('prf')} Managed ${r('M')} Other ${r('O')} Home ${r('H')}`;
  }
}
defineAccessors(ICMPv6ND_RALayer);

const NS_FIELDS = [typeField(135), uint('code', 8, 0), cksumField, uint('res', 32, 0), ipv6('tgt', '::')];
/** Fields of ICMPv6ND_NS: tgt is the target address. */
export type ICMPv6ND_NSFields = FieldInputs<typeof NS_FIELDS>;
/** ND neighbor solicitation. */
export interface ICMPv6ND_NSLayer extends FieldValues<typeof NS_FIELDS> {}
/** ND neighbor solicitation (Scapy's ICMPv6ND_NS). */
export class ICMPv6ND_NSLayer extends NDTargetMessage {
  static override readonly layerName: string = 'ICMPv6ND_NS';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery - Neighbor Solicitation';
  static override readonly fieldDefs = NS_FIELDS;
}
defineAccessors(ICMPv6ND_NSLayer);

const NA_FIELDS = [
  typeField(136),
  uint('code', 8, 0),
  cksumField,
  /** Router flag (default 1). */
  uint('R', 1, 1),
  /** Solicited flag. */
  uint('S', 1, 0),
  /** Override flag (default 1). */
  uint('O', 1, 1),
  uint('res', 29, 0, { hex: true }),
  ipv6('tgt', '::'),
];
/** Fields of ICMPv6ND_NA: the R(outer), S(olicited) and O(verride) flags (R and O default to 1). */
export type ICMPv6ND_NAFields = FieldInputs<typeof NA_FIELDS>;
/** ND neighbor advertisement. */
export interface ICMPv6ND_NALayer extends FieldValues<typeof NA_FIELDS> {}
/** ND neighbor advertisement (Scapy's ICMPv6ND_NA). */
export class ICMPv6ND_NALayer extends NDTargetMessage {
  static override readonly layerName: string = 'ICMPv6ND_NA';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery - Neighbor Advertisement';
  static override readonly fieldDefs = NA_FIELDS;
}
defineAccessors(ICMPv6ND_NALayer);

// ---- neighbor discovery options -----------------------------------------

/** ND options are payload layers chained after the message (as in Scapy); no checksum of their own. */
abstract class NDOption extends SlotLayer {
  protected encode(payload: Uint8Array): Uint8Array {
    const body = this.encodeBody();
    const out = new Uint8Array(body.length + payload.length);
    out.set(body, 0);
    out.set(payload, body.length);
    return out;
  }

  override guessPayloadClass(buf: Uint8Array, off: number, end: number): LayerClass | undefined {
    return ndOptionClass(buf, off, end);
  }
}

/** The link-layer address options' fields; `type` 1 is the source's, 2 the target's. */
const llAddrFields = (type: number) => [
  uint('type', 8, type),
  /** Length in 8-byte units (1). */
  uint('len', 8, 1),
  mac('lladdr', '00:00:00:00:00:00'),
];
const LLADDR_FIELDS = llAddrFields(1);
/** Fields of the link-layer address options (len in 8-byte units, 1). */
export type ICMPv6NDOptLLAddrFields = FieldInputs<typeof LLADDR_FIELDS>;
/** A source/target link-layer address option. */
export interface ICMPv6NDOptSrcLLAddrLayer extends FieldValues<typeof LLADDR_FIELDS> {}
/** ND source link-layer address option (Scapy's ICMPv6NDOptSrcLLAddr). */
export class ICMPv6NDOptSrcLLAddrLayer extends NDOption {
  static override readonly layerName: string = 'ICMPv6NDOptSrcLLAddr';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery Option - Source Link-Layer Address';
  static override readonly fieldDefs = LLADDR_FIELDS;

  override mySummary(): string {
    return `${this.cls.displayName} ${this.fieldRepr('lladdr')}`;
  }
}
defineAccessors(ICMPv6NDOptSrcLLAddrLayer);

/** ND target link-layer address option (Scapy's ICMPv6NDOptDstLLAddr). */
export class ICMPv6NDOptDstLLAddrLayer extends ICMPv6NDOptSrcLLAddrLayer {
  static override readonly layerName: string = 'ICMPv6NDOptDstLLAddr';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address';
  static override readonly fieldDefs = llAddrFields(2);
}

const PREFIX_INFO_FIELDS = [
  uint('type', 8, 3),
  uint('len', 8, 4),
  uint('prefixlen', 8, 64),
  /** On-link flag (default 1). */
  uint('L', 1, 1),
  /** Autonomous address-configuration flag (default 1). */
  uint('A', 1, 1),
  uint('R', 1, 0),
  uint('res1', 5, 0),
  uint('validlifetime', 32, 0xffffffff, { hex: true }),
  uint('preferredlifetime', 32, 0xffffffff, { hex: true }),
  uint('res2', 32, 0, { hex: true }),
  ipv6('prefix', '::'),
];
/** Fields of the prefix information option: the L(on-link) and A(utonomous) flags default to 1. */
export type ICMPv6NDOptPrefixInfoFields = FieldInputs<typeof PREFIX_INFO_FIELDS>;
/** A prefix information option. */
export interface ICMPv6NDOptPrefixInfoLayer extends FieldValues<typeof PREFIX_INFO_FIELDS> {}
/** ND prefix information option (Scapy's ICMPv6NDOptPrefixInfo). */
export class ICMPv6NDOptPrefixInfoLayer extends NDOption {
  static override readonly layerName: string = 'ICMPv6NDOptPrefixInfo';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery Option - Prefix Information';
  static override readonly fieldDefs = PREFIX_INFO_FIELDS;

  override mySummary(): string {
    const r = (n: string) => this.fieldRepr(n);
    return `${this.cls.displayName} ${r('prefix')}/${r('prefixlen')} On-link ${r('L')} Autonomous Address ${r('A')} Router Address ${r('R')}`;
  }
}
defineAccessors(ICMPv6NDOptPrefixInfoLayer);

const MTU_FIELDS = [uint('type', 8, 5), uint('len', 8, 1), uint('res', 16, 0, { hex: true }), uint('mtu', 32, 1280)];
/** Fields of the MTU option. */
export type ICMPv6NDOptMTUFields = FieldInputs<typeof MTU_FIELDS>;
/** An MTU option. */
export interface ICMPv6NDOptMTULayer extends FieldValues<typeof MTU_FIELDS> {}
/** ND MTU option (Scapy's ICMPv6NDOptMTU). */
export class ICMPv6NDOptMTULayer extends NDOption {
  static override readonly layerName: string = 'ICMPv6NDOptMTU';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery Option - MTU';
  static override readonly fieldDefs = MTU_FIELDS;

  override mySummary(): string {
    return `${this.cls.displayName} ${this.fieldRepr('mtu')}`;
  }
}
defineAccessors(ICMPv6NDOptMTULayer);

const OPT_UNKNOWN_FIELDS = [
  uint('type', 8, 0),
  /** Length in 8-byte units (default: computed; data is zero-padded to it). */
  uint('len', 8, null),
  bytes('data', new Uint8Array(0)),
];
/** Fields of an ND option without its own class (len in 8-byte units; computed when unset, data zero-padded to it). */
export type ICMPv6NDOptUnknownFields = FieldInputs<typeof OPT_UNKNOWN_FIELDS>;
/** An ND option without its own class. */
export interface ICMPv6NDOptUnknownLayer extends FieldValues<typeof OPT_UNKNOWN_FIELDS> {}
/** An ND option without its own class (kept as type, length and bytes). */
export class ICMPv6NDOptUnknownLayer extends NDOption {
  static override readonly layerName: string = 'ICMPv6NDOptUnknown';
  static override readonly displayName: string = 'ICMPv6 Neighbor Discovery Option - Scapy Unimplemented';
  static override readonly fieldDefs = OPT_UNKNOWN_FIELDS;

  protected override encodeBody(): Uint8Array {
    const units = this.len ?? Math.ceil((2 + this.data.length) / 8);
    const out = new Uint8Array(Math.max(2 + this.data.length, 8 * units));
    out[0] = this.type;
    out[1] = units;
    out.set(this.data, 2);
    return out;
  }

  /** Decodes type, length and len*8-2 bytes of data. */
  static override dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 2);
    const size = Math.max(2, 8 * buf[off + 1]);
    need(off, end, size);
    const layer = new ICMPv6NDOptUnknownLayer();
    layer.setParsed({ type: buf[off], len: buf[off + 1], data: buf.slice(off + 2, off + size) });
    return { layer, headerEnd: off + size };
  }
}
defineAccessors(ICMPv6NDOptUnknownLayer);

const ND_OPTIONS: Record<number, LayerClass> = {
  1: ICMPv6NDOptSrcLLAddrLayer,
  2: ICMPv6NDOptDstLLAddrLayer,
  3: ICMPv6NDOptPrefixInfoLayer,
  5: ICMPv6NDOptMTULayer,
};
function ndOptionClass(buf: Uint8Array, off: number, end: number): LayerClass | undefined {
  if (end - off < 2) return undefined;
  return ND_OPTIONS[buf[off]] ?? ICMPv6NDOptUnknownLayer;
}

/** ICMPv6 message classes by type, for dissection (Scapy's icmp6typescls). */
export const ICMPV6_CLASSES: Readonly<Record<number, LayerClass>> = {
  1: ICMPv6DestUnreachLayer,
  2: ICMPv6PacketTooBigLayer,
  3: ICMPv6TimeExceededLayer,
  4: ICMPv6ParamProblemLayer,
  128: ICMPv6EchoRequestLayer,
  129: ICMPv6EchoReplyLayer,
  133: ICMPv6ND_RSLayer,
  134: ICMPv6ND_RALayer,
  135: ICMPv6ND_NSLayer,
  136: ICMPv6ND_NALayer,
};

let quotedClass: LayerClass | undefined;
/** Sets the class of packets quoted by ICMPv6 errors (IPerror6; set by the bindings to avoid an import cycle). */
export function setQuotedClass(cls: LayerClass): void {
  quotedClass = cls;
}

/** Builds an ICMPv6 echo request: `ICMPv6EchoRequest({ id: 1, seq: 1, data: 'ping' })`. */
export const ICMPv6EchoRequest = factory(ICMPv6EchoRequestLayer);
/** An ICMPv6 echo request layer. */
export type ICMPv6EchoRequest = ICMPv6EchoRequestLayer;
/** Builds an ICMPv6 echo reply. */
export const ICMPv6EchoReply = factory(ICMPv6EchoReplyLayer);
/** An ICMPv6 echo reply layer. */
export type ICMPv6EchoReply = ICMPv6EchoReplyLayer;
/** Builds an ICMPv6 destination unreachable. */
export const ICMPv6DestUnreach = factory(ICMPv6DestUnreachLayer);
/** An ICMPv6 destination unreachable layer. */
export type ICMPv6DestUnreach = ICMPv6DestUnreachLayer;
/** Builds an ICMPv6 packet too big. */
export const ICMPv6PacketTooBig = factory(ICMPv6PacketTooBigLayer);
/** An ICMPv6 packet too big layer. */
export type ICMPv6PacketTooBig = ICMPv6PacketTooBigLayer;
/** Builds an ICMPv6 time exceeded. */
export const ICMPv6TimeExceeded = factory(ICMPv6TimeExceededLayer);
/** An ICMPv6 time exceeded layer. */
export type ICMPv6TimeExceeded = ICMPv6TimeExceededLayer;
/** Builds an ICMPv6 parameter problem. */
export const ICMPv6ParamProblem = factory(ICMPv6ParamProblemLayer);
/** An ICMPv6 parameter problem layer. */
export type ICMPv6ParamProblem = ICMPv6ParamProblemLayer;
/** Builds an ICMPv6 message of any type as bytes. */
export const ICMPv6Unknown = factory(ICMPv6UnknownLayer);
/** An ICMPv6 message without its own class. */
export type ICMPv6Unknown = ICMPv6UnknownLayer;
/** Builds a router solicitation. */
export const ICMPv6ND_RS = factory(ICMPv6ND_RSLayer);
/** A router solicitation layer. */
export type ICMPv6ND_RS = ICMPv6ND_RSLayer;
/** Builds a router advertisement. */
export const ICMPv6ND_RA = factory(ICMPv6ND_RALayer);
/** A router advertisement layer. */
export type ICMPv6ND_RA = ICMPv6ND_RALayer;
/** Builds a neighbor solicitation: `ICMPv6ND_NS({ tgt: 'fd00::2' })`. */
export const ICMPv6ND_NS = factory(ICMPv6ND_NSLayer);
/** A neighbor solicitation layer. */
export type ICMPv6ND_NS = ICMPv6ND_NSLayer;
/** Builds a neighbor advertisement. */
export const ICMPv6ND_NA = factory(ICMPv6ND_NALayer);
/** A neighbor advertisement layer. */
export type ICMPv6ND_NA = ICMPv6ND_NALayer;
/** Builds a source link-layer address option. */
export const ICMPv6NDOptSrcLLAddr = factory(ICMPv6NDOptSrcLLAddrLayer);
/** A source link-layer address option layer. */
export type ICMPv6NDOptSrcLLAddr = ICMPv6NDOptSrcLLAddrLayer;
/** Builds a target link-layer address option. */
export const ICMPv6NDOptDstLLAddr = factory(ICMPv6NDOptDstLLAddrLayer);
/** A target link-layer address option layer. */
export type ICMPv6NDOptDstLLAddr = ICMPv6NDOptDstLLAddrLayer;
/** Builds a prefix information option. */
export const ICMPv6NDOptPrefixInfo = factory(ICMPv6NDOptPrefixInfoLayer);
/** A prefix information option layer. */
export type ICMPv6NDOptPrefixInfo = ICMPv6NDOptPrefixInfoLayer;
/** Builds an MTU option. */
export const ICMPv6NDOptMTU = factory(ICMPv6NDOptMTULayer);
/** An MTU option layer. */
export type ICMPv6NDOptMTU = ICMPv6NDOptMTULayer;
/** Builds an ND option of any type. */
export const ICMPv6NDOptUnknown = factory(ICMPv6NDOptUnknownLayer);
/** An ND option without its own class. */
export type ICMPv6NDOptUnknown = ICMPv6NDOptUnknownLayer;
