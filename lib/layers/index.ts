// The layers' public surface: factories (Scapy names), layer classes, field
// types, parse(). Importing it registers the layer bindings.
import './bindings';

export { Layer, type LayerKind, type LayerClass } from './layer';
export { bindLayers, type BindOptions } from './bind';
export { factory, defineAccessors, type LayerFactory, type FieldSets } from './factory';
export { MAX_DEPTH, type Dissected } from './dissect';
export { range, FieldRange, MAX_SET_PACKETS } from './packet-set';
export type { FieldDef, FieldList, FieldValues, FieldInputs } from './field';
export * as fields from './field-builders';
export { Raw, RawLayer, Padding, PaddingLayer, type RawFields } from './raw';
export {
  Ether,
  EtherLayer,
  Dot1Q,
  Dot1QLayer,
  Dot1AD,
  Dot1ADLayer,
  CookedLinux,
  CookedLinuxLayer,
  CookedLinuxV2,
  CookedLinuxV2Layer,
  Loopback,
  LoopbackLayer,
  type EtherFields,
  type Dot1QFields,
  type CookedLinuxFields,
  type CookedLinuxV2Fields,
  type LoopbackFields,
} from './ether';
export { ARP, ARPLayer, ARP_OPS, type ARPFields } from './arp';
export { IP, IPLayer, IPerror, IPerrorLayer, IP_OPTION_NAMES, type IPFields, type IPOption } from './ip';
export {
  IPv6,
  IPv6Layer,
  IPerror6,
  IPerror6Layer,
  IPv6ExtHdrHopByHop,
  IPv6ExtHdrHopByHopLayer,
  IPv6ExtHdrDestOpt,
  IPv6ExtHdrDestOptLayer,
  IPv6ExtHdrRouting,
  IPv6ExtHdrRoutingLayer,
  IPv6ExtHdrFragment,
  IPv6ExtHdrFragmentLayer,
  type IPv6Fields,
  type IPv6Option,
  type IPv6ExtHdrOptionsFields,
  type IPv6ExtHdrRoutingFields,
  type IPv6ExtHdrFragmentFields,
} from './ipv6';
export { ICMP, ICMPLayer, ICMPerror, ICMPerrorLayer, ICMP_ERROR_TYPES, type ICMPFields } from './icmp';
export {
  ICMPv6EchoRequest,
  ICMPv6EchoRequestLayer,
  ICMPv6EchoReply,
  ICMPv6EchoReplyLayer,
  ICMPv6DestUnreach,
  ICMPv6DestUnreachLayer,
  ICMPv6PacketTooBig,
  ICMPv6PacketTooBigLayer,
  ICMPv6TimeExceeded,
  ICMPv6TimeExceededLayer,
  ICMPv6ParamProblem,
  ICMPv6ParamProblemLayer,
  ICMPv6Unknown,
  ICMPv6UnknownLayer,
  ICMPv6ND_RS,
  ICMPv6ND_RSLayer,
  ICMPv6ND_RA,
  ICMPv6ND_RALayer,
  ICMPv6ND_NS,
  ICMPv6ND_NSLayer,
  ICMPv6ND_NA,
  ICMPv6ND_NALayer,
  ICMPv6NDOptSrcLLAddr,
  ICMPv6NDOptSrcLLAddrLayer,
  ICMPv6NDOptDstLLAddr,
  ICMPv6NDOptDstLLAddrLayer,
  ICMPv6NDOptPrefixInfo,
  ICMPv6NDOptPrefixInfoLayer,
  ICMPv6NDOptMTU,
  ICMPv6NDOptMTULayer,
  ICMPv6NDOptUnknown,
  ICMPv6NDOptUnknownLayer,
  ICMPv6Base,
  ND_RA_PREFERENCES,
  type ICMPv6CommonFields,
  type ICMPv6Common,
  type ICMPv6EchoFields,
  type ICMPv6ErrorLengthFields,
  type ICMPv6PacketTooBigFields,
  type ICMPv6ParamProblemFields,
  type ICMPv6UnknownFields,
  type ICMPv6ND_RSFields,
  type ICMPv6ND_RAFields,
  type ICMPv6ND_NSFields,
  type ICMPv6ND_NAFields,
  type ICMPv6NDOptLLAddrFields,
  type ICMPv6NDOptPrefixInfoFields,
  type ICMPv6NDOptMTUFields,
  type ICMPv6NDOptUnknownFields,
} from './icmpv6';
export {
  ICMPv6MLQuery,
  ICMPv6MLQueryLayer,
  ICMPv6MLReport,
  ICMPv6MLReportLayer,
  ICMPv6MLDone,
  ICMPv6MLDoneLayer,
  ICMPv6MLReport2,
  ICMPv6MLReport2Layer,
  ICMPv6MLDMultAddrRec,
  ICMPv6MLDMultAddrRecLayer,
  type ICMPv6MLFields,
  type ICMPv6MLReport2Fields,
  type ICMPv6MLDMultAddrRecFields,
} from './icmpv6-mld';
export { TCP, TCPLayer, TCPerror, TCPerrorLayer, TCP_FLAG_LETTERS, type TCPFields, type TCPOption } from './tcp';
export { TCPFlags } from './flag-value';
export { UDP, UDPLayer, UDPerror, UDPerrorLayer, type UDPFields } from './udp';
export {
  DNS,
  DNSLayer,
  DNSQR,
  DNSQRLayer,
  DNSRR,
  DNSRRLayer,
  DNSRRMX,
  DNSRRMXLayer,
  DNSRRSOA,
  DNSRRSOALayer,
  DNSRRSRV,
  DNSRRSRVLayer,
  DNSRROPT,
  DNSRROPTLayer,
  EDNS0TLV,
  EDNS0TLVLayer,
  DNS_TYPES,
  DNS_QTYPES,
  DNS_CLASSES,
  type DNSFields,
  type DNSQRFields,
  type DNSRRFields,
  type DNSRRMXFields,
  type DNSRRSOAFields,
  type DNSRRSRVFields,
  type DNSRROPTFields,
  type EDNS0TLVFields,
  type DNSRData,
  type DNSResourceRecord,
} from './dns';
export { parse, linkLayerClass, type ParseOptions } from './parse';
export { internetChecksum } from './checksum';
export { setSourceResolver, type SourceResolver } from './source';
export { ls, lsString } from './ls';
