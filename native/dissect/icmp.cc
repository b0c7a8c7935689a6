// ICMP, RFC 792. Every message starts type(1) code(1) checksum(2) and 4 bytes
// whose meaning depends on the type (echo: identifier(2) sequence(2)). Error
// messages then quote the IP header and first bytes of the datagram that caused
// them; the record keeps describing the outer packet and points payloadOff at
// the quote.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kIcmpHeaderLen = 8;

bool is_echo(u8 type) { return type == 0 || type == 8; }  // reply, request

// Destination unreachable, source quench, redirect, time exceeded, parameter problem.
bool is_error(u8 type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }

}  // namespace

void dissect_icmp(Cursor& cur, u32 off, u32 avail) {
  u8* r = cur.rec();
  if (!set_offset(cur, rec::l4Off, off, rec::LAYER_ICMP)) return;
  if (avail < kIcmpHeaderLen) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_ICMP);
    return;
  }
  if (!cur.need(off, kIcmpHeaderLen, rec::LAYER_ICMP)) return;
  const u8 type = cur.get8(off);
  rec::put8(r, rec::icmpType, type);
  rec::put8(r, rec::icmpCode, cur.get8(off + 1));
  if (is_echo(type)) {
    rec::put16(r, rec::icmpId, cur.be16(off + 4));
    rec::put16(r, rec::icmpSeq, cur.be16(off + 6));
  }
  if (is_error(type)) cur.flag(rec::FLAG_ICMP_QUOTE);
  cur.add_layer(rec::LAYER_ICMP);
  set_payload(cur, off + kIcmpHeaderLen, avail - kIcmpHeaderLen, rec::LAYER_ICMP);
}

}  // namespace pktkit
