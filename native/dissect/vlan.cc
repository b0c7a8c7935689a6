// IEEE 802.1Q VLAN tags (TPID 0x8100), 802.1ad service tags (0x88a8) and the
// pre-standard QinQ TPID 0x9100. Each tag is TCI(2) + the next EtherType(2);
// tags may stack (QinQ), so this walks them until a real EtherType appears.
#include "decoders.h"

namespace pktkit {

namespace {

constexpr u32 kTagLen = 4;
constexpr u32 kMaxTags = 8;  // deeper stacks exist only in attacks and fuzzers

bool is_vlan_tpid(u16 type) {
  return type == rec::ETYPE_VLAN || type == rec::ETYPE_QINQ || type == rec::ETYPE_QINQ_OLD;
}

}  // namespace

void dissect_ethertype(Cursor& cur, u32 off, u16 ether_type) {
  u8* r = cur.rec();
  u32 count = 0;
  while (is_vlan_tpid(ether_type)) {
    if (count == kMaxTags) {
      cur.stop(rec::FLAG_TOO_DEEP, rec::LAYER_VLAN);
      return;
    }
    const auto tag = cur.header<kTagLen>(off, rec::LAYER_VLAN);
    if (!tag) return;
    const u16 tci = tag.be16<0>();
    ether_type = tag.be16<2>();
    if (count == 0) rec::put16(r, rec::vlanTci0, tci);
    if (count == 1) rec::put16(r, rec::vlanTci1, tci);
    ++count;
    rec::put8(r, rec::vlanCount, static_cast<u8>(count));
    rec::put16(r, rec::etherType, ether_type);
    cur.add_layer(rec::LAYER_VLAN);
    off += kTagLen;
    if (!set_payload(cur, off, cur.wirelen() - off, rec::LAYER_VLAN)) return;
  }
  // 802.3 frames carry a length here, and what follows is LLC, which we leave alone.
  if (ether_type <= kEtherTypeMaxLength) return;
  dissect_l3(cur, off, ether_type);
}

}  // namespace pktkit
