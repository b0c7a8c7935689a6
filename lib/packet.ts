/**
 * Packet: a view over one record (in the capture's record slots, or a detached
 * copy) and the packet bytes it points at (in the kernel's ring, a file's read buffer or mapped
 * window, or the copy). Every field is read from the record the native
 * dissector wrote; nothing here parses the headers a second time.
 */
import { getIPv4 as formatIPv4, getIPv6 as formatIPv6, getMAC as formatMac } from './layers/addr';
import { hexdump } from './hexdump';
import type { Layer } from './layers';
import type * as FromRecord from './layers/from-record';
import type * as FlagValue from './layers/flag-value';
import type { TCPFlags } from './layers/flag-value';
import { tcpFlagLetters } from './constants';
import {
  Field,
  FLAG_FRAGMENT,
  FLAG_ICMP_QUOTE,
  FLAG_MALFORMED,
  FLAG_TRUNCATED,
  LAYER_ARP,
  LAYER_ETHERNET,
  LAYER_ICMP,
  LAYER_ICMPV6,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_TCP,
  LAYER_UDP,
  LAYER_VLAN,
  OFFSET_ABSENT,
  PKTTYPE_UNKNOWN,
  RECORD_SIZE,
} from './record.gen';

// The layer classes are thirty-odd modules: a capture that only reads fields should neither load
// nor compile them. They load on the first layers(), summary() or show() (Scapy's flag value on
// the first flagValue).
let layerModule: typeof FromRecord | undefined;
function layerCode(): typeof FromRecord {
  return (layerModule ??= require('./layers/from-record') as typeof FromRecord);
}
let flagValueModule: typeof FlagValue | undefined;
function flagValueCode(): typeof FlagValue {
  return (flagValueModule ??= require('./layers/flag-value') as typeof FlagValue);
}

/** Typed arrays over the memory that holds records (a ring, or one copied packet). */
export interface RecordMemory {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  /** For the big-endian words the record holds as the packet had them (addresses). */
  readonly dv: DataView;
}

/** Views of one ArrayBuffer, made once per ring or copy. */
export function recordMemory(buffer: ArrayBuffer): RecordMemory {
  return {
    u8: new Uint8Array(buffer),
    u16: new Uint16Array(buffer, 0, buffer.byteLength >>> 1),
    u32: new Uint32Array(buffer, 0, buffer.byteLength >>> 2),
    dv: new DataView(buffer),
  };
}

// The hot getters (the layer checks, lengths, addresses as numbers, ports, flags) read the record
// with these module constants and no helper call. TurboFan inlines getters into the caller's loop
// only within a budget counted in bytecode bytes: with a `Field.x` property load and a `#has()`
// call in each, a five-field read did not fit, and `ip`, `srcInt` and `dstInt` stayed calls, per
// packet, each reloading the packet's memory.
const CAPLEN = Field.capLen;
const WIRELEN = Field.wireLen;
const LAYERS = Field.layers;
const IP_SRC = Field.ipSrc;
const IP_DST = Field.ipDst;
const SPORT = Field.sport;
const DPORT = Field.dport;
const TCP_FLAGS = Field.tcpFlags;
const BIT_ETHERNET = 1 << LAYER_ETHERNET;
const BIT_VLAN = 1 << LAYER_VLAN;
const BIT_ARP = 1 << LAYER_ARP;
const BIT_IPV4 = 1 << LAYER_IPV4;
const BIT_IPV6 = 1 << LAYER_IPV6;
const BIT_TCP = 1 << LAYER_TCP;
const BIT_UDP = 1 << LAYER_UDP;
const BIT_ICMP = 1 << LAYER_ICMP;
const BIT_ICMPV6 = 1 << LAYER_ICMPV6;

/**
 * One captured packet.
 *
 * Lifetime: a packet yielded by a capture is a view into the capture's ring and
 * is valid until the iterator advances (for batches: until the next batch is
 * requested). The iterators reuse one Packet object, so keep `pkt.copy()`, not
 * `pkt`, when you need it later.
 */
