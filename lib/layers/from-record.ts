// Layers of a captured packet, built where the native dissector's record says
// its headers are. The record decides the header chain: which classes, at
// which offsets, and where decoding stopped. Each layer then decodes only its
// own fields at its offset (the same per-class code parse() uses, so identical
// bytes print identically). TypeScript decides only what the native dissector
// does not follow: what comes after the transport header (DNS, the packet an
// ICMP error quotes, Neighbor Discovery options, MLD records) and what an IP
// header carries when it is not TCP/UDP/ICMP (IP in IP).
import './bindings';
import { ARPLayer } from './arp';
import { CookedLinuxLayer, CookedLinuxV2Layer, Dot1ADLayer, Dot1QLayer, EtherLayer, LoopbackLayer } from './ether';
import { ICMPLayer } from './icmp';
import { ICMPV6_CLASSES, ICMPv6UnknownLayer } from './icmpv6';
import { MLD_CLASSES } from './icmpv6-mld';
import { IPLayer } from './ip';
import { IPv6ExtHdrDestOptLayer, IPv6ExtHdrFragmentLayer, IPv6ExtHdrHopByHopLayer, IPv6ExtHdrRoutingLayer, IPv6Layer } from './ipv6';
import { dissectChain, Layer, ShortInput, type Dissected, type LayerClass } from './layer';
import { PaddingLayer, RawLayer } from './raw';
import { TCPLayer } from './tcp';
import { UDPLayer } from './udp';
import {
  ETYPE_QINQ,
  FLAG_MALFORMED,
  FLAG_TOO_DEEP,
  FLAG_TRUNCATED,
  LAYER_ARP,
  LAYER_ETHERNET,
  LAYER_ICMP,
  LAYER_ICMPV6,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_IPV6_EXT,
  LAYER_LOOPBACK,
  LAYER_SLL,
  LAYER_SLL2,
  LAYER_TCP,
  LAYER_UDP,
  LAYER_VLAN,
  OFFSET_ABSENT,
  PROTO_DSTOPTS,
  PROTO_FRAGMENT,
  PROTO_HOPOPTS,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_ROUTING,
  PROTO_TCP,
  PROTO_UDP,
} from '../record.gen';

/**
 * What the native dissector's record says about one packet: the fields that
 * decide its layers (lib/packet.ts reads them; see native/record.def). Offsets
 * are OFFSET_ABSENT (0xffff) when absent.
 */
export interface RecordLayout {
  /** LAYER_* bits of the headers decoded. */
  layers: number;
  /** FLAG_* bits. */
  flags: number;
  /** Link header offset. */
  l2Off: number;
  /** ARP / IPv4 / IPv6 header offset. */
  l3Off: number;
  /** TCP / UDP / ICMP / ICMPv6 header offset. */
  l4Off: number;
  /** 802.1Q / 802.1ad tags decoded. */
  vlanCount: number;
  /** Bytes of IPv6 extension headers after the fixed header. */
  ipExtLen: number;
  /** The IP protocol after the IP header (IPv6: after the extension headers). */
  ipProto: number;
  /** ICMP / ICMPv6 type. */
  icmpType: number;
}

const C = <T>(c: T): LayerClass => c as unknown as LayerClass;

/** The link layer class and its header length for each link layer bit. */
const LINK_LAYERS: ReadonlyArray<readonly [number, LayerClass, number]> = [
  [LAYER_ETHERNET, C(EtherLayer), 14],
  [LAYER_SLL, C(CookedLinuxLayer), 16],
  [LAYER_SLL2, C(CookedLinuxV2Layer), 20],
  [LAYER_LOOPBACK, C(LoopbackLayer), 4],
];

/** The link layer class and header length the record's layer bits name, or undefined when it has none. */
export function linkLayerOf(layers: number): readonly [LayerClass, number] | undefined {
  const link = LINK_LAYERS.find(([bit]) => (layers & (1 << bit)) !== 0);
  return link && [link[1], link[2]];
}

/** IPv6 extension headers with a layer here, by the next-header value that announces them. */
const EXT_HEADERS: ReadonlyMap<number, LayerClass> = new Map([
  [PROTO_HOPOPTS, C(IPv6ExtHdrHopByHopLayer)],
  [PROTO_ROUTING, C(IPv6ExtHdrRoutingLayer)],
  [PROTO_FRAGMENT, C(IPv6ExtHdrFragmentLayer)],
  [PROTO_DSTOPTS, C(IPv6ExtHdrDestOptLayer)],
]);

/** The transport protocols the native dissector decodes: when the record has none of them, it decided not to. */
const NATIVE_L4 = new Set([PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6]);

/** ICMPv6 message classes by type (ICMPv6Unknown for the others, as in Scapy). */
function icmpv6Class(type: number): LayerClass {
  return ICMPV6_CLASSES[type] ?? MLD_CLASSES[type] ?? C(ICMPv6UnknownLayer);
}

/** One header the record places: where it starts, and its class (which may depend on the layer before it). */
interface Step {
  off: number;
  pick(prev: Layer | undefined): LayerClass | undefined;
  /** IPv6 extension headers: the step repeats for every header that starts before this offset. */
  until?: number;
}

