// The dissector's entry point and its two dispatch points (EtherType → L3, IP
// protocol → L4). The protocol decoders live one per file next to this one.
#include "dissect.h"

#include "decoders.h"

namespace pktkit {

// Link types as pcap reports them (pcap/dlt.h), defined once in record.def.
// LINKTYPE_RAW (101) is what a pcap file stores for DLT_RAW, which is 12 in memory on Linux.
constexpr int kDltNull = rec::LINK_NULL;
constexpr int kDltEn10mb = rec::LINK_ETHERNET;
constexpr int kDltRaw = rec::LINK_RAW;
constexpr int kLinktypeRaw = rec::LINK_RAW_FILE;
constexpr int kDltLoop = rec::LINK_LOOP;
constexpr int kDltLinuxSll = rec::LINK_LINUX_SLL;
constexpr int kDltIpv4 = rec::LINK_IPV4;
constexpr int kDltIpv6 = rec::LINK_IPV6;
constexpr int kDltLinuxSll2 = rec::LINK_LINUX_SLL2;

bool set_offset(Cursor& cur, u32 field, u32 value, u32 layer) {
  if (value >= rec::OFFSET_ABSENT) {
    cur.stop(rec::FLAG_MALFORMED, layer);
    return false;
  }
  rec::put16(cur.rec(), field, static_cast<u16>(value));
  return true;
}

bool set_payload(Cursor& cur, u32 off, u32 len, u32 layer) {
  if (!set_offset(cur, rec::payloadOff, off, layer)) return false;
  rec::put32(cur.rec(), rec::payloadLen, len);
  return true;
}

void dissect_l3(Cursor& cur, u32 off, u16 ether_type) {
  switch (ether_type) {
    case kEtherTypeIPv4: dissect_ipv4(cur, off); break;
    case kEtherTypeIPv6: dissect_ipv6(cur, off); break;
    case kEtherTypeARP: dissect_arp(cur, off); break;
    default: break;  // not ours to decode: payload stays after the link header
  }
}

void dissect_l4(Cursor& cur, u32 off, u32 avail, u8 proto, bool fragment) {
  switch (proto) {
    case kProtoTCP: dissect_tcp(cur, off, avail, fragment); break;
    case kProtoUDP: dissect_udp(cur, off, avail, fragment); break;
    case kProtoICMP: dissect_icmp(cur, off, avail); break;
    case kProtoICMPv6: dissect_icmpv6(cur, off, avail); break;
    default: break;
  }
}

namespace {

// The record before anything is known: zeros, every offset absent, no layer found. Every packet
// starts from a copy of it. GCC turns a memset of the record into `rep stos`, whose start-up cost
// on Intel cores without fast short `rep stos` was two thirds of dissect_packet()'s own samples
// (perf annotate on a Sapphire Rapids-class Xeon under KVM; the whole dissector ran 16-24% faster on
// the mix without it); a copy of a constant compiles to a few vector stores.
struct EmptyRecord {
  u8 bytes[rec::RECORD_SIZE];
};

constexpr EmptyRecord make_empty_record() {
  static_assert(rec::OFFSET_ABSENT == 0xffff, "an absent offset is all ones, the same in either byte order");
  EmptyRecord r{};
  constexpr u32 kOffsets[] = {rec::l2Off, rec::l3Off, rec::l4Off, rec::payloadOff, rec::l3Next};
  for (u32 off : kOffsets) {
    r.bytes[off] = 0xff;
    r.bytes[off + 1] = 0xff;
  }
  r.bytes[rec::pktType] = rec::PKTTYPE_UNKNOWN;
  r.bytes[rec::stopLayer] = rec::LAYER_NONE;
  return r;
}

constexpr EmptyRecord kEmptyRecord = make_empty_record();

}  // namespace

void start_record(u32 caplen, u32 wirelen, int linktype, u8* rec) {
  std::memcpy(rec, kEmptyRecord.bytes, rec::RECORD_SIZE);
  rec::put32(rec, rec::capLen, caplen);
  rec::put32(rec, rec::wireLen, wirelen);
  rec::put16(rec, rec::linkType, static_cast<u16>(linktype));
}

// Flattened: every decoder is inlined into this one function (across files, with the link-time
// optimisation binding.gyp asks for), so the Cursor stays in registers. Passed by reference to
// decoders that were calls of their own, it lived in memory, and every write into the record
// (bytes, which may alias anything) made the compiler load its fields again. About a fifth faster
// on the mix in the addon's dissectLoop.
__attribute__((flatten)) void dissect_packet(const u8* data, u32 caplen, u32 wirelen, int linktype, u8* rec) {
  start_record(caplen, wirelen, linktype, rec);

  Cursor cur(data, caplen, wirelen, rec);
  switch (linktype) {
    case kDltEn10mb: dissect_ethernet(cur); break;
    case kDltLinuxSll: dissect_sll(cur); break;
    case kDltLinuxSll2: dissect_sll2(cur); break;
    case kDltRaw:
    case kLinktypeRaw: dissect_raw_ip(cur, 0); break;
    case kDltIpv4: dissect_raw_ip(cur, 4); break;
    case kDltIpv6: dissect_raw_ip(cur, 6); break;
    case kDltNull: dissect_loopback(cur, false); break;
    case kDltLoop: dissect_loopback(cur, true); break;
    default: cur.flag(rec::FLAG_UNKNOWN_LINK); break;
  }
}

}  // namespace pktkit
