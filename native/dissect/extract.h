// Bounds-checked big-endian reads over one captured packet, in the manner of
// tcpdump's extract.h: every byte the dissector looks at comes through a Cursor,
// and a read that would pass caplen returns 0 and marks the record TRUNCATED
// instead of touching memory. Decoders normally ask `need()` first so that they
// can stop at a header boundary; the checks inside the reads are the backstop
// that keeps a mistake in a decoder from ever becoming an out-of-bounds read.
// A fixed-size header is read through a FixedHeader instead: one check when it
// is taken, and the compiler refuses a read at an offset past its size.
#pragma once

#include "../record.h"

namespace pktkit {

// The reads are a few instructions each and run several times per header: always inlined (GCC at
// -O2 left be16() and need() as calls in the addon, ~5% of a file read in perf). The miss path is
// cold and stays out of line.
#define PKTKIT_HOT inline __attribute__((always_inline))
#define PKTKIT_COLD __attribute__((noinline, cold))

// A header whose first N bytes were all captured (Cursor::header() checked them once). Its reads
// take constant offsets that the compiler checks against N, so a decoder that reads past its fixed
// header does not build, and no read needs a check of its own at run time. Decoders read every
// field they need first and write the record after: the record is bytes too, and a write through
// it before a read would make the compiler load the packet bytes again.
template <u32 N>
class FixedHeader {
 public:
  // False when the header was not all captured: nothing may be read then.
  explicit operator bool() const { return bytes_ != nullptr; }

  template <u32 Off>
  u8 get8() const {
    static_assert(Off + 1 <= N, "read past the fixed header");
    return bytes_[Off];
  }
  template <u32 Off>
  u16 be16() const {
    static_assert(Off + 2 <= N, "read past the fixed header");
    return static_cast<u16>(bytes_[Off] << 8 | bytes_[Off + 1]);
  }
  template <u32 Off>
  u32 be32() const {
    static_assert(Off + 4 <= N, "read past the fixed header");
    return static_cast<u32>(bytes_[Off]) << 24 | static_cast<u32>(bytes_[Off + 1]) << 16 |
           static_cast<u32>(bytes_[Off + 2]) << 8 | bytes_[Off + 3];
  }
  // Four bytes as they lie in the packet (an IPv4 address), to be stored as they are.
  template <u32 Off>
  u32 raw32() const {
    static_assert(Off + 4 <= N, "read past the fixed header");
    u32 v;
    std::memcpy(&v, bytes_ + Off, 4);
    return v;
  }
  // Len bytes from Off, for a copy into the record.
  template <u32 Off, u32 Len>
  const u8* span() const {
    static_assert(Off + Len <= N, "read past the fixed header");
    return bytes_ + Off;
  }

 private:
  friend class Cursor;
  // Only the Cursor makes one, after checking that N bytes were captured. (Not std::optional:
  // GCC passed that through the stack, a byte store then a 16-byte load that cannot be
  // forwarded, and dissect_ethernet() spent most of its time there.)
  explicit FixedHeader(const u8* bytes) : bytes_(bytes) {}

  const u8* bytes_;
};

class Cursor {
 public:
  Cursor(const u8* data, u32 caplen, u32 wirelen, u8* rec)
      : data_(data), caplen_(caplen), wirelen_(wirelen < caplen ? caplen : wirelen), rec_(rec) {}

  // Bytes captured (what may be read).
  u32 caplen() const { return caplen_; }
  // Bytes the packet had on the wire, never less than caplen: a file that claims
  // otherwise is lying and the captured bytes are the better witness.
  u32 wirelen() const { return wirelen_; }
  u8* rec() const { return rec_; }

  // True when [off, off+n) was captured. Written to be immune to u32 overflow.
  PKTKIT_HOT bool has(u32 off, u32 n) const { return off <= caplen_ && n <= caplen_ - off; }

  // Like has(), but a miss marks the record TRUNCATED at `layer`.
  PKTKIT_HOT bool need(u32 off, u32 n, u32 layer) {
    if (has(off, n)) return true;
    stop(rec::FLAG_TRUNCATED, layer);
    return false;
  }

  // The fixed header of N bytes at `off`; false (and the record TRUNCATED at `layer`) when it was
  // not all captured.
  template <u32 N>
  PKTKIT_HOT FixedHeader<N> header(u32 off, u32 layer) {
    if (!need(off, N, layer)) return FixedHeader<N>(nullptr);
    return FixedHeader<N>(data_ + off);
  }

  PKTKIT_HOT u8 get8(u32 off) {
    if (!has(off, 1)) return miss();
    return data_[off];
  }
  PKTKIT_HOT u16 be16(u32 off) {
    if (!has(off, 2)) return miss();
    return static_cast<u16>(data_[off] << 8 | data_[off + 1]);
  }
  PKTKIT_HOT u32 be32(u32 off) {
    if (!has(off, 4)) return miss();
    return static_cast<u32>(data_[off]) << 24 | static_cast<u32>(data_[off + 1]) << 16 |
           static_cast<u32>(data_[off + 2]) << 8 | data_[off + 3];
  }
  PKTKIT_HOT u32 le32(u32 off) {
    if (!has(off, 4)) return miss();
    return static_cast<u32>(data_[off + 3]) << 24 | static_cast<u32>(data_[off + 2]) << 16 |
           static_cast<u32>(data_[off + 1]) << 8 | data_[off];
  }
  // Copies n captured bytes into the record at field offset `field`; nothing
  // is copied (and TRUNCATED is set) if they were not all captured.
  void copy_to_record(u32 off, u32 n, u32 field) {
    if (!has(off, n)) {
      miss();
      return;
    }
    rec::put_bytes(rec_, field, data_ + off, n);
  }

  // Records why decoding stops. The first reason wins: later layers never ran.
  PKTKIT_COLD void stop(u32 flag, u32 layer) {
    rec::put32(rec_, rec::flags, rec::get32(rec_, rec::flags) | flag);
    if (rec_[rec::stopLayer] == rec::LAYER_NONE) rec::put8(rec_, rec::stopLayer, static_cast<u8>(layer));
  }
  void flag(u32 f) { rec::put32(rec_, rec::flags, rec::get32(rec_, rec::flags) | f); }
  void add_layer(u32 layer) { rec::put32(rec_, rec::layers, rec::get32(rec_, rec::layers) | rec::layer_bit(layer)); }

 private:
  // A read past caplen: a decoder forgot to call need(). Mark the record so the
  // packet is not mistaken for a complete one, and hand back a harmless zero.
  PKTKIT_COLD u8 miss() {
    flag(rec::FLAG_TRUNCATED);
    return 0;
  }

  const u8* data_;
  u32 caplen_;
  u32 wirelen_;
  u8* rec_;
};

}  // namespace pktkit