export class Packet {
  /** @internal the memory the record lives in */
  mem: RecordMemory;
  /** @internal byte offset of the record in `mem` */
  base: number;
  /** @internal the buffer the packet bytes live in; the record's dataOff is relative to it */
  bytes: Uint8Array;
  #eth?: EthernetView;
  #vlan?: VlanView;
  #arp?: ArpView;
  #ip?: IPv4View;
  #ipv6?: IPv6View;
  #tcp?: TcpView;
  #udp?: UdpView;
  #icmp?: IcmpView;
  #icmpv6?: IcmpView;

  /** @internal packets are made by captures, copy(), or {@link Packet.fromRecord} */
  constructor(mem: RecordMemory, base: number, bytes: Uint8Array = mem.u8) {
    this.mem = mem;
    this.base = base;
    this.bytes = bytes;
  }

  /** A detached packet from a record (e.g. from `dissect()`) and the packet bytes. */
  static fromRecord(record: Uint8Array, data: Uint8Array): Packet {
    return detached(record.subarray(0, RECORD_SIZE), data);
  }

  /** @internal */ u8(off: number): number {
    return this.mem.u8[this.base + off];
  }
  /** @internal */ u16(off: number): number {
    return this.mem.u16[(this.base + off) >>> 1];
  }
  /** @internal */ u32(off: number): number {
    return this.mem.u32[(this.base + off) >>> 2];
  }
  /** @internal offset of packet byte `i` in `bytes` */
  at(i: number): number {
    return this.mem.u32[(this.base + Field.dataOff) >>> 2] + i;
  }

