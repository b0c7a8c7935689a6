// Internal declarations shared by the protocol files of the dissector. Each
// decoder takes the Cursor (which also owns the record being filled) and the
// offset of its header, decodes what it can, and hands the rest on by a plain
// function call chosen in a switch: no tables of function pointers, no virtual
// dispatch, nothing allocated.
//
// Conventions every decoder follows:
// - An offset field (l2Off ... payloadOff) is written through set_offset(),
//   which refuses offsets that do not fit in the record's u16 (MALFORMED).
// - A layer's bit goes into `layers` once its fixed header has been read.
// - set_payload() is called after each header that decodes completely, so when
//   a later header fails, payloadOff/payloadLen still describe what followed the
//   last good one.
// - `avail` arguments are what the enclosing header declares follows it (so
//   Ethernet padding after an IP datagram is never mistaken for payload); it may
//   exceed what was captured.
#pragma once

#include "extract.h"

namespace pktkit {

// EtherTypes and IP protocol numbers the dissector follows.
// (Values defined once in record.def, which TypeScript shares.)
constexpr u16 kEtherTypeIPv4 = rec::ETYPE_IPV4;
constexpr u16 kEtherTypeARP = rec::ETYPE_ARP;
constexpr u16 kEtherTypeIPv6 = rec::ETYPE_IPV6;
constexpr u16 kEtherTypeMaxLength = rec::ETYPE_MAX_LENGTH;  // at or below: an 802.3 length, not a type
constexpr u8 kProtoICMP = rec::PROTO_ICMP;
constexpr u8 kProtoTCP = rec::PROTO_TCP;
constexpr u8 kProtoUDP = rec::PROTO_UDP;
constexpr u8 kProtoICMPv6 = rec::PROTO_ICMPV6;

// Writes an offset field, or marks the record MALFORMED at `layer` and returns
// false when the value would not fit in the u16 (0xffff itself means absent).
bool set_offset(Cursor& cur, u32 field, u32 value, u32 layer);
// payloadOff = off, payloadLen = len (see the conventions above); like
// set_offset(), false (and MALFORMED at `layer`) when off does not fit.
bool set_payload(Cursor& cur, u32 off, u32 len, u32 layer);

// Link layers (link.cc). Each decodes its header and continues with dissect_ethertype().
void dissect_ethernet(Cursor& cur);
void dissect_sll(Cursor& cur);
void dissect_sll2(Cursor& cur);
void dissect_loopback(Cursor& cur, bool network_order);
// DLT_RAW / DLT_IPV4 / DLT_IPV6: `only_version` is 4 or 6 to insist on one, 0 to read the version.
void dissect_raw_ip(Cursor& cur, u8 only_version);

// What follows a link header or a VLAN tag: walks 802.1Q/802.1ad tags (vlan.cc),
// then the L3 header named by the final EtherType.
void dissect_ethertype(Cursor& cur, u32 off, u16 ether_type);
// Dispatches on an EtherType once the VLAN tags are behind (dissect.cc).
void dissect_l3(Cursor& cur, u32 off, u16 ether_type);

void dissect_arp(Cursor& cur, u32 off);
void dissect_ipv4(Cursor& cur, u32 off);
void dissect_ipv6(Cursor& cur, u32 off);

// Dispatches on an IP protocol number (dissect.cc); `avail` is the IP payload length.
void dissect_l4(Cursor& cur, u32 off, u32 avail, u8 proto, bool fragment);

void dissect_icmp(Cursor& cur, u32 off, u32 avail);
void dissect_icmpv6(Cursor& cur, u32 off, u32 avail);
// `fragment`: the first fragment of a fragmented datagram, whose L4 lengths may
// legitimately exceed the bytes this fragment carries.
void dissect_tcp(Cursor& cur, u32 off, u32 avail, bool fragment);
void dissect_udp(Cursor& cur, u32 off, u32 avail, bool fragment);

}  // namespace pktkit
