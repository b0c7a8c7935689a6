// Entry points that turn bytes into layers: parse() from any first layer,
// and fromOffsets() for captured packets whose layer offsets the native
// dissector already found.
import './bindings';
import { ARPLayer } from './arp';
import { CookedLinuxLayer, CookedLinuxV2Layer, EtherLayer, LoopbackLayer } from './ether';
import { IPLayer } from './ip';
import { IPv6Layer } from './ipv6';
import { expected } from '../errors';
import { dissectChain, Layer, type LayerClass, type LayerKind } from './layer';
import { RawLayer } from './raw';

/** Options of parse(). */
export interface ParseOptions {
  /** The first layer (default Ether), e.g. `{ first: IP }`; or give `linkType`. */
  first?: LayerKind;
  /** A pcap link type (DLT) deciding the first layer: 1 Ethernet, 113 SLL, 276 SLL2, 0 loopback, 12/14/101/228/229 raw IP. */
  linkType?: number;
}

/** True for a layer factory (`IP`) or a layer class (`IPLayer`): what `first` must be. */
function isLayerKind(kind: unknown): kind is LayerKind {
  if (typeof kind !== 'function') return false;
  const cls = (kind as { layerClass?: unknown }).layerClass ?? kind;
  return typeof cls === 'function' && cls.prototype instanceof Layer;
}

function classOf(kind: LayerKind): LayerClass {
  const k = kind as unknown as { layerClass?: LayerClass };
  return k.layerClass ?? (kind as unknown as LayerClass);
}

/** The IP version in the first nibble decides between IP and IPv6 (raw IP link types). */
function ipByVersion(bytes: Uint8Array, off: number): LayerClass {
  const v = bytes[off] >> 4;
  return (v === 6 ? IPv6Layer : v === 4 ? IPLayer : RawLayer) as unknown as LayerClass;
}

/** The first layer for a pcap link type, or undefined for link types without a layer here. */
export function linkLayerClass(linkType: number, bytes: Uint8Array, off: number): LayerClass | undefined {
  switch (linkType) {
    case 1: return EtherLayer as unknown as LayerClass;
    case 113: return CookedLinuxLayer as unknown as LayerClass;
    case 276: return CookedLinuxV2Layer as unknown as LayerClass;
    case 0: return LoopbackLayer as unknown as LayerClass;
    case 12: case 14: case 101: return ipByVersion(bytes, off);
    case 228: return IPLayer as unknown as LayerClass;
    case 229: return IPv6Layer as unknown as LayerClass;
    default: return undefined;
  }
}

/**
 * Decodes bytes into layers, starting with `first` (default Ether) and
 * following ethertypes, protocols and ports. Never throws on bad bytes:
 * what cannot be decoded becomes Raw, trailers become Padding.
 */
export function parse(bytes: Uint8Array, opts: ParseOptions = {}): Layer {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(expected('a Uint8Array', 'parse() bytes', bytes));
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(expected('an options object', 'parse() options', opts));
  if (opts.first !== undefined && !isLayerKind(opts.first)) throw new TypeError(expected('a layer type such as Ether or IP', 'parse() first', opts.first));
  if (opts.linkType !== undefined && (typeof opts.linkType !== 'number' || !Number.isInteger(opts.linkType) || opts.linkType < 0)) {
    throw new TypeError(expected('a link type (a non-negative integer)', 'parse() linkType', opts.linkType));
  }
  const first = opts.first ? classOf(opts.first) : opts.linkType !== undefined ? linkLayerClass(opts.linkType, bytes, 0) : (EtherLayer as unknown as LayerClass);
  return dissectChain(bytes, 0, bytes.length, first ?? (RawLayer as unknown as LayerClass));
}

/** Layer offsets of a captured packet, as the native dissector's record gives them (0xffff or undefined = absent). */
export interface LayerOffsets {
  /** pcap link type (DLT) of the capture. */
  linkType: number;
  /** Link header. */
  l2Off?: number;
  /** ARP / IPv4 / IPv6 header. */
  l3Off?: number;
  /** TCP / UDP / ICMP / ICMPv6 header. */
  l4Off?: number;
  /** First byte after the last decoded header. */
  payloadOff?: number;
}

const present = (o: number | undefined): o is number => o !== undefined && o !== 0xffff;

/**
 * Layers of a captured packet from the offsets the native dissector found:
 * decoding starts at the link header (or at the network header when the link
 * type has no layer here), and the network layer at l3Off is taken from the
 * IP version even where the ethertype would not say (e.g. an unknown link).
 */
export function fromOffsets(bytes: Uint8Array, offs: LayerOffsets): Layer {
  const hints = new Map<number, LayerClass>();
  if (present(offs.l3Off) && offs.l3Off < bytes.length) {
    const isArp = bytes.length - offs.l3Off >= 28 && bytes[offs.l3Off + 4] === 6 && bytes[offs.l3Off + 5] === 4 && bytes[offs.l3Off] === 0 && bytes[offs.l3Off + 1] === 1;
    hints.set(offs.l3Off, isArp ? (ARPLayer as unknown as LayerClass) : ipByVersion(bytes, offs.l3Off));
  }
  if (present(offs.l2Off)) {
    const link = linkLayerClass(offs.linkType, bytes, offs.l2Off);
    if (link) return dissectChain(bytes, offs.l2Off, bytes.length, link, { hints });
  }
  if (present(offs.l3Off)) return dissectChain(bytes, offs.l3Off, bytes.length, hints.get(offs.l3Off)!, { hints });
  return dissectChain(bytes, 0, bytes.length, RawLayer as unknown as LayerClass);
}
