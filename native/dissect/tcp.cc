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
  if (!cur.need(off, kTcpFixedLen, rec::LAYER_TCP)) return;
  // data offset(4) reserved(3) NS/AE(1) | CWR ECE URG ACK PSH RST SYN FIN
  const u16 off_flags = cur.be16(off + 12);
  const u32 hdr_len = (off_flags >> 12) * 4u;
  rec::put16(r, rec::sport, cur.be16(off));
  rec::put16(r, rec::dport, cur.be16(off + 2));
  rec::put32(r, rec::tcpSeq, cur.be32(off + 4));
  rec::put32(r, rec::tcpAck, cur.be32(off + 8));
  rec::put16(r, rec::tcpFlags, off_flags & 0x0fff);
  rec::put16(r, rec::tcpWindow, cur.be16(off + 14));
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
