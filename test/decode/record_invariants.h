// What any record from dissect_packet() must satisfy, whatever the bytes were. Shared by the
// mutation harness (dissect_harness.cc) and the libFuzzer target (dissect_fuzz.cc).
#pragma once

#include <cstdint>

#include "../../native/record.h"

namespace pktkit {

// The link types the fuzzers hand the dissector: every one it decodes, and one it does not.
inline constexpr int kFuzzLinkTypes[] = {0, 1, 12, 101, 108, 113, 228, 229, 276, 147 /* unknown */};

// nullptr when the record holds, else what it breaks.
inline const char* check_invariants(const u8* r, u32 caplen, u32 wirelen, int linktype) {
  const u32 flags = rec::get32(r, rec::flags);
  const u32 layers = rec::get32(r, rec::layers);
  const u32 stop = r[rec::stopLayer];
  const u32 stops = rec::FLAG_TRUNCATED | rec::FLAG_MALFORMED | rec::FLAG_TOO_DEEP;
  if (rec::get32(r, rec::capLen) != caplen || rec::get32(r, rec::wireLen) != wirelen ||
      rec::get16(r, rec::linkType) != static_cast<u16>(linktype))
    return "capLen/wireLen/linkType not copied";
  // TRUNCATED without stopLayer means a decoder read without asking need()
  // first and only the Cursor's backstop saved it.
  if ((flags & stops) != 0 && stop == rec::LAYER_NONE) return "stopped without stopLayer";
  if ((flags & stops) == 0 && stop != rec::LAYER_NONE) return "stopLayer without a reason";
  if (layers >> (rec::LAYER_UDP + 1) != 0) return "a layer bit that names no layer";
  const u32 ip = rec::layer_bit(rec::LAYER_IPV4) | rec::layer_bit(rec::LAYER_IPV6);
  if ((layers & ip) == ip) return "both IPv4 and IPv6";
  const u32 transport = rec::layer_bit(rec::LAYER_TCP) | rec::layer_bit(rec::LAYER_UDP) |
                        rec::layer_bit(rec::LAYER_ICMP) | rec::layer_bit(rec::LAYER_ICMPV6);
  if ((layers & transport) != 0 && (layers & ip) == 0) return "a transport header without IP";
  const u32 offs[] = {rec::l2Off, rec::l3Off, rec::l4Off, rec::payloadOff};
  u32 prev = 0;
  for (u32 f : offs) {
    const u32 v = rec::get16(r, f);
    if (v == rec::OFFSET_ABSENT) continue;
    if (v > caplen) return "offset past caplen";
    if (v < prev) return "offsets out of order";
    prev = v;
  }
  const u32 pay = rec::get16(r, rec::payloadOff);
  const u32 wire = wirelen < caplen ? caplen : wirelen;
  if (pay != rec::OFFSET_ABSENT && !(flags & rec::FLAG_FRAGMENT) &&
      static_cast<uint64_t>(pay) + rec::get32(r, rec::payloadLen) > wire)
    return "payload past the wire length";
  if ((flags & rec::FLAG_UNKNOWN_LINK) && layers != 0) return "decoded an unknown link";
  if (r[rec::vlanCount] > 8) return "vlanCount above the limit";
  return nullptr;
}

}  // namespace pktkit
