// ICMPv6, RFC 4443. The same first 8 bytes as ICMP (type, code, checksum, and a
// type-specific word); echo request/reply are 128/129 and the error messages
// (types below 128) quote the offending IPv6 packet after those 8 bytes.
// Neighbour discovery (RFC 4861) options are left to the JS layers.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kIcmpv6HeaderLen = 8;

bool is_echo(u8 type) { return type == 128 || type == 129; }

// Destination unreachable, packet too big, time exceeded, parameter problem.
bool is_error(u8 type) { return type >= 1 && type <= 4; }

}  // namespace

void dissect_icmpv6(Cursor& cur, u32 off, u32 avail) {
  u8* r = cur.rec();
  if (!set_offset(cur, rec::l4Off, off, rec::LAYER_ICMPV6)) return;
  if (avail < kIcmpv6HeaderLen) {
    cur.stop(rec::FLAG_MALFORMED, rec::LAYER_ICMPV6);
    return;
  }
  if (!cur.need(off, kIcmpv6HeaderLen, rec::LAYER_ICMPV6)) return;
  const u8 type = cur.get8(off);
  rec::put8(r, rec::icmpType, type);
  rec::put8(r, rec::icmpCode, cur.get8(off + 1));
  if (is_echo(type)) {
    rec::put16(r, rec::icmpId, cur.be16(off + 4));
    rec::put16(r, rec::icmpSeq, cur.be16(off + 6));
  }
  if (is_error(type)) cur.flag(rec::FLAG_ICMP_QUOTE);
  cur.add_layer(rec::LAYER_ICMPV6);
  set_payload(cur, off + kIcmpv6HeaderLen, avail - kIcmpv6HeaderLen, rec::LAYER_ICMPV6);
}

}  // namespace pktkit
