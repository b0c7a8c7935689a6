// The layers' public surface: factories (Scapy names), layer classes, field
// types, parse()/fromOffsets(). Importing it registers the layer bindings.
import './bindings';

export { Layer, bindLayers, type LayerKind, type LayerClass, type LayerFactory, type Dissected, type BindOptions } from './layer';
export { Raw, RawLayer, Padding, PaddingLayer, type RawFields } from './raw';
export {
  Ether, EtherLayer, Dot1Q, Dot1QLayer, CookedLinux, CookedLinuxLayer, CookedLinuxV2, CookedLinuxV2Layer, Loopback, LoopbackLayer,
  type EtherFields, type Dot1QFields, type CookedLinuxFields, type CookedLinuxV2Fields, type LoopbackFields,
} from './ether';
export { ARP, ARPLayer, ARP_OPS, type ARPFields } from './arp';
export { IP, IPLayer, IPerror, IPerrorLayer, IP_OPTION_NAMES, type IPFields, type IPOption } from './ip';
export {
  IPv6, IPv6Layer, IPerror6, IPerror6Layer, IPv6ExtHdrHopByHop, IPv6ExtHdrHopByHopLayer, IPv6ExtHdrDestOpt, IPv6ExtHdrDestOptLayer,
  IPv6ExtHdrRouting, IPv6ExtHdrRoutingLayer, IPv6ExtHdrFragment, IPv6ExtHdrFragmentLayer,
  type IPv6Fields, type IPv6Option, type IPv6ExtHdrOptionsFields, type IPv6ExtHdrRoutingFields, type IPv6ExtHdrFragmentFields,
} from './ipv6';
export { ICMP, ICMPLayer, ICMPerror, ICMPerrorLayer, ICMP_ERROR_TYPES, type ICMPFields } from './icmp';
export * from './icmpv6';
export { TCP, TCPLayer, TCPerror, TCPerrorLayer, TCP_FLAG_LETTERS, type TCPFields, type TCPOption } from './tcp';
export { UDP, UDPLayer, UDPerror, UDPerrorLayer, type UDPFields } from './udp';
export {
  DNS, DNSLayer, DNSQR, DNSQRLayer, DNSRR, DNSRRLayer, DNSRRMX, DNSRRMXLayer, DNSRRSOA, DNSRRSOALayer, DNSRRSRV, DNSRRSRVLayer,
  DNSRROPT, DNSRROPTLayer, EDNS0TLV, EDNS0TLVLayer, DNS_TYPES, DNS_QTYPES, DNS_CLASSES,
  type DNSFields, type DNSQRFields, type DNSRRFields, type DNSRRMXFields, type DNSRRSOAFields, type DNSRRSRVFields,
  type DNSRROPTFields, type EDNS0TLVFields, type DNSRData, type DNSResourceRecord,
} from './dns';
export { parse, fromOffsets, linkLayerClass, type ParseOptions, type LayerOffsets } from './parse';
export { internetChecksum } from './checksum';
export { setSourceResolver, type SourceResolver } from './source';
