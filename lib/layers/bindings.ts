// Which layer follows which (Scapy's bind_layers), in one table: used to
// dissect (ethertype -> IP, proto -> TCP ...) and to fill the lower layer's
// unset fields when building (`IP().div(TCP())` gets proto 6).
import { ARPLayer } from './arp';
import { DNSLayer } from './dns';
import { CookedLinuxLayer, CookedLinuxV2Layer, Dot1ADLayer, Dot1QLayer, EtherLayer, LoopbackLayer } from './ether';
import {
  ICMPV6_CLASSES,
  ICMPv6ND_NALayer,
  ICMPv6ND_NSLayer,
  ICMPv6ND_RALayer,
  ICMPv6ND_RSLayer,
  ICMPv6UnknownLayer,
  setQuotedClass,
} from './icmpv6';
import { ICMPerrorLayer, ICMPLayer } from './icmp';
import { MLD_CLASSES, MLD_IPV6_DEFAULTS } from './icmpv6-mld';
import { IPerrorLayer, IPLayer } from './ip';
import {
  IPerror6Layer,
  IPv6ExtHdrDestOptLayer,
  IPv6ExtHdrFragmentLayer,
  IPv6ExtHdrHopByHopLayer,
  IPv6ExtHdrRoutingLayer,
  IPv6Layer,
} from './ipv6';
import { bindLayers } from './bind';
import type { LayerClass } from './layer';
import { TCPerrorLayer, TCPLayer } from './tcp';
import { UDPerrorLayer, UDPLayer } from './udp';
import {
  ETYPE_ARP,
  ETYPE_IPV4,
  ETYPE_IPV6,
  ETYPE_QINQ,
  ETYPE_VLAN,
  PROTO_DSTOPTS,
  PROTO_FRAGMENT,
  PROTO_HOPOPTS,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_IPIP,
  PROTO_IPV6,
  PROTO_ROUTING,
  PROTO_TCP,
  PROTO_UDP,
} from '../constants';

// Link layers: ethertype (or SLL protocol) -> network layer.
const byEthertype: [number, LayerClass][] = [
  [ETYPE_IPV4, IPLayer],
  [ETYPE_ARP, ARPLayer],
  [ETYPE_IPV6, IPv6Layer],
  [ETYPE_VLAN, Dot1QLayer],
  [ETYPE_QINQ, Dot1ADLayer],
];
for (const lower of [EtherLayer, Dot1QLayer])
  for (const [type, upper] of byEthertype) bindLayers(lower, upper, { type });
for (const lower of [CookedLinuxLayer, CookedLinuxV2Layer])
  for (const [proto, upper] of byEthertype) bindLayers(lower, upper, { proto });
bindLayers(LoopbackLayer, IPLayer, { type: 2 });
// BSD address families for IPv6 differ by system: 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
for (const type of [24, 28, 30]) bindLayers(LoopbackLayer, IPv6Layer, { type }, { overload: type === 24 });

// IPv4: only the first fragment carries the upper-layer header.
for (const [proto, upper] of [
  [PROTO_ICMP, ICMPLayer],
  [PROTO_TCP, TCPLayer],
  [PROTO_UDP, UDPLayer],
  [PROTO_IPIP, IPLayer],
  [PROTO_IPV6, IPv6Layer],
] as const) {
  bindLayers(IPLayer, upper, { frag: 0, proto });
}
for (const [proto, upper] of [
  [PROTO_ICMP, ICMPerrorLayer],
  [PROTO_TCP, TCPerrorLayer],
  [PROTO_UDP, UDPerrorLayer],
  [PROTO_IPIP, IPerrorLayer],
] as const) {
  bindLayers(IPerrorLayer, upper, { frag: 0, proto });
}

// DNS on its well-known ports (5353: multicast DNS; over TCP only 53); ports are not changed when building.
for (const port of [53, 5353]) {
  bindLayers(UDPLayer, DNSLayer, { dport: port }, { overload: false });
  bindLayers(UDPLayer, DNSLayer, { sport: port }, { overload: false });
}
bindLayers(TCPLayer, DNSLayer, { dport: 53 }, { overload: false });
bindLayers(TCPLayer, DNSLayer, { sport: 53 }, { overload: false });

// IPv6 and its extension headers share one next-header space.
const extHeaders: [number, LayerClass][] = [
  [PROTO_HOPOPTS, IPv6ExtHdrHopByHopLayer],
  [PROTO_ROUTING, IPv6ExtHdrRoutingLayer],
  [PROTO_FRAGMENT, IPv6ExtHdrFragmentLayer],
  [PROTO_DSTOPTS, IPv6ExtHdrDestOptLayer],
];
const ndDefaults: [LayerClass, string][] = [
  [ICMPv6ND_RSLayer, 'ff02::2'],
  [ICMPv6ND_RALayer, 'ff02::1'],
  [ICMPv6ND_NSLayer, 'ff02::1'],
  [ICMPv6ND_NALayer, 'ff02::1'],
];
function bindNextHeaders(lowers: LayerClass[], tcp: LayerClass, udp: LayerClass): void {
  for (const lower of lowers) {
    for (const [nh, upper] of extHeaders) bindLayers(lower, upper, { nh });
    bindLayers(lower, tcp, { nh: PROTO_TCP });
    bindLayers(lower, udp, { nh: PROTO_UDP });
    bindLayers(lower, IPLayer, { nh: PROTO_IPIP });
    bindLayers(lower, IPv6Layer, { nh: PROTO_IPV6 });
    for (const [type, upper] of Object.entries({ ...ICMPV6_CLASSES, ...MLD_CLASSES })) {
      // Neighbor Discovery must arrive with hop limit 255 (RFC 4861 7.1), MLD with 1; Scapy also picks the group.
      const nd = ndDefaults.find(([c]) => c === upper);
      const mld = MLD_IPV6_DEFAULTS.find(([c]) => c === upper);
      const ipDefaults = nd ? { hlim: 255, dst: nd[1] } : mld?.[1];
      const buildOnly = lower === IPv6Layer ? ipDefaults : undefined;
      bindLayers(lower, upper, { nh: PROTO_ICMPV6 }, { when: (b, o) => b[o] === Number(type), buildOnly });
    }
    bindLayers(lower, ICMPv6UnknownLayer, { nh: PROTO_ICMPV6 });
  }
}
bindNextHeaders([IPv6Layer, ...extHeaders.map(([, c]) => c)], TCPLayer, UDPLayer);
bindNextHeaders([IPerror6Layer], TCPerrorLayer, UDPerrorLayer);
setQuotedClass(IPerror6Layer);