  /** Seconds since the epoch, with the fraction (nanosecond stamps lose precision in a double: see tsNsec). */
  get timestamp(): number {
    return this.u32(Field.tsSec) + this.u32(Field.tsNsec) / 1e9;
  }
  /** The capture timestamp in seconds (Scapy's `pkt.time`): the same as {@link Packet.timestamp}. */
  get time(): number {
    return this.timestamp;
  }
  /** Whole seconds of the timestamp. */
  get tsSec(): number {
    return this.u32(Field.tsSec);
  }
  /** Nanoseconds within the second (microsecond sources give multiples of 1000). */
  get tsNsec(): number {
    return this.u32(Field.tsNsec);
  }
  /** Length on the wire. */
  get length(): number {
    return this.mem.u32[(this.base + WIRELEN) >>> 2];
  }
  /** Bytes captured (at most the snap length). */
  get caplen(): number {
    return this.mem.u32[(this.base + CAPLEN) >>> 2];
  }
  /** The captured bytes: a view, not a copy. */
  get data(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.at(0), this.caplen);
  }
  /** The source's link type (DLT_* number: 1 Ethernet, 113 Linux SLL, 276 SLL2, ...). */
  get linkType(): number {
    return this.u16(Field.linkType);
  }
  /** FLAG_* bits from the record. */
  get flags(): number {
    return this.u32(Field.flags);
  }
  /** Bit mask (1 << LAYER_*) of the headers the dissector decoded. */
  get layerMask(): number {
    return this.u32(Field.layers);
  }
  /** A header was cut short by the snap length; fields are decoded up to there. */
  get truncated(): boolean {
    return (this.flags & FLAG_TRUNCATED) !== 0;
  }
  /** A header contradicts itself; decoding stopped there. */
  get malformed(): boolean {
    return (this.flags & FLAG_MALFORMED) !== 0;
  }
  /** An IP fragment (transport headers are decoded for the first fragment only). */
  get fragment(): boolean {
    return (this.flags & FLAG_FRAGMENT) !== 0;
  }
  /** Linux packet type from SLL/SLL2 (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing), else undefined. */
  get pktType(): number | undefined {
    const t = this.u8(Field.pktType);
    return t === PKTTYPE_UNKNOWN ? undefined : t;
  }
  /** Offset of the link header in `data`, or undefined. */
  get l2Off(): number | undefined {
    return this.#off(Field.l2Off);
  }
  /** Offset of the ARP / IP header in `data`, or undefined. */
  get l3Off(): number | undefined {
    return this.#off(Field.l3Off);
  }
  /** Offset of the TCP / UDP / ICMP header in `data`, or undefined. */
  get l4Off(): number | undefined {
    return this.#off(Field.l4Off);
  }
  /** Offset of the first byte after the last decoded header, or undefined. */
  get payloadOff(): number | undefined {
    return this.#off(Field.payloadOff);
  }
  #off(field: number): number | undefined {
    const v = this.u16(field);
    return v === OFFSET_ABSENT ? undefined : v;
  }
  /** Ethertype after any VLAN tags (or the SLL protocol), 0 when none. */
  get etherType(): number {
    return this.u16(Field.etherType);
  }
  /**
   * The bytes after the last decoded header, as long as the headers declare
   * (Ethernet padding excluded) and as far as they were captured.
   */
  get payload(): Uint8Array {
    const off = this.u16(Field.payloadOff);
    const caplen = this.caplen;
    if (off === OFFSET_ABSENT || off >= caplen) return new Uint8Array(0);
    const len = Math.min(this.u32(Field.payloadLen), caplen - off);
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.at(off), len);
  }
  /** Length of the payload as the headers declare it (may exceed what was captured). */
  get payloadLength(): number {
    return this.u32(Field.payloadLen);
  }

  /** Ethernet header, when the link is Ethernet. */
  get eth(): EthernetView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_ETHERNET ? (this.#eth ??= new EthernetView(this)) : undefined;
  }
  /** 802.1Q / 802.1ad tags. */
  get vlan(): VlanView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_VLAN ? (this.#vlan ??= new VlanView(this)) : undefined;
  }
  /** ARP. */
  get arp(): ArpView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_ARP ? (this.#arp ??= new ArpView(this)) : undefined;
  }
  /** IPv4 header. */
  get ip(): IPv4View | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_IPV4 ? (this.#ip ??= new IPv4View(this)) : undefined;
  }
  /** IPv6 header (with extension headers summarised). */
  get ipv6(): IPv6View | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_IPV6 ? (this.#ipv6 ??= new IPv6View(this)) : undefined;
  }
  /** TCP header. */
  get tcp(): TcpView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_TCP ? (this.#tcp ??= new TcpView(this)) : undefined;
  }
  /** UDP header. */
  get udp(): UdpView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_UDP ? (this.#udp ??= new UdpView(this)) : undefined;
  }
  /** ICMP header. */
  get icmp(): IcmpView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_ICMP ? (this.#icmp ??= new IcmpView(this)) : undefined;
  }
  /** ICMPv6 header. */
  get icmpv6(): IcmpView | undefined {
    return this.mem.u32[(this.base + LAYERS) >>> 2] & BIT_ICMPV6 ? (this.#icmpv6 ??= new IcmpView(this)) : undefined;
  }
  /** Source address of the IPv4/IPv6 header (ARP: sender protocol address), or undefined. */
  get src(): string | undefined {
    return this.ip?.src ?? this.ipv6?.src ?? this.arp?.psrc;
  }
  /** Destination address of the IPv4/IPv6 header (ARP: target protocol address), or undefined. */
  get dst(): string | undefined {
    return this.ip?.dst ?? this.ipv6?.dst ?? this.arp?.pdst;
  }

  /**
   * The packet as Scapy-style layers (`get(TCP)`, field access, `show()`).
   * The record decides the header chain: each header the native dissector
   * found becomes the layer its layer bit names, at the record's offset, and
   * decodes only its own fields there; where the dissector stopped (MALFORMED,
   * TRUNCATED) the rest is Raw. Only what the dissector does not follow (DNS,
   * an ICMP error's quote, ND options, IP in IP) is decoded here. The layers
   * hold copies of the bytes: they stay valid after the iterator advances.
   * The first layer's `time` is the capture timestamp (Scapy's `pkt.time`).
   */
  layers(): Layer {
    const first = layerCode().fromRecord(this.data.slice(), {
      layers: this.u32(Field.layers),
      flags: this.u32(Field.flags),
      l2Off: this.u16(Field.l2Off),
      l3Off: this.u16(Field.l3Off),
      l4Off: this.u16(Field.l4Off),
      vlanCount: this.u8(Field.vlanCount),
      ipExtLen: this.u16(Field.ipExtLen),
      ipProto: this.u8(Field.ipProto),
      icmpType: this.u8(Field.icmpType),
    });
    first.time = this.timestamp;
    return first;
  }

  /** Scapy's one-line summary, e.g. `Ether / IP / TCP 198.18.0.1:1234 > 198.18.0.2:http S`. */
  summary(): string {
    return this.layers().summary();
  }

  /** Scapy's show() layout of every layer, as a string. */
  showString(): string {
    return this.layers().showString();
  }

  /** Prints Scapy's show() layout (as `pkt.show()` in Scapy). */
  show(): void {
    console.log(this.showString());
  }

  /** Scapy's hexdump() of the captured bytes. */
  hexdump(): string {
    return hexdump(this.data);
  }

  /** A packet with its own memory, valid for as long as you keep it. */
  copy(): Packet {
    return detached(this.mem.u8.subarray(this.base, this.base + RECORD_SIZE), this.data);
  }
}

