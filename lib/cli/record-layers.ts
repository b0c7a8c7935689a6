/**
 * Single headers of a captured packet, each decoded by its layer class at the
 * offset the record gives: what the CLI prints beyond the record's own fields
 * (the Ethernet header's own type before VLAN tags, each tag, the cooked
 * headers' interface and link address, the IPv6 fixed header's next header).
 * Undefined when the record has no such header or its bytes do not hold it.
 */
import { CookedLinuxLayer, CookedLinuxV2Layer, Dot1QLayer, EtherLayer } from '../layers/ether';
import { linkLayerOf } from '../layers/from-record';
import { IPv6Layer } from '../layers/ipv6';
import { ShortInput, type Dissected } from '../layers/layer';
import type { Packet } from '../packet';
import { LAYER_ETHERNET, LAYER_SLL, LAYER_SLL2 } from '../record.gen';

/** The layer of class `cls` at `off`, bounded by the captured bytes. */
function at<L>(
  p: Packet,
  cls: { dissect(buf: Uint8Array, off: number, end: number): Dissected },
  off: number | undefined,
): L | undefined {
  if (off === undefined) return undefined;
  try {
    return cls.dissect(p.data, off, p.caplen).layer as L;
  } catch (e) {
    if (e instanceof ShortInput || e instanceof RangeError) return undefined;
    throw e;
  }
}

const hasLayer = (p: Packet, bit: number): boolean => (p.layerMask & (1 << bit)) !== 0;

/** The Ethernet header at l2Off. */
export function etherHeader(p: Packet): EtherLayer | undefined {
  return hasLayer(p, LAYER_ETHERNET) ? at<EtherLayer>(p, EtherLayer, p.l2Off) : undefined;
}

/** The Ethernet header's own type field: 0x8100 / 0x88a8 before a VLAN tag, else the record's ethertype. */
export function outerEtherType(p: Packet): number | undefined {
  if (!hasLayer(p, LAYER_ETHERNET)) return undefined;
  return p.vlan === undefined ? p.etherType : etherHeader(p)?.type;
}

/** The Linux cooked header (SLL) at l2Off. */
export function cookedHeader(p: Packet): CookedLinuxLayer | undefined {
  return hasLayer(p, LAYER_SLL) ? at<CookedLinuxLayer>(p, CookedLinuxLayer, p.l2Off) : undefined;
}

/** The Linux cooked v2 header (SLL2) at l2Off. */
export function cookedV2Header(p: Packet): CookedLinuxV2Layer | undefined {
  return hasLayer(p, LAYER_SLL2) ? at<CookedLinuxV2Layer>(p, CookedLinuxV2Layer, p.l2Off) : undefined;
}

/** The first `max` VLAN tags the record counted, after the link header. */
export function vlanTags(p: Packet, max: number): Dot1QLayer[] {
  const count = Math.min(max, p.vlan?.count ?? 0);
  const link = linkLayerOf(p.layerMask);
  const l2 = p.l2Off;
  const out: Dot1QLayer[] = [];
  if (link === undefined || l2 === undefined) return out;
  for (let i = 0; i < count; i++) {
    const tag = at<Dot1QLayer>(p, Dot1QLayer, l2 + link[1] + 4 * i);
    if (tag === undefined) break;
    out.push(tag);
  }
  return out;
}

/** The IPv6 fixed header at l3Off. */
export function ipv6Header(p: Packet): IPv6Layer | undefined {
  return p.ipv6 !== undefined ? at<IPv6Layer>(p, IPv6Layer, p.l3Off) : undefined;
}
