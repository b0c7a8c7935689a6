// TCP, RFC 9293. A 20-byte fixed header, then options up to data offset * 4.
// Options stay in the packet bytes (the JS layer parses them on demand); the
// header is only complete once all of it was captured, but the payload is
// located from the data offset alone.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kTcpFixedLen = 20;

}  // namespace

void dissect_tcp(Cursor& cur, u32 off, u32 avail, bool fragment) {
  u8* r = cur.rec();
  // A first fragment this short splits the header itself (RFC 1858's tiny
  // fragment): the rest is in another packet, so there is nothing to decode.
  if (avail < kTcpFixedLen && fragment) return;
  if (!set_offset(cur, rec::l4Off, off, rec::LAYER_TCP)) return;
  if (avail < kTcpFixedLen) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_TCP);
    return;
  }
  const auto h = cur.header<kTcpFixedLen>(off, rec::LAYER_TCP);
  if (!h) return;
  const u16 sport = h.be16<0>();
  const u16 dport = h.be16<2>();
  const u32 seq = h.be32<4>();
  const u32 ack = h.be32<8>();
  // data offset(4) reserved(3) NS/AE(1) | CWR ECE URG ACK PSH RST SYN FIN
  const u16 off_flags = h.be16<12>();
  const u16 window = h.be16<14>();
  const u32 hdr_len = (off_flags >> 12) * 4u;
  rec::put16(r, rec::sport, sport);
  rec::put16(r, rec::dport, dport);
  rec::put32(r, rec::tcpSeq, seq);
  rec::put32(r, rec::tcpAck, ack);
  rec::put16(r, rec::tcpFlags, off_flags & 0x0fff);
  rec::put16(r, rec::tcpWindow, window);
  rec::put8(r, rec::tcpHdrLen, static_cast<u8>(hdr_len));
  cur.add_layer(rec::LAYER_TCP);
  if (hdr_len < kTcpFixedLen) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_TCP);
    return;
  }
  if (hdr_len > avail) {
    // In a first fragment the options may continue in the next one.
    if (!fragment) cur.stop(rec::FLAG_MALFORMED, rec::LAYER_TCP);
    return;
  }
  // When the snap length cut the options, the payload is still placed after
  // the header (clamped to what was captured, so it is empty): otherwise
  // `payload` would hand the TCP header's own bytes to a reader who also sees `tcp`.
  const u32 payload_off = off + hdr_len < cur.caplen() ? off + hdr_len : cur.caplen();
  if (!set_payload(cur, payload_off, avail - hdr_len, rec::LAYER_TCP)) return;
  cur.need(off, hdr_len, rec::LAYER_TCP);
}

}  // namespace pktkit
