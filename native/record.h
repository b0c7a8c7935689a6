// The packet record: offsets and constants expanded from record.def, the one
// definition shared with lib/record.gen.ts. Fields are written at byte offsets
// with memcpy in host byte order, never through a struct cast, so the layout is
// exactly what record.def says whatever the compiler's padding rules.
#pragma once

#include <cstdint>
#include <cstring>

namespace pktkit {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;

namespace rec {

enum FieldType { kU8, kU16, kU32, kB16 };

#define FIELD(name, type, offset) constexpr u32 name = offset;
#define CONST(name, value)
#include "record.def"
#undef FIELD
#undef CONST

#define FIELD(name, type, offset)
#define CONST(name, value) constexpr u32 name = value;
#include "record.def"
#undef FIELD
#undef CONST

constexpr u32 kSizeOf(FieldType t) { return t == kU8 ? 1 : t == kU16 ? 2 : t == kU32 ? 4 : 16; }

// Every field lies inside the record and is aligned to its own size (b16 to 4),
// which is what lets JS read it through a typed array over the ring.
#define FIELD(name, type, offset)                                                            \
  static_assert(offset + kSizeOf(k##type) <= RECORD_SIZE, #name " lies outside the record"); \
  static_assert(offset % (kSizeOf(k##type) == 16 ? 4 : kSizeOf(k##type)) == 0, #name " is not aligned to its size");
#define CONST(name, value)
#define ku8 kU8
#define ku16 kU16
#define ku32 kU32
#define kb16 kB16
#include "record.def"
#undef FIELD
#undef CONST
static_assert(RECORD_SIZE % 8 == 0, "entries are padded to 8 bytes");

// FNV-1a over "name:type:offset;" for every field, in order. The generator
// computes the same over the same rows; the loader compares the two.
constexpr u32 fnv1a(const char* s) {
  u32 h = 2166136261u;
  for (; *s; ++s) h = (h ^ static_cast<u8>(*s)) * 16777619u;
  return h;
}
#define FIELD(name, type, offset) #name ":" #type ":" #offset ";"
#define CONST(name, value)
constexpr const char kLayoutText[] =
#include "record.def"
    "";
#undef FIELD
#undef CONST
constexpr u32 kLayoutHash = fnv1a(kLayoutText);

#undef ku8
#undef ku16
#undef ku32
#undef kb16

inline void put8(u8* r, u32 off, u8 v) { r[off] = v; }
inline void put16(u8* r, u32 off, u16 v) { std::memcpy(r + off, &v, 2); }
inline void put32(u8* r, u32 off, u32 v) { std::memcpy(r + off, &v, 4); }
inline void put_bytes(u8* r, u32 off, const u8* src, u32 n) { std::memcpy(r + off, src, n); }
inline u16 get16(const u8* r, u32 off) {
  u16 v;
  std::memcpy(&v, r + off, 2);
  return v;
}
inline u32 get32(const u8* r, u32 off) {
  u32 v;
  std::memcpy(&v, r + off, 4);
  return v;
}

inline constexpr u32 layer_bit(u32 layer) { return 1u << layer; }

}  // namespace rec
}  // namespace pktkit
