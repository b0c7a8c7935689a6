// ICMP (RFC 792) and ICMPv6 (RFC 4443) messages have one shape: type(1)
// code(1) checksum(2), then a word whose meaning depends on the type (echo:
// identifier(2) sequence(2)); error messages then quote the packet that caused
// them. The record keeps describing the outer packet and points payloadOff at
// the quote. `Protocol` names the layer and which types are echoes and errors;
// a template, so the per-packet path makes no indirect call.
#pragma once

#include "decoders.h"

namespace pktkit {

constexpr u32 kIcmpHeaderLen = 8;

template <typename Protocol>
void dissect_icmp_shape(Cursor& cur, u32 off, u32 avail) {
  u8* r = cur.rec();
  if (!set_offset(cur, rec::l4Off, off, Protocol::kLayer)) return;
  if (avail < kIcmpHeaderLen) {
    cur.stop(rec::FLAG_MALFORMED, Protocol::kLayer);
    return;
  }
  if (!cur.need(off, kIcmpHeaderLen, Protocol::kLayer)) return;
  const u8 type = cur.get8(off);
  rec::put8(r, rec::icmpType, type);
  rec::put8(r, rec::icmpCode, cur.get8(off + 1));
  if (Protocol::is_echo(type)) {
    rec::put16(r, rec::icmpId, cur.be16(off + 4));
    rec::put16(r, rec::icmpSeq, cur.be16(off + 6));
  }
  if (Protocol::is_error(type)) cur.flag(rec::FLAG_ICMP_QUOTE);
  cur.add_layer(Protocol::kLayer);
  set_payload(cur, off + kIcmpHeaderLen, avail - kIcmpHeaderLen, Protocol::kLayer);
}

}  // namespace pktkit
