// IPv6, RFC 8200: a 40-byte fixed header, then a chain of extension headers
// (hop-by-hop options, routing, fragment, destination options; AH from RFC
// 4302) each naming the next, until an upper-layer protocol. ESP (RFC 4303)
// encrypts everything after it, and 59 says nothing follows.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kIpv6FixedLen = 40;
constexpr u32 kMaxExtHeaders = 16;
constexpr u32 kFragmentHeaderLen = 8;

constexpr u8 kHopByHop = rec::PROTO_HOPOPTS;
constexpr u8 kRouting = rec::PROTO_ROUTING;
constexpr u8 kFragment = rec::PROTO_FRAGMENT;
constexpr u8 kEsp = rec::PROTO_ESP;
constexpr u8 kAh = rec::PROTO_AH;
constexpr u8 kNoNextHeader = rec::PROTO_NONE;
constexpr u8 kDestinationOptions = rec::PROTO_DSTOPTS;

// Headers this decoder steps over. ESP is not one of them: it cannot be
// stepped over, since its length is only known after decryption.
bool is_extension_header(u8 next) {
  switch (next) {
    case kHopByHop:
    case kRouting:
    case kFragment:
    case kAh:
    case kDestinationOptions: return true;
    default: return false;
  }
}

}  // namespace

void dissect_ipv6(Cursor& cur, u32 off) {
  u8* r = cur.rec();
  if (!set_offset(cur, rec::l3Off, off, rec::LAYER_IPV6)) return;
  if (!cur.need(off, 1, rec::LAYER_IPV6)) return;
  if (cur.get8(off) >> 4 != 6) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV6);
    return;
  }
  const auto h = cur.header<kIpv6FixedLen>(off, rec::LAYER_IPV6);
  if (!h) return;

  // version(4) traffic class(8) flow label(20) | payload length(2) next header(1) hop limit(1) |
  // source(16) | destination(16)
  const u32 vtcfl = h.be32<0>();
  u32 payload_len = h.be16<4>();
  u8 next = h.get8<6>();
  const u8 hop_limit = h.get8<7>();
  rec::put8(r, rec::ipVersion, 6);
  rec::put8(r, rec::ipTos, static_cast<u8>(vtcfl >> 20));
  rec::put8(r, rec::ipTtl, hop_limit);
  rec::put8(r, rec::ipProto, next);
  rec::put8(r, rec::ipHdrLen, kIpv6FixedLen);
  // 40 + 65535 does not fit the u16; such a packet saturates it.
  const u32 total = kIpv6FixedLen + payload_len;
  rec::put16(r, rec::ipTotalLen, static_cast<u16>(total > 0xffff ? 0xffff : total));
  rec::put_bytes(r, rec::ipSrc, h.span<8, 16>(), 16);
  rec::put_bytes(r, rec::ipDst, h.span<24, 16>(), 16);
  cur.add_layer(rec::LAYER_IPV6);

  const u32 on_wire = cur.wirelen() - off - kIpv6FixedLen;  // off + 40 <= caplen <= wirelen
  // 0 is a jumbogram (RFC 2675) or a segmentation-offload capture: either way
  // the packet is what the wire carried.
  if (payload_len == 0) payload_len = on_wire;
  if (payload_len > on_wire) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV6);
    return;
  }
  const u32 start = off + kIpv6FixedLen;
  const u32 end = start + payload_len;  // <= wirelen: no overflow
  if (!set_payload(cur, start, payload_len, rec::LAYER_IPV6)) return;

  u32 pos = start;
  u32 count = 0;
  bool fragment = false;
  while (is_extension_header(next)) {
    if (count == kMaxExtHeaders) {
      cur.stop(rec::FLAG_TOO_DEEP, rec::LAYER_IPV6_EXT);
      return;
    }
    if (count == 0 && !set_offset(cur, rec::l3Next, pos, rec::LAYER_IPV6_EXT)) return;
    // Every extension header starts with next-header(1) and, except the
    // fragment header, a length(1) in 8-byte units (AH: 4-byte units, minus 2).
    if (end - pos < 2) {
      cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV6_EXT);
      return;
    }
    if (!cur.need(pos, 2, rec::LAYER_IPV6_EXT)) return;
    const u8 this_header = next;
    next = cur.get8(pos);
    const u32 size_field = cur.get8(pos + 1);
    const u32 len = this_header == kFragment ? kFragmentHeaderLen
                    : this_header == kAh     ? (size_field + 2) * 4
                                             : (size_field + 1) * 8;
    if (len > end - pos) {
      cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV6_EXT);
      return;
    }
    if (!cur.need(pos, len, rec::LAYER_IPV6_EXT)) return;
    bool later_fragment = false;
    if (this_header == kFragment) {
      // offset(13) res(2) M(1), then the 32-bit identification
      const u16 off_flags = cur.be16(pos + 2);
      rec::put16(r, rec::ipFrag, static_cast<u16>((off_flags & 0xfff8) | (off_flags & 1)));
      rec::put16(r, rec::ipId, static_cast<u16>(cur.be32(pos + 4)));
      cur.flag(rec::FLAG_FRAGMENT);
      fragment = true;
      later_fragment = (off_flags & 0xfff8) != 0;
    }
    ++count;
    pos += len;
    rec::put16(r, rec::ipExtLen, static_cast<u16>(pos - start));
    rec::put8(r, rec::ipProto, next);
    cur.add_layer(rec::LAYER_IPV6_EXT);
    if (!set_payload(cur, pos, end - pos, rec::LAYER_IPV6_EXT)) return;
    // What follows a non-first fragment's header is the middle of some other header.
    if (later_fragment) return;
  }

  // ESP: encrypted from here on; 59: nothing follows (RFC 8200 section 4.7).
  if (next == kEsp || next == kNoNextHeader) return;
  dissect_l4(cur, pos, end - pos, next, fragment);
}

}  // namespace pktkit
