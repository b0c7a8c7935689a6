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
import {
  IPv6ExtHdrDestOptLayer,
  IPv6ExtHdrFragmentLayer,
  IPv6ExtHdrHopByHopLayer,
  IPv6ExtHdrRoutingLayer,
  IPv6Layer,
} from './ipv6';
import { dissectChain, ShortInput, type Dissected } from './dissect';
import type { Layer, LayerClass } from './layer';
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

/** The link layer class and its header length for each link layer mask. */
const LINK_LAYERS: ReadonlyArray<readonly [number, LayerClass, number]> = [
  [1 << LAYER_ETHERNET, EtherLayer, 14],
  [1 << LAYER_SLL, CookedLinuxLayer, 16],
  [1 << LAYER_SLL2, CookedLinuxV2Layer, 20],
  [1 << LAYER_LOOPBACK, LoopbackLayer, 4],
];

/** The link layer class and header length the record's layer bits name, or undefined when it has none. */
export function linkLayerOf(layers: number): readonly [LayerClass, number] | undefined {
  for (const [mask, cls, len] of LINK_LAYERS) if (layers & mask) return [cls, len];
  return undefined;
}

// Masks, once (the per-packet path reads no imported binding it can avoid).
const M_VLAN = 1 << LAYER_VLAN;
const M_ARP = 1 << LAYER_ARP;
const M_IPV4 = 1 << LAYER_IPV4;
const M_IPV6 = 1 << LAYER_IPV6;
const M_IPV6_EXT = 1 << LAYER_IPV6_EXT;
const M_TCP = 1 << LAYER_TCP;
const M_UDP = 1 << LAYER_UDP;
const M_ICMP = 1 << LAYER_ICMP;
const M_ICMPV6 = 1 << LAYER_ICMPV6;
const STOPPED = FLAG_TRUNCATED | FLAG_MALFORMED | FLAG_TOO_DEEP;
const ABSENT = OFFSET_ABSENT;
const QINQ = ETYPE_QINQ;

/** IPv6 extension headers with a layer here, by the next-header value that announces them. */
const EXT_HEADERS: ReadonlyMap<number, LayerClass> = new Map<number, LayerClass>([
  [PROTO_HOPOPTS, IPv6ExtHdrHopByHopLayer],
  [PROTO_ROUTING, IPv6ExtHdrRoutingLayer],
  [PROTO_FRAGMENT, IPv6ExtHdrFragmentLayer],
  [PROTO_DSTOPTS, IPv6ExtHdrDestOptLayer],
]);

/** The transport protocols the native dissector decodes: when the record has none of them, it decided not to. */
const NATIVE_L4 = new Set([PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6]);

/** ICMPv6 message classes by type (ICMPv6Unknown for the others, as in Scapy). */
function icmpv6Class(type: number): LayerClass {
  return ICMPV6_CLASSES[type] ?? MLD_CLASSES[type] ?? ICMPv6UnknownLayer;
}

/** A VLAN tag: its class is chosen by the type field before it (Ether's or the previous tag's). */
const TAG = 1;
/** An IPv6 extension header region: the class of each header is chosen by the next header before it. */
const EXT = 2;

/** One header the record places: where it starts and its class, or how the class follows from the layer before it. */
interface Step {
  off: number;
  /** The class, for headers whose class the record gives outright. */
  cls: LayerClass | undefined;
  /** TAG or EXT when the class depends on the layer before (0 otherwise). */
  kind: number;
  /** EXT: the step repeats for every header that starts before this offset. */
  until: number;
}

/** The class for step `s` after layer `prev`, or undefined when there is none here (the rest is Raw). */
function pick(s: Step, prev: Layer | undefined): LayerClass | undefined {
  if (s.kind === TAG) return (prev as { type?: unknown } | undefined)?.type === QINQ ? Dot1ADLayer : Dot1QLayer;
  if (s.kind === EXT) return EXT_HEADERS.get((prev as { nh?: number } | undefined)?.nh ?? -1);
  return s.cls;
}

/** The headers the record names, in order. */
function plan(r: RecordLayout): Step[] {
  const m = r.layers;
  const steps: Step[] = [];
  let linkEnd = ABSENT;
  if (r.l2Off !== ABSENT) {
    const link = linkLayerOf(m);
    if (link) {
      steps.push({ off: r.l2Off, cls: link[0], kind: 0, until: 0 });
      linkEnd = r.l2Off + link[1];
    }
  }
  if (m & M_VLAN && linkEnd !== ABSENT) {
    for (let i = 0; i < r.vlanCount; i++) steps.push({ off: linkEnd + 4 * i, cls: undefined, kind: TAG, until: 0 });
  }
  if (r.l3Off !== ABSENT) {
    const l3 = m & M_ARP ? ARPLayer : m & M_IPV4 ? IPLayer : m & M_IPV6 ? IPv6Layer : undefined;
    // An l3 offset without its bit: the header was there but did not decode (bad version); the rest is Raw.
    if (l3) steps.push({ off: r.l3Off, cls: l3, kind: 0, until: 0 });
    if (m & M_IPV6 && m & M_IPV6_EXT) {
      const start = r.l3Off + 40;
      steps.push({ off: start, cls: undefined, kind: EXT, until: start + r.ipExtLen });
    }
  }
  if (r.l4Off !== ABSENT) {
    const l4 =
      m & M_TCP
        ? TCPLayer
        : m & M_UDP
          ? UDPLayer
          : m & M_ICMP
            ? ICMPLayer
            : m & M_ICMPV6
              ? icmpv6Class(r.icmpType)
              : undefined;
    if (l4) steps.push({ off: r.l4Off, cls: l4, kind: 0, until: 0 });
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
  // After the last header the record names: where the native dissector stopped, or left a transport
  // header it knows undecoded (a later fragment, a first fragment too short for the header), the
  // rest is Raw; otherwise the bindings decide what it does not follow (DNS, quotes, ND options, IP in IP).
  const rawAfter =
    (r.flags & STOPPED) !== 0 ||
    (r.l4Off === ABSENT && (r.layers & (M_IPV4 | M_IPV6)) !== 0 && NATIVE_L4.has(r.ipProto));
  return build(bytes, steps, 0, steps[0].off, bytes.length, pick(steps[0], undefined) ?? RawLayer, undefined, rawAfter);
}

/** The index of the step for a header at `at` after step `i`'s layer, or steps.length when the record names no more. */
function nextStep(steps: Step[], i: number, at: number): number {
  let j = steps[i].kind === EXT && at < steps[i].until ? i : i + 1;
  while (j < steps.length && steps[j].kind === EXT && at >= steps[j].until) j++;
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
  rawAfter: boolean,
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
      const there = s.kind === EXT ? d.headerEnd >= s.off : d.headerEnd === s.off;
      const next = (there ? pick(s, layer) : undefined) ?? RawLayer;
      layer.attach(build(buf, steps, j, d.headerEnd, payEnd, next, layer, rawAfter));
    } else {
      const next = rawAfter ? RawLayer : (layer.guessPayloadClass(buf, d.headerEnd, payEnd) ?? RawLayer);
      layer.attach(dissectChain(buf, d.headerEnd, payEnd, next, layer, steps.length));
    }
  }
  if (payEnd < stop) layer.lastLayer().attach(new PaddingLayer({ load: buf.slice(payEnd, stop) }));
  return layer;
}
