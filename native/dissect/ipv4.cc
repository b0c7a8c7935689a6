// IPv4, RFC 791. A 20-byte fixed header, then IHL*4 - 20 bytes of options.
// The total length, not caplen, bounds what follows: Ethernet pads short
// frames to 60 bytes and that padding belongs to no protocol.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kIpv4FixedLen = 20;
constexpr u16 kMoreFragments = 0x2000;
constexpr u16 kOffsetMask = 0x1fff;

}  // namespace

void dissect_ipv4(Cursor& cur, u32 off) {
  u8* r = cur.rec();
  if (!set_offset(cur, rec::l3Off, off, rec::LAYER_IPV4)) return;
  if (!cur.need(off, 1, rec::LAYER_IPV4)) return;
  const u8 vihl = cur.get8(off);
  if (vihl >> 4 != 4) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV4);
    return;
  }
  const u32 hdr_len = (vihl & 0x0fu) * 4;
  if (hdr_len < kIpv4FixedLen) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV4);
    return;
  }
  const auto h = cur.header<kIpv4FixedLen>(off, rec::LAYER_IPV4);
  if (!h) return;

  // version/IHL(1) TOS(1) total length(2) | id(2) flags/fragment offset(2) | TTL(1) protocol(1)
  // checksum(2) | source(4) | destination(4)
  u32 total_len = h.be16<2>();
  const u8 tos = h.get8<1>();
  const u16 id = h.be16<4>();
  const u16 frag = h.be16<6>();
  const u8 ttl = h.get8<8>();
  const u8 proto = h.get8<9>();
  const u32 src = h.raw32<12>();
  const u32 dst = h.raw32<16>();
  rec::put8(r, rec::ipVersion, 4);
  rec::put8(r, rec::ipTos, tos);
  rec::put16(r, rec::ipTotalLen, static_cast<u16>(total_len));
  rec::put16(r, rec::ipId, id);
  rec::put16(r, rec::ipFrag, frag);
  rec::put8(r, rec::ipTtl, ttl);
  rec::put8(r, rec::ipProto, proto);
  rec::put8(r, rec::ipHdrLen, static_cast<u8>(hdr_len));
  rec::put32(r, rec::ipSrc, src);  // the address's bytes in packet order, as copied
  rec::put32(r, rec::ipDst, dst);
  cur.add_layer(rec::LAYER_IPV4);
  if (hdr_len > kIpv4FixedLen) {
    cur.flag(rec::FLAG_IP_OPTIONS);
    rec::put8(r, rec::ipOptLen, static_cast<u8>(hdr_len - kIpv4FixedLen));
  }
  const bool fragment = (frag & (kMoreFragments | kOffsetMask)) != 0;
  if (fragment) cur.flag(rec::FLAG_FRAGMENT);

  const u32 on_wire = cur.wirelen() - off;  // off < caplen <= wirelen here
  // A total length of 0 is what TCP segmentation offload leaves in packets
  // captured on their way out; the datagram is then whatever the wire carried
  // (Wireshark makes the same guess).
  if (total_len == 0) total_len = on_wire;
  if (total_len < hdr_len || total_len > on_wire) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_IPV4);
    return;
  }
  if (!cur.need(off, hdr_len, rec::LAYER_IPV4)) return;

  const u32 l4 = off + hdr_len;
  const u32 l4_len = total_len - hdr_len;
  if (!set_payload(cur, l4, l4_len, rec::LAYER_IPV4)) return;
  // Later fragments start in the middle of the L4 data, so there is no header to read.
  if ((frag & kOffsetMask) != 0) return;
  dissect_l4(cur, l4, l4_len, proto, fragment);
}

}  // namespace pktkit
