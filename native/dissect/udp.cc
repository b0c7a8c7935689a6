// UDP, RFC 768: sport(2) dport(2) length(2) checksum(2). The length covers
// header and data; it is what bounds the payload, not the IP length (which
// may carry padding) and not caplen.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kUdpHeaderLen = 8;

}  // namespace

void dissect_udp(Cursor& cur, u32 off, u32 avail, bool fragment) {
  u8* r = cur.rec();
  // A first fragment shorter than the header: the header continues elsewhere.
  if (avail < kUdpHeaderLen && fragment) return;
  if (!set_offset(cur, rec::l4Off, off, rec::LAYER_UDP)) return;
  if (avail < kUdpHeaderLen) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_UDP);
    return;
  }
  const auto h = cur.header<kUdpHeaderLen>(off, rec::LAYER_UDP);
  if (!h) return;
  const u16 sport = h.be16<0>();
  const u16 dport = h.be16<2>();
  const u16 udp_len = h.be16<4>();
  rec::put16(r, rec::sport, sport);
  rec::put16(r, rec::dport, dport);
  rec::put16(r, rec::udpLen, udp_len);
  cur.add_layer(rec::LAYER_UDP);
  // A first fragment carries only part of the datagram its length describes.
  if (udp_len < kUdpHeaderLen || (udp_len > avail && !fragment)) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_UDP);
    return;
  }
  set_payload(cur, off + kUdpHeaderLen, udp_len - kUdpHeaderLen, rec::LAYER_UDP);
}

}  // namespace pktkit
