// Generated from native/record.def by scripts/gen-record.js. Do not edit.
// Byte offsets of the packet record fields and the constants shared with C++.

export const LAYOUT_HASH = 966069533;

/** Byte offset of each record field. */
export const Field = {
  /** u32: where the packet's first byte is in the batch's byte buffer */
  dataOff: 0,
  /** u32: bytes captured and stored after the record */
  capLen: 4,
  /** u32: bytes the packet had on the wire */
  wireLen: 8,
  /** u32: timestamp, seconds since the epoch (unsigned: good to 2106) */
  tsSec: 12,
  /** u32: timestamp, nanoseconds within the second */
  tsNsec: 16,
  /** u32: FLAG_* below */
  flags: 20,
  /** u32: LAYER_* bits of every header decoded */
  layers: 24,
  /** u16: the source's DLT_* link type */
  linkType: 28,
  /** u16: link header (Ethernet, SLL, SLL2, loopback) */
  l2Off: 30,
  /** u16: ARP / IPv4 / IPv6 header (the innermost IP header of the chain) */
  l3Off: 32,
  /** u16: TCP / UDP / ICMP / ICMPv6 header */
  l4Off: 34,
  /** u16: first byte after the last decoded header (at most capLen: a TCP header cut in its options puts it at capLen) */
  payloadOff: 36,
  /** u16: ethertype after VLAN tags (or SLL protocol, or from the raw IP version) */
  etherType: 38,
  /** u32: payload length as the headers declare it (may exceed what was captured) */
  payloadLen: 40,
  /** u8: 802.1Q / 802.1ad tags seen (only the first two are stored) */
  vlanCount: 44,
  /** u8: 4, 6, or 0 when there is no IP header */
  ipVersion: 45,
  /** u8: IPv4 protocol, or IPv6 next header after the extension headers */
  ipProto: 46,
  /** u8: IPv4 TTL / IPv6 hop limit */
  ipTtl: 47,
  /** u16: outer tag: PCP(3) DEI(1) VID(12) */
  vlanTci0: 48,
  /** u16: inner tag (QinQ) */
  vlanTci1: 50,
  /** u16: IPv4 identification; IPv6: low 16 bits of the fragment header's id */
  ipId: 52,
  /** u16: IPv4 flags+offset word as on the wire; IPv6: offset<<3 | M-flag */
  ipFrag: 54,
  /** u16: IPv4 total length / IPv6 payload length + 40 */
  ipTotalLen: 56,
  /** u8: IPv4 TOS / IPv6 traffic class */
  ipTos: 58,
  /** u8: Linux SLL packet type (PKTTYPE_*), 0xff when the link does not say */
  pktType: 59,
  /** b16: IPv4 in the first 4 bytes, or IPv6; ARP: sender protocol address */
  ipSrc: 60,
  /** b16: IPv4 in the first 4 bytes, or IPv6; ARP: target protocol address */
  ipDst: 76,
  /** u16: TCP/UDP source port */
  sport: 92,
  /** u16: TCP/UDP destination port */
  dport: 94,
  /** u32 */
  tcpSeq: 96,
  /** u32 */
  tcpAck: 100,
  /** u16: the 12 bits after the data offset: FIN=0x001 ... NS=0x100 */
  tcpFlags: 104,
  /** u16: as on the wire, unscaled */
  tcpWindow: 106,
  /** u8: data offset * 4 */
  tcpHdrLen: 108,
  /** u8: ICMP or ICMPv6 type */
  icmpType: 109,
  /** u8 */
  icmpCode: 110,
  /** u8: IPv4 IHL * 4; IPv6: 40 (extension headers are in ipExtLen) */
  ipHdrLen: 111,
  /** u16: echo request/reply identifier */
  icmpId: 112,
  /** u16: echo request/reply sequence number */
  icmpSeq: 114,
  /** u16 */
  arpOp: 116,
  /** u16: UDP length field */
  udpLen: 118,
  /** u16: bytes of IPv6 extension headers between the fixed header and l4 */
  ipExtLen: 120,
  /** u16: offset of the IP fragment header or first IPv6 extension header */
  l3Next: 122,
  /** u8: LAYER_* index (bit number) of the layer where decoding stopped early */
  stopLayer: 124,
  /** u8: IPv4 options length (ipHdrLen - 20) */
  ipOptLen: 125,
  /** u16: pcapng interface id, or the live interface index; IFACE_UNKNOWN when neither */
  iface: 126,
} as const;