/** A packet in one buffer of its own: the record, then the bytes it points at. */
function detached(record: Uint8Array, data: Uint8Array): Packet {
  const buffer = new ArrayBuffer((RECORD_SIZE + data.length + 7) & ~7);
  const mem = recordMemory(buffer);
  mem.u8.set(record, 0);
  mem.u8.set(data, RECORD_SIZE);
  mem.u32[Field.dataOff >>> 2] = RECORD_SIZE;
  return new Packet(mem, 0);
}

/** Base of the per-layer views: each reads through its packet's current position. */
class View {
  /** @internal */
  protected readonly p: Packet;
  constructor(packet: Packet) {
    this.p = packet;
  }
  /** Reads a big-endian u16 from packet bytes at `i`, or undefined past the captured bytes. */
  protected be16(i: number): number | undefined {
    if (i + 2 > this.p.caplen) return undefined;
    const u8 = this.p.bytes;
    const at = this.p.at(i);
    return (u8[at] << 8) | u8[at + 1];
  }
}

/** Ethernet II header. */
export class EthernetView extends View {
  /** Destination MAC address. */
  get dst(): string {
    return formatMac(this.p.bytes, this.p.at(this.p.u16(Field.l2Off)));
  }
  /** Source MAC address. */
  get src(): string {
    return formatMac(this.p.bytes, this.p.at(this.p.u16(Field.l2Off) + 6));
  }
  /** The ethertype after VLAN tags (Scapy's `type`). */
  get type(): number {
    return this.p.u16(Field.etherType);
  }
}

/** 802.1Q / 802.1ad tags (the first two are kept). */
export class VlanView extends View {
  /** Number of tags. */
  get count(): number {
    return this.p.u8(Field.vlanCount);
  }
  /** Outer tag's VLAN id. */
  get id(): number {
    return this.p.u16(Field.vlanTci0) & 0x0fff;
  }
  /** Outer tag's priority code point. */
  get prio(): number {
    return this.p.u16(Field.vlanTci0) >>> 13;
  }
  /** Outer tag's drop-eligible bit. */
  get dei(): number {
    return (this.p.u16(Field.vlanTci0) >>> 12) & 1;
  }
  /** Inner tag's VLAN id (QinQ), or undefined. */
  get innerId(): number | undefined {
    return this.count > 1 ? this.p.u16(Field.vlanTci1) & 0x0fff : undefined;
  }
}

