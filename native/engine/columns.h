// Columns the sink writes while it dissects: the hottest record fields once more, as one array
// per field (struct of arrays), so that `batch.column('tcp.dport')` is a view of contiguous
// values instead of a gather over 128-byte record slots (two cache lines per record: layers and
// ports lie in different ones). The arrays follow the record slots in the same buffer; each
// holds `capacity` values of its type in a region of 4 * capacity bytes, in the order below.
// A value is 0 for a packet without the column's protocol, as lib/columns.ts's gather gives.
// lib/columns.ts reads this table (names, offsets, types) from the addon: it is declared here
// only. No N-API here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../record.h"

namespace pktkit {
namespace columns {

enum class Type : uint8_t { kU8 = 1, kU16 = 2, kU32 = 4 };

struct Def {
  const char* name;  // lib/columns.ts's name (Wireshark's display-filter field)
  Type type;
};

enum Id : uint32_t { kFrameLen, kIpProto, kTcpSport, kTcpDport, kTcpFlags, kUdpSport, kUdpDport, kCount };

constexpr Def kDefs[kCount] = {
    {"frame.len", Type::kU32}, {"ip.proto", Type::kU8},   {"tcp.sport", Type::kU16}, {"tcp.dport", Type::kU16},
    {"tcp.flags", Type::kU16}, {"udp.sport", Type::kU16}, {"udp.dport", Type::kU16},
};

// Bytes of one column's region, and of all of them, for `capacity` records.
constexpr size_t region_bytes(uint32_t capacity) { return size_t{capacity} * 4; }
constexpr size_t total_bytes(uint32_t capacity) { return size_t{kCount} * region_bytes(capacity); }

// Writes record `i`'s values (the record was just written by the dissector) into the columns at
// `area`, which holds total_bytes(capacity) bytes (capacity < 2^28: offsets fit a u32).
inline void write(u8* area, uint32_t capacity, uint32_t i, const u8* rec) {
  const u32 layers = rec::get32(rec, rec::layers);
  // All ones when the layer is present, else zero: the values are masked without a branch.
  const u32 ip = 0u - ((layers & (rec::layer_bit(rec::LAYER_IPV4) | rec::layer_bit(rec::LAYER_IPV6))) != 0);
  const u16 tcp = static_cast<u16>(0u - ((layers >> rec::LAYER_TCP) & 1u));
  const u16 udp = static_cast<u16>(0u - ((layers >> rec::LAYER_UDP) & 1u));
  const u16 sport = rec::get16(rec, rec::sport);
  const u16 dport = rec::get16(rec, rec::dport);
  const u32 region = static_cast<u32>(region_bytes(capacity));
  rec::put32(area, kFrameLen * region + i * 4, rec::get32(rec, rec::wireLen));
  rec::put8(area, kIpProto * region + i, static_cast<u8>(rec[rec::ipProto] & ip));
  rec::put16(area, kTcpSport * region + i * 2, sport & tcp);
  rec::put16(area, kTcpDport * region + i * 2, dport & tcp);
  rec::put16(area, kTcpFlags * region + i * 2, rec::get16(rec, rec::tcpFlags) & tcp);
  rec::put16(area, kUdpSport * region + i * 2, sport & udp);
  rec::put16(area, kUdpDport * region + i * 2, dport & udp);
}

}  // namespace columns
}  // namespace pktkit