/** Storage type of each record field. */
export const FieldType = {
  dataOff: 'u32',
  capLen: 'u32',
  wireLen: 'u32',
  tsSec: 'u32',
  tsNsec: 'u32',
  flags: 'u32',
  layers: 'u32',
  linkType: 'u16',
  l2Off: 'u16',
  l3Off: 'u16',
  l4Off: 'u16',
  payloadOff: 'u16',
  etherType: 'u16',
  payloadLen: 'u32',
  vlanCount: 'u8',
  ipVersion: 'u8',
  ipProto: 'u8',
  ipTtl: 'u8',
  vlanTci0: 'u16',
  vlanTci1: 'u16',
  ipId: 'u16',
  ipFrag: 'u16',
  ipTotalLen: 'u16',
  ipTos: 'u8',
  pktType: 'u8',
  ipSrc: 'b16',
  ipDst: 'b16',
  sport: 'u16',
  dport: 'u16',
  tcpSeq: 'u32',
  tcpAck: 'u32',
  tcpFlags: 'u16',
  tcpWindow: 'u16',
  tcpHdrLen: 'u8',
  icmpType: 'u8',
  icmpCode: 'u8',
  ipHdrLen: 'u8',
  icmpId: 'u16',
  icmpSeq: 'u16',
  arpOp: 'u16',
  udpLen: 'u16',
  ipExtLen: 'u16',
  l3Next: 'u16',
  stopLayer: 'u8',
  ipOptLen: 'u8',
  iface: 'u16',
} as const;

export const RECORD_SIZE = 128;
/** a header was cut by the snap length: decoded up to where bytes ran out */
export const FLAG_TRUNCATED = 0x0001;
/** a header contradicts itself (bad length, bad version): decoding stopped there */
export const FLAG_MALFORMED = 0x0002;
/** IP fragment; l4 decoded only for the first fragment */
export const FLAG_FRAGMENT = 0x0004;
/** IPv4 options present */
export const FLAG_IP_OPTIONS = 0x0008;
/** link type pcap gave is not one this dissector decodes */
export const FLAG_UNKNOWN_LINK = 0x0010;
/** an ICMP/ICMPv6 error quotes the packet that caused it: the quoted IP header starts at payloadOff */
export const FLAG_ICMP_QUOTE = 0x0020;
/** more headers than the dissector follows (VLAN tags, IPv6 extension headers) */
export const FLAG_TOO_DEEP = 0x0040;
export const LAYER_ETHERNET = 0;
export const LAYER_SLL = 1;
export const LAYER_SLL2 = 2;
export const LAYER_LOOPBACK = 3;
export const LAYER_VLAN = 4;
export const LAYER_ARP = 5;
export const LAYER_IPV4 = 6;
export const LAYER_IPV6 = 7;
export const LAYER_IPV6_EXT = 8;
export const LAYER_ICMP = 9;
export const LAYER_ICMPV6 = 10;
export const LAYER_TCP = 11;
export const LAYER_UDP = 12;
export const LAYER_NONE = 31;
export const PKTTYPE_HOST = 0;
export const PKTTYPE_BROADCAST = 1;
export const PKTTYPE_MULTICAST = 2;
export const PKTTYPE_OTHERHOST = 3;
export const PKTTYPE_OUTGOING = 4;
export const PKTTYPE_UNKNOWN = 255;
export const OFFSET_ABSENT = 0xffff;
export const IFACE_UNKNOWN = 0xffff;
/** BSD loopback, address family in host byte order */
export const LINK_NULL = 0;
export const LINK_ETHERNET = 1;
export const LINK_RAW = 12;
export const LINK_RAW_OPENBSD = 14;
export const LINK_RAW_FILE = 101;
/** OpenBSD loopback, address family in network byte order */
export const LINK_LOOP = 108;
export const LINK_LINUX_SLL = 113;
export const LINK_IPV4 = 228;
export const LINK_IPV6 = 229;
export const LINK_LINUX_SLL2 = 276;
export const ETYPE_IPV4 = 0x0800;
export const ETYPE_ARP = 0x0806;
/** 802.1Q tag */
export const ETYPE_VLAN = 0x8100;
export const ETYPE_IPV6 = 0x86dd;
/** 802.1ad service tag */
export const ETYPE_QINQ = 0x88a8;
/** pre-standard QinQ tag */
export const ETYPE_QINQ_OLD = 0x9100;
/** at or below: an 802.3 length, not a type */
export const ETYPE_MAX_LENGTH = 1500;
export const PROTO_HOPOPTS = 0;
export const PROTO_ICMP = 1;
export const PROTO_IPIP = 4;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_IPV6 = 41;
export const PROTO_ROUTING = 43;
export const PROTO_FRAGMENT = 44;
export const PROTO_ESP = 50;
export const PROTO_AH = 51;
export const PROTO_ICMPV6 = 58;
export const PROTO_NONE = 59;
export const PROTO_DSTOPTS = 60;
export const TCP_FIN = 0x001;
export const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
export const TCP_PSH = 0x008;
export const TCP_ACK = 0x010;
export const TCP_URG = 0x020;
export const TCP_ECE = 0x040;
export const TCP_CWR = 0x080;
export const TCP_NS = 0x100;
