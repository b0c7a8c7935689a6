// ICMPv6, RFC 4443: echo request/reply are 128/129, and the error messages
// (types below 128) quote the offending IPv6 packet. Neighbour discovery
// (RFC 4861) options are left to the JS layers.
#include "icmp_shape.h"

namespace pktkit {

namespace {

struct Icmpv6 {
  static constexpr u32 kLayer = rec::LAYER_ICMPV6;
  static bool is_echo(u8 type) { return type == 128 || type == 129; }
  // Destination unreachable, packet too big, time exceeded, parameter problem.
  static bool is_error(u8 type) { return type >= 1 && type <= 4; }
};

}  // namespace

void dissect_icmpv6(Cursor& cur, u32 off, u32 avail) { dissect_icmp_shape<Icmpv6>(cur, off, avail); }

}  // namespace pktkit