/** ARP (Ethernet/IPv4 addresses). */
export class ArpView extends View {
  /** Operation: 1 who-has (request), 2 is-at (reply). */
  get op(): number {
    return this.p.u16(Field.arpOp);
  }
  /** Sender protocol address. */
  get psrc(): string {
    return formatIPv4(this.p.mem.u8, this.p.base + Field.ipSrc);
  }
  /** Target protocol address. */
  get pdst(): string {
    return formatIPv4(this.p.mem.u8, this.p.base + Field.ipDst);
  }
  /** Sender hardware address, or undefined if not captured. */
  get hwsrc(): string | undefined {
    return this.#mac(8);
  }
  /** Target hardware address, or undefined if not captured. */
  get hwdst(): string | undefined {
    return this.#mac(18);
  }
  #mac(at: number): string | undefined {
    const off = this.p.u16(Field.l3Off) + at;
    return off + 6 <= this.p.caplen ? formatMac(this.p.bytes, this.p.at(off)) : undefined;
  }
}

/** IPv4 header. */
export class IPv4View extends View {
  /** Always 4. */
  get version(): 4 {
    return 4;
  }
  /** Source address. */
  get src(): string {
    return formatIPv4(this.p.mem.u8, this.p.base + Field.ipSrc);
  }
  /** Destination address. */
  get dst(): string {
    return formatIPv4(this.p.mem.u8, this.p.base + Field.ipDst);
  }
  /** Source address as an unsigned 32-bit number (no string made). */
  get srcInt(): number {
    return this.p.mem.dv.getUint32(this.p.base + IP_SRC);
  }
  /** Destination address as an unsigned 32-bit number (no string made). */
  get dstInt(): number {
    return this.p.mem.dv.getUint32(this.p.base + IP_DST);
  }
  /** Time to live. */
  get ttl(): number {
    return this.p.u8(Field.ipTtl);
  }
  /** Protocol number of the next header. */
  get proto(): number {
    return this.p.u8(Field.ipProto);
  }
  /** Identification. */
  get id(): number {
    return this.p.u16(Field.ipId);
  }
  /** Flags: 0b010 DF, 0b001 MF (Scapy's numbering). */
  get flags(): number {
    return this.p.u16(Field.ipFrag) >>> 13;
  }
  /** Fragment offset in 8-byte units. */
  get frag(): number {
    return this.p.u16(Field.ipFrag) & 0x1fff;
  }
  /** Total length. */
  get len(): number {
    return this.p.u16(Field.ipTotalLen);
  }
  /** Type of service byte (DSCP and ECN). */
  get tos(): number {
    return this.p.u8(Field.ipTos);
  }
  /** Header length in 32-bit words. */
  get ihl(): number {
    return this.p.u8(Field.ipHdrLen) >>> 2;
  }
}

/** IPv6 header. */
export class IPv6View extends View {
  /** Always 6. */
  get version(): 6 {
    return 6;
  }
  /** Source address (RFC 5952 text). */
  get src(): string {
    return formatIPv6(this.p.mem.u8, this.p.base + Field.ipSrc);
  }
  /** Destination address (RFC 5952 text). */
  get dst(): string {
    return formatIPv6(this.p.mem.u8, this.p.base + Field.ipDst);
  }
  /**
   * Word `i` (0..3, big-endian, unsigned) of the source address: the four
   * words say what `src` says without making a string, e.g. for flow keys.
   */
  srcWord(i: number): number {
    return this.p.mem.dv.getUint32(this.p.base + IP_SRC + ((i & 3) << 2));
  }
  /** Word `i` (0..3, big-endian, unsigned) of the destination address. */
  dstWord(i: number): number {
    return this.p.mem.dv.getUint32(this.p.base + IP_DST + ((i & 3) << 2));
  }
  /** Hop limit. */
  get hlim(): number {
    return this.p.u8(Field.ipTtl);
  }
  /** Next header after the extension headers (the transport protocol). */
  get nh(): number {
    return this.p.u8(Field.ipProto);
  }
  /** Payload length (extension headers included). */
  get plen(): number {
    return this.p.u16(Field.ipTotalLen) - 40;
  }
  /** Traffic class. */
  get tc(): number {
    return this.p.u8(Field.ipTos);
  }
  /** Bytes of extension headers. */
  get extLen(): number {
    return this.p.u16(Field.ipExtLen);
  }
}

