// ICMP, RFC 792: echo request/reply carry an identifier and sequence number;
// the error messages quote the IP header and first bytes of the datagram that
// caused them.
#include "icmp_shape.h"

namespace pktkit {

namespace {

struct Icmp {
  static constexpr u32 kLayer = rec::LAYER_ICMP;
  static bool is_echo(u8 type) { return type == 0 || type == 8; }  // reply, request
  // Destination unreachable, source quench, redirect, time exceeded, parameter problem.
  static bool is_error(u8 type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }
};

}  // namespace

void dissect_icmp(Cursor& cur, u32 off, u32 avail) { dissect_icmp_shape<Icmp>(cur, off, avail); }

}  // namespace pktkit
