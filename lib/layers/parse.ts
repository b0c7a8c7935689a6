// parse(): bytes the user crafted or handed in, decoded into layers from any
// first layer by following the bindings. Captured packets do not come here:
// their layers are built at the offsets of the native dissector's record
// (from-record.ts).
import './bindings';
import { CookedLinuxLayer, CookedLinuxV2Layer, EtherLayer, LoopbackLayer } from './ether';
import { IPLayer } from './ip';
import { IPv6Layer } from './ipv6';
import { argError } from '../args';
import { dissectChain } from './dissect';
import { layerClassOf, type Layer, type LayerClass, type LayerKind } from './layer';
import { RawLayer } from './raw';
import {
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_NULL,
  LINK_RAW,
  LINK_RAW_FILE,
  LINK_RAW_OPENBSD,
} from '../record.gen';

/** Options of parse(). */
export interface ParseOptions {
  /** The first layer (default Ether), e.g. `{ first: IP }`; or give `linkType`. */
  first?: LayerKind;
  /** A pcap link type (DLT) deciding the first layer: 1 Ethernet, 113 SLL, 276 SLL2, 0 loopback, 12/14/101/228/229 raw IP. */
  linkType?: number;
}

/** The IP version in the first nibble decides between IP and IPv6 (raw IP link types). */
function ipByVersion(bytes: Uint8Array, off: number): LayerClass {
  const v = bytes[off] >> 4;
  return v === 6 ? IPv6Layer : v === 4 ? IPLayer : RawLayer;
}

/** The first layer for a pcap link type, or undefined for link types without a layer here. */
export function linkLayerClass(linkType: number, bytes: Uint8Array, off: number): LayerClass | undefined {
  switch (linkType) {
    case LINK_ETHERNET:
      return EtherLayer;
    case LINK_LINUX_SLL:
      return CookedLinuxLayer;
    case LINK_LINUX_SLL2:
      return CookedLinuxV2Layer;
    case LINK_NULL:
      return LoopbackLayer;
    case LINK_RAW:
    case LINK_RAW_OPENBSD:
    case LINK_RAW_FILE:
      return ipByVersion(bytes, off);
    case LINK_IPV4:
      return IPLayer;
    case LINK_IPV6:
      return IPv6Layer;
    default:
      return undefined;
  }
}

/**
 * Decodes bytes into layers, starting with `first` (default Ether) and
 * following ethertypes, protocols and ports. Never throws on bad bytes:
 * what cannot be decoded becomes Raw, trailers become Padding.
 */
export function parse(bytes: Uint8Array, opts: ParseOptions = {}): Layer {
  if (!(bytes instanceof Uint8Array)) throw argError('a Uint8Array', 'parse() bytes', bytes);
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw argError('an options object', 'parse() options', opts);
  const given = opts.first === undefined ? undefined : layerClassOf(opts.first);
  if (opts.first !== undefined && !given)
    throw argError('a layer type such as Ether or IP', 'parse() first', opts.first);
  if (
    opts.linkType !== undefined &&
    (typeof opts.linkType !== 'number' || !Number.isInteger(opts.linkType) || opts.linkType < 0)
  ) {
    throw argError('a link type (a non-negative integer)', 'parse() linkType', opts.linkType);
  }
  const first = given ?? (opts.linkType !== undefined ? linkLayerClass(opts.linkType, bytes, 0) : EtherLayer);
  return dissectChain(bytes, 0, bytes.length, first ?? RawLayer);
}
