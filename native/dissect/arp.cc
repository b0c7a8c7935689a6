// ARP, RFC 826. The fixed part is htype(2) ptype(2) hlen(1) plen(1) op(2),
// followed by sender and target hardware/protocol addresses of the declared
// sizes. Only Ethernet/IPv4 ARP has addresses the record can hold.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kArpFixedLen = 8;
constexpr u16 kHtypeEthernet = 1;

}  // namespace

void dissect_arp(Cursor& cur, u32 off) {
  u8* r = cur.rec();
  if (!set_offset(cur, rec::l3Off, off, rec::LAYER_ARP)) return;
  if (!cur.need(off, kArpFixedLen, rec::LAYER_ARP)) return;
  const u16 htype = cur.be16(off);
  const u16 ptype = cur.be16(off + 2);
  const u8 hlen = cur.get8(off + 4);
  const u8 plen = cur.get8(off + 5);
  rec::put16(r, rec::arpOp, cur.be16(off + 6));
  cur.add_layer(rec::LAYER_ARP);

  const u32 body_len = 2u * (hlen + plen);
  if (!cur.need(off + kArpFixedLen, body_len, rec::LAYER_ARP)) return;
  if (htype == kHtypeEthernet && ptype == kEtherTypeIPv4 && hlen == 6 && plen == 4) {
    // sha(6) spa(4) tha(6) tpa(4)
    cur.copy_to_record(off + kArpFixedLen + 6, 4, rec::ipSrc);
    cur.copy_to_record(off + kArpFixedLen + 16, 4, rec::ipDst);
  }
  // Whatever follows the addresses is link padding, not ARP payload.
  set_payload(cur, off + kArpFixedLen + body_len, 0, rec::LAYER_ARP);
}

}  // namespace pktkit