/** TCP header. */
export class TcpView extends View {
  /** Source port. */
  get sport(): number {
    return this.p.mem.u16[(this.p.base + SPORT) >>> 1];
  }
  /** Destination port. */
  get dport(): number {
    return this.p.mem.u16[(this.p.base + DPORT) >>> 1];
  }
  /** Sequence number. */
  get seq(): number {
    return this.p.u32(Field.tcpSeq);
  }
  /** Acknowledgment number. */
  get ack(): number {
    return this.p.u32(Field.tcpAck);
  }
  /** Flag bits: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80, NS 0x100. */
  get flags(): number {
    return this.p.mem.u16[(this.p.base + TCP_FLAGS) >>> 1];
  }
  /** Flags as Scapy's letters, e.g. 'S', 'SA', 'PA', 'FA'. */
  get flagStr(): string {
    return tcpFlagLetters(this.flags);
  }
  #flagValue?: TCPFlags;
  /**
   * The flags as Scapy's FlagValue (`flagValue.is('SA')`, `flagValue.S`,
   * `String(flagValue)`). One object per view that reads the current packet:
   * no allocation per packet; keep `String(...)` or `.value`, not the object.
   */
  get flagValue(): TCPFlags {
    return (this.#flagValue ??= new (flagValueCode().TCPFlags)(() => this.p.u16(Field.tcpFlags)));
  }
  /** Window, unscaled. */
  get window(): number {
    return this.p.u16(Field.tcpWindow);
  }
  /** Data offset in 32-bit words. */
  get dataofs(): number {
    return this.p.u8(Field.tcpHdrLen) >>> 2;
  }
  /** The option bytes (a view; as far as captured). */
  get options(): Uint8Array {
    const start = this.p.u16(Field.l4Off) + 20;
    const end = Math.min(this.p.u16(Field.l4Off) + this.p.u8(Field.tcpHdrLen), this.p.caplen);
    const u8 = this.p.bytes;
    return end > start ? new Uint8Array(u8.buffer, u8.byteOffset + this.p.at(start), end - start) : new Uint8Array(0);
  }
}

/** UDP header. */
export class UdpView extends View {
  /** Source port. */
  get sport(): number {
    return this.p.mem.u16[(this.p.base + SPORT) >>> 1];
  }
  /** Destination port. */
  get dport(): number {
    return this.p.mem.u16[(this.p.base + DPORT) >>> 1];
  }
  /** Length field (header + data). */
  get len(): number {
    return this.p.u16(Field.udpLen);
  }
}

/** ICMP or ICMPv6 header. */
export class IcmpView extends View {
  /** Type. */
  get type(): number {
    return this.p.u8(Field.icmpType);
  }
  /** Code. */
  get code(): number {
    return this.p.u8(Field.icmpCode);
  }
  /** Echo identifier (echo request/reply only, else 0). */
  get id(): number {
    return this.p.u16(Field.icmpId);
  }
  /** Echo sequence number (echo request/reply only, else 0). */
  get seq(): number {
    return this.p.u16(Field.icmpSeq);
  }
  /** Offset in `data` of the IP header this error quotes, or undefined when it quotes none. */
  get quoteOff(): number | undefined {
    return this.p.flags & FLAG_ICMP_QUOTE ? this.p.payloadOff : undefined;
  }
}
