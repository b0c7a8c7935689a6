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
import { bindLayers, type LayerClass } from './layer';
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

const C = <T>(c: T) => c as unknown as LayerClass;

// Link layers: ethertype (or SLL protocol) -> network layer.
const byEthertype: [number, LayerClass][] = [
  [ETYPE_IPV4, C(IPLayer)],
  [ETYPE_ARP, C(ARPLayer)],
  [ETYPE_IPV6, C(IPv6Layer)],
  [ETYPE_VLAN, C(Dot1QLayer)],
  [ETYPE_QINQ, C(Dot1ADLayer)],
];
for (const lower of [EtherLayer, Dot1QLayer])
  for (const [type, upper] of byEthertype) bindLayers(C(lower), upper, { type });
for (const lower of [CookedLinuxLayer, CookedLinuxV2Layer])
  for (const [proto, upper] of byEthertype) bindLayers(C(lower), upper, { proto });
bindLayers(C(LoopbackLayer), C(IPLayer), { type: 2 });
// BSD address families for IPv6 differ by system: 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
for (const type of [24, 28, 30]) bindLayers(C(LoopbackLayer), C(IPv6Layer), { type }, { overload: type === 24 });

// IPv4: only the first fragment carries the upper-layer header.
for (const [proto, upper] of [
  [PROTO_ICMP, ICMPLayer],
  [PROTO_TCP, TCPLayer],
  [PROTO_UDP, UDPLayer],
  [PROTO_IPIP, IPLayer],
  [PROTO_IPV6, IPv6Layer],
] as const) {
  bindLayers(C(IPLayer), C(upper), { frag: 0, proto });
}
for (const [proto, upper] of [
  [PROTO_ICMP, ICMPerrorLayer],
  [PROTO_TCP, TCPerrorLayer],
  [PROTO_UDP, UDPerrorLayer],
  [PROTO_IPIP, IPerrorLayer],
] as const) {
  bindLayers(C(IPerrorLayer), C(upper), { frag: 0, proto });
}

// DNS on its well-known ports (5353: multicast DNS; over TCP only 53); ports are not changed when building.
for (const port of [53, 5353]) {
  bindLayers(C(UDPLayer), C(DNSLayer), { dport: port }, { overload: false });
  bindLayers(C(UDPLayer), C(DNSLayer), { sport: port }, { overload: false });
}
bindLayers(C(TCPLayer), C(DNSLayer), { dport: 53 }, { overload: false });
bindLayers(C(TCPLayer), C(DNSLayer), { sport: 53 }, { overload: false });

// IPv6 and its extension headers share one next-header space.
const extHeaders: [number, LayerClass][] = [
  [PROTO_HOPOPTS, C(IPv6ExtHdrHopByHopLayer)],
  [PROTO_ROUTING, C(IPv6ExtHdrRoutingLayer)],
  [PROTO_FRAGMENT, C(IPv6ExtHdrFragmentLayer)],
  [PROTO_DSTOPTS, C(IPv6ExtHdrDestOptLayer)],
];
const ndDefaults: [LayerClass, string][] = [
  [C(ICMPv6ND_RSLayer), 'ff02::2'],
  [C(ICMPv6ND_RALayer), 'ff02::1'],
  [C(ICMPv6ND_NSLayer), 'ff02::1'],
  [C(ICMPv6ND_NALayer), 'ff02::1'],
];
function bindNextHeaders(lowers: LayerClass[], tcp: LayerClass, udp: LayerClass): void {
  for (const lower of lowers) {
    for (const [nh, upper] of extHeaders) bindLayers(lower, upper, { nh });
    bindLayers(lower, tcp, { nh: PROTO_TCP });
    bindLayers(lower, udp, { nh: PROTO_UDP });
    bindLayers(lower, C(IPLayer), { nh: PROTO_IPIP });
    bindLayers(lower, C(IPv6Layer), { nh: PROTO_IPV6 });
    for (const [type, upper] of Object.entries({ ...ICMPV6_CLASSES, ...MLD_CLASSES })) {
      // Neighbor Discovery must arrive with hop limit 255 (RFC 4861 7.1), MLD with 1; Scapy also picks the group.
      const nd = ndDefaults.find(([c]) => c === upper);
      const mld = MLD_IPV6_DEFAULTS.find(([c]) => c === upper);
      const ipDefaults = nd ? { hlim: 255, dst: nd[1] } : mld?.[1];
      const buildOnly = lower === C(IPv6Layer) ? ipDefaults : undefined;
      bindLayers(lower, upper, { nh: PROTO_ICMPV6 }, { when: (b, o) => b[o] === Number(type), buildOnly });
    }
    bindLayers(lower, C(ICMPv6UnknownLayer), { nh: PROTO_ICMPV6 });
  }
}
bindNextHeaders([C(IPv6Layer), ...extHeaders.map(([, c]) => c)], C(TCPLayer), C(UDPLayer));
bindNextHeaders([C(IPerror6Layer)], C(TCPerrorLayer), C(UDPerrorLayer));
setQuotedClass(C(IPerror6Layer));
