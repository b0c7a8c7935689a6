// Link-layer headers: Ethernet II (IEEE 802.3 framing), Linux "cooked" capture
// v1 and v2 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and
// LINKTYPE_LINUX_SLL2.html), BSD loopback (DLT_NULL / DLT_LOOP), and raw IP.
// Each finds the EtherType of what it carries and hands over to dissect_ethertype().
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kEthernetLen = 14;  // dst(6) src(6) type(2)
constexpr u32 kSllLen = 16;       // pkttype(2) arphrd(2) addrlen(2) addr(8) protocol(2)
constexpr u32 kSll2Len = 20;      // protocol(2) reserved(2) ifindex(4) arphrd(2) pkttype(1) addrlen(1) addr(8)
constexpr u32 kLoopbackLen = 4;   // address family

// The link header decoded: record it and whatever it carries is payload until
// a later header says otherwise.
bool finish_link(Cursor& cur, u32 layer, u32 header_len, u16 ether_type) {
  if (!set_offset(cur, rec::l2Off, 0, layer)) return false;
  cur.add_layer(layer);
  rec::put16(cur.rec(), rec::etherType, ether_type);
  return set_payload(cur, header_len, cur.wirelen() - header_len, layer);
}

}  // namespace

void dissect_ethernet(Cursor& cur) {
  const auto h = cur.header<kEthernetLen>(0, rec::LAYER_ETHERNET);
  if (!h) return;
  const u16 type = h.be16<12>();
  if (!finish_link(cur, rec::LAYER_ETHERNET, kEthernetLen, type)) return;
  dissect_ethertype(cur, kEthernetLen, type);
}

void dissect_sll(Cursor& cur) {
  if (!cur.need(0, kSllLen, rec::LAYER_SLL)) return;
  const u16 pkttype = cur.be16(0);
  const u16 protocol = cur.be16(14);
  if (!finish_link(cur, rec::LAYER_SLL, kSllLen, protocol)) return;
  // The field is 16 bits wide but Linux only defines 0..7.
  rec::put8(cur.rec(), rec::pktType, pkttype > 0xfe ? rec::PKTTYPE_UNKNOWN : static_cast<u8>(pkttype));
  dissect_ethertype(cur, kSllLen, protocol);
}

void dissect_sll2(Cursor& cur) {
  if (!cur.need(0, kSll2Len, rec::LAYER_SLL2)) return;
  const u16 protocol = cur.be16(0);
  if (!finish_link(cur, rec::LAYER_SLL2, kSll2Len, protocol)) return;
  rec::put8(cur.rec(), rec::pktType, cur.get8(10));
  dissect_ethertype(cur, kSll2Len, protocol);
}

void dissect_loopback(Cursor& cur, bool network_order) {
  if (!cur.need(0, kLoopbackLen, rec::LAYER_LOOPBACK)) return;
  u32 family = network_order ? cur.be32(0) : cur.le32(0);
  // DLT_NULL stores the family in the byte order of the host that captured,
  // which need not be ours; a value with its high half set cannot be a family,
  // so it must have come from the other byte order.
  if (!network_order && (family & 0xffff0000u) != 0) family = cur.be32(0);
  u16 type = 0;
  switch (family) {
    case 2: type = kEtherTypeIPv4; break;   // AF_INET everywhere
    case 10:                                // AF_INET6: Linux
    case 24:                                // NetBSD, OpenBSD, BSD/OS
    case 28:                                // FreeBSD, DragonFly
    case 30: type = kEtherTypeIPv6; break;  // macOS
    default: break;
  }
  if (!finish_link(cur, rec::LAYER_LOOPBACK, kLoopbackLen, type)) return;
  if (type != 0) dissect_l3(cur, kLoopbackLen, type);
}

void dissect_raw_ip(Cursor& cur, u8 only_version) {
  // No link header: the IP version nibble is all there is to go on.
  u8 version = only_version;
  if (version == 0) {
    if (!cur.need(0, 1, rec::LAYER_IPV4)) return;
    version = cur.get8(0) >> 4;
  }
  if (version == 6) {
    rec::put16(cur.rec(), rec::etherType, kEtherTypeIPv6);
    dissect_ipv6(cur, 0);
  } else {
    // Anything else is handed to IPv4, whose version check reports it.
    if (version == 4) rec::put16(cur.rec(), rec::etherType, kEtherTypeIPv4);
    dissect_ipv4(cur, 0);
  }
}

}  // namespace pktkit