/** The headers the record names, in order. */
function plan(r: RecordLayout): Step[] {
  const has = (bit: number): boolean => (r.layers & (1 << bit)) !== 0;
  const steps: Step[] = [];
  let linkEnd = OFFSET_ABSENT;
  if (r.l2Off !== OFFSET_ABSENT) {
    const link = LINK_LAYERS.find(([bit]) => has(bit));
    if (link) {
      steps.push({ off: r.l2Off, pick: () => link[1] });
      linkEnd = r.l2Off + link[2];
    }
  }
  if (has(LAYER_VLAN) && linkEnd !== OFFSET_ABSENT) {
    // A tag's kind is the type field before it (Ether's or the previous tag's): 0x88a8 is 802.1ad.
    const tag = (prev: Layer | undefined): LayerClass =>
      (prev as { type?: unknown } | undefined)?.type === ETYPE_QINQ ? C(Dot1ADLayer) : C(Dot1QLayer);
    for (let i = 0; i < r.vlanCount; i++) steps.push({ off: linkEnd + 4 * i, pick: tag });
  }
  if (r.l3Off !== OFFSET_ABSENT) {
    const l3 = has(LAYER_ARP) ? C(ARPLayer) : has(LAYER_IPV4) ? C(IPLayer) : has(LAYER_IPV6) ? C(IPv6Layer) : undefined;
    // An l3 offset without its bit: the header was there but did not decode (bad version); the rest is Raw.
    if (l3) steps.push({ off: r.l3Off, pick: () => l3 });
    if (has(LAYER_IPV6) && has(LAYER_IPV6_EXT)) {
      const start = r.l3Off + 40;
      steps.push({
        off: start,
        until: start + r.ipExtLen,
        pick: (prev) => EXT_HEADERS.get((prev as { nh?: number } | undefined)?.nh ?? -1),
      });
    }
  }
  if (r.l4Off !== OFFSET_ABSENT) {
    const l4 = has(LAYER_TCP) ? C(TCPLayer) : has(LAYER_UDP) ? C(UDPLayer) : has(LAYER_ICMP) ? C(ICMPLayer) : has(LAYER_ICMPV6) ? icmpv6Class(r.icmpType) : undefined;
    if (l4) steps.push({ off: r.l4Off, pick: () => l4 });
  }
  return steps;
}

/** Decodes one layer of class `cls`; bytes it cannot hold become Raw (as parse() does). */
function decodeOne(cls: LayerClass, buf: Uint8Array, off: number, end: number, under: Layer | undefined): Dissected {
  try {
    return cls.dissect(buf, off, end, under);
  } catch (e) {
    if (!(e instanceof ShortInput) && !(e instanceof RangeError)) throw e;
    return RawLayer.dissect(buf, off, end);
  }
}

/**
 * The layers of a captured packet (`bytes` is the captured data) from its
 * record. Never throws on bad bytes: a header the record names but that does
 * not fit its class becomes Raw, as do the bytes after a header where the
 * native dissector stopped (MALFORMED, TRUNCATED, TOO_DEEP); bytes past the
 * length a header declares become Padding.
 */
export function fromRecord(bytes: Uint8Array, r: RecordLayout): Layer {
  const steps = plan(r);
  if (steps.length === 0) return RawLayer.dissect(bytes, 0, bytes.length).layer;
  const stopped = (r.flags & (FLAG_TRUNCATED | FLAG_MALFORMED | FLAG_TOO_DEEP)) !== 0;
  const ipWithoutL4 = r.l4Off === OFFSET_ABSENT && (r.layers & ((1 << LAYER_IPV4) | (1 << LAYER_IPV6))) !== 0;
  // After the last header the record names. Where the native dissector stopped, or left a transport
  // header it knows undecoded (a later fragment, a first fragment too short for the header), the
  // rest is Raw; otherwise the bindings decide what it does not follow (DNS, quotes, ND options, IP in IP).
  const beyond = (last: Layer, off: number, end: number): LayerClass => {
    if (stopped || (ipWithoutL4 && NATIVE_L4.has(r.ipProto))) return C(RawLayer);
    return last.guessPayloadClass(bytes, off, end) ?? C(RawLayer);
  };
  return build(bytes, steps, 0, steps[0].off, bytes.length, steps[0].pick(undefined) ?? C(RawLayer), undefined, beyond);
}

/** The index of the step for a header at `at` after step `i`'s layer, or steps.length when the record names no more. */
function nextStep(steps: Step[], i: number, at: number): number {
  const until = steps[i].until;
  let j = until !== undefined && at < until ? i : i + 1;
  while (j < steps.length && steps[j].until !== undefined && at >= steps[j].until!) j++;
  return j;
}

/** dissectChain() with the classes the record gives, as long as it gives them. */
function build(
  buf: Uint8Array,
  steps: Step[],
  i: number,
  off: number,
  end: number,
  cls: LayerClass,
  under: Layer | undefined,
  beyond: (last: Layer, off: number, end: number) => LayerClass,
): Layer {
  const stop = Math.min(end, buf.length);
  const d = decodeOne(cls, buf, off, stop, under);
  const layer = d.layer;
  const payEnd = Math.max(d.headerEnd, Math.min(d.payloadEnd ?? stop, stop));
  if (d.headerEnd < payEnd) {
    const j = nextStep(steps, i, d.headerEnd);
    if (j < steps.length) {
      const s = steps[j];
      // A header that ends elsewhere than where the record puts the next one: the record wins, the rest is Raw.
      const there = s.until !== undefined ? d.headerEnd >= s.off : d.headerEnd === s.off;
      const next = (there ? s.pick(layer) : undefined) ?? C(RawLayer);
      layer.attach(build(buf, steps, j, d.headerEnd, payEnd, next, layer, beyond));
    } else {
      layer.attach(dissectChain(buf, d.headerEnd, payEnd, beyond(layer, d.headerEnd, payEnd), layer, steps.length));
    }
  }
  if (payEnd < stop) layer.lastLayer().attach(new PaddingLayer({ load: buf.slice(payEnd, stop) }));
  return layer;
}
