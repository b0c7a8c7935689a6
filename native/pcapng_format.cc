// pcapng (draft-ietf-opsawg-pcapng): blocks of [type u32][total length u32][body][total length u32].
// Sections (SHB) set the byte order and reset the interfaces; IDBs give each interface its link
// type, snaplen, if_tsresol (10^-n or 2^-n) and if_tsoffset; EPB, SPB and the obsolete OPB carry
// packets; every other block is skipped. Every length is checked against the block before use.
#include <vector>

#include "file_format.h"

namespace pktkit {
namespace file_format {
namespace {

constexpr u32 kSHB = 0x0a0d0d0a;
constexpr u32 kIDB = 0x00000001;
constexpr u32 kOPB = 0x00000002;
constexpr u32 kSPB = 0x00000003;
constexpr u32 kEPB = 0x00000006;
constexpr u32 kByteOrderMagic = 0x1a2b3c4d;
// Interfaces per section: the table is the only memory a file can make us keep, so it is bounded.
constexpr size_t kMaxInterfaces = 65535;

constexpr u16 kOptEnd = 0;
constexpr u16 kOptTsresol = 9;
constexpr u16 kOptTsoffset = 14;

struct Interface {
  u64 units;     // timestamp units per second
  i64 offset;    // if_tsoffset, seconds
  u32 snaplen;   // as stored (0 = no limit)
  u16 linktype;  // DLT
};

class PcapngFormat final : public Format {
 public:
  Stop walk(const u8* base, size_t fill, size_t* cur, SourcePacket* out, u32 max, u32* count, size_t* need,
            ReaderError* err) override {
    size_t at = *cur;
    u32 n = *count;
    Stop stop = Stop::kFull;
    size_t pf = at;
    const bool ahead = prefetch;
    for (;;) {
      if (ahead) prefetch_ahead(base, fill, at, &pf);
      const size_t avail = fill - at;
      if (avail < 8) {
        *need = 8;
        stop = Stop::kNeed;
        break;
      }
      const u8* p = base + at;
      u32 type;
      std::memcpy(&type, p, 4);
      if (type == kSHB) {
        // The section's byte order comes from its own magic, before its length can be read.
        if (avail < 12) {
          *need = 12;
          stop = Stop::kNeed;
          break;
        }
        u32 bom;
        std::memcpy(&bom, p + 8, 4);
        if (bom != kByteOrderMagic && bom != __builtin_bswap32(kByteOrderMagic)) {
          error(err, at, parsed_ ? "section header block with a bad byte-order magic" : nullptr);
          stop = Stop::kError;
          break;
        }
        next_swap_ = bom != kByteOrderMagic;
      } else {
        if (swap_) type = __builtin_bswap32(type);
        if ((type == kEPB || type == kSPB || type == kOPB) && n >= max) break;
      }
      const bool swap = type == kSHB ? next_swap_ : swap_;
      const u32 total = rd32(p + 4, swap);
      if (total < 12 || total % 4 != 0 || total > kMaxRecordBytes) {
        error(err, at,
              parsed_ ? ("block length " + std::to_string(total) +
                         (total > kMaxRecordBytes ? " is too large"
                          : total < 12            ? " is shorter than a block"
                                                  : " is not a multiple of 4"))
                            .c_str()
                      : nullptr);
        stop = Stop::kError;
        break;
      }
      if (avail < total) {
        *need = total;
        stop = Stop::kNeed;
        break;
      }
      if (rd32(p + total - 4, swap) != total) {
        error(err, at, parsed_ ? "block's trailing length differs from its leading length" : nullptr);
        stop = Stop::kError;
        break;
      }
      const char* bad = nullptr;
      switch (type) {
        case kSHB: bad = section(p, total); break;
        case kIDB: bad = interface(p, total); break;
        case kEPB:
        case kOPB:
        case kSPB: bad = packet(type, p, total, static_cast<u32>(at), &out[n]); break;
        default: break;  // NRB, ISB, DSB, custom and unknown blocks: skipped
      }
      if (bad) {
        error(err, at, bad);
        stop = Stop::kError;
        break;
      }
      if (type == kEPB || type == kOPB || type == kSPB) ++n;
      at += total;
    }
    *cur = at;
    *count = n;
    return stop;
  }

  bool header_known() const override { return parsed_ && have_first_; }
  bool header_parsed() const override { return parsed_; }
  int linktype() const override { return have_first_ ? first_.linktype : -1; }
  u32 snaplen() const override { return clamp_snaplen(have_first_ ? first_.snaplen : 0); }
  bool nanosecond() const override { return have_first_ && first_.units > 1000000; }

 private:
  // Before the first section is parsed, any error means the input is not pcapng at all.
  void error(ReaderError* err, size_t at, const char* what) const {
    if (!what) return fail(err, "EFORMAT", "not a pcap or pcapng file");
    fail(err, "EFORMAT", std::string("pcapng block at byte ") + std::to_string(at) + ": " + what);
  }

  // Calls f(code, length, value) for each option in [p, end); false when one runs past the end.
  template <typename F>
  bool options(const u8* p, const u8* end, bool swap, F f) const {
    while (end - p >= 4) {
      const u16 code = rd16(p, swap);
      const u16 len = rd16(p + 2, swap);
      if (code == kOptEnd) return true;
      const size_t padded = (static_cast<size_t>(len) + 3) & ~size_t{3};
      if (padded > static_cast<size_t>(end - p) - 4) return false;
      if (!f(code, len, p + 4)) return false;
      p += 4 + padded;
    }
    return true;
  }

  const char* section(const u8* p, u32 total) {
    if (total < 28) return parsed_ ? "section header block shorter than 28 bytes" : nullptr;
    const bool swap = next_swap_;
    const u16 major = rd16(p + 12, swap);
    if (major != 1) return parsed_ ? "section version is not 1" : nullptr;
    if (!options(p + 24, p + total - 4, swap, [](u16, u16, const u8*) { return true; }))
      return parsed_ ? "section header option runs past the block" : nullptr;
    swap_ = swap;
    interfaces_.clear();  // keeps its capacity: thousands of sections cost nothing more
    parsed_ = true;
    return nullptr;
  }

  const char* interface(const u8* p, u32 total) {
    if (!parsed_) return "interface before any section";
    if (total < 20) return "interface description block shorter than 20 bytes";
    if (interfaces_.size() >= kMaxInterfaces) return "more than 65535 interfaces in one section";
    Interface i{1000000, 0, rd32(p + 12, swap_), linktype_to_dlt(rd16(p + 8, swap_))};
    const char* bad = nullptr;
    const bool swap = swap_;
    const bool fits = options(p + 16, p + total - 4, swap, [&](u16 code, u16 len, const u8* v) {
      if (code == kOptTsresol && len >= 1) {
        const u8 r = v[0];
        const unsigned exp = r & 0x7f;
        if (r & 0x80) {
          if (exp > 63) return (bad = "if_tsresol 2^-n with n > 63"), false;
          i.units = u64{1} << exp;
        } else {
          if (exp > 19) return (bad = "if_tsresol 10^-n with n > 19"), false;
          i.units = 1;
          for (unsigned k = 0; k < exp; ++k) i.units *= 10;
        }
      } else if (code == kOptTsoffset && len >= 8) {
        u64 v64;
        std::memcpy(&v64, v, 8);
        if (swap) v64 = __builtin_bswap64(v64);
        i.offset = static_cast<i64>(v64);
      }
      return true;
    });
    if (bad) return bad;
    if (!fits) return "interface option runs past the block";
    if (!have_first_) {
      first_ = i;
      have_first_ = true;
    }
    interfaces_.push_back(i);
    return nullptr;
  }

  const char* packet(u32 type, const u8* p, u32 total, u32 at, SourcePacket* out) const {
    const bool swap = swap_;
    if (!parsed_) return "packet before any section";
    u32 id, caplen, wirelen, data;
    u64 ts = 0;
    if (type == kSPB) {
      if (total < 16) return "simple packet block shorter than 16 bytes";
      if (interfaces_.empty()) return "simple packet block with no interface";
      id = 0;
      wirelen = rd32(p + 8, swap);
      data = 12;
      caplen = total - 16;
      if (wirelen < caplen) caplen = wirelen;
      const u32 snap = interfaces_[0].snaplen;
      if (snap != 0 && snap < caplen) caplen = snap;
    } else {
      if (total < 32)
        return type == kEPB ? "enhanced packet block shorter than 32 bytes" : "packet block shorter than 32 bytes";
      id = type == kEPB ? rd32(p + 8, swap) : rd16(p + 8, swap);
      ts = (u64{rd32(p + 12, swap)} << 32) | rd32(p + 16, swap);
      caplen = rd32(p + 20, swap);
      wirelen = rd32(p + 24, swap);
      data = 28;
      if (caplen > total - 32) return "captured length runs past the block";
      if (id >= interfaces_.size()) return "packet on an interface that the section did not describe";
    }
    const Interface& i = interfaces_[id];
    out->offset = at + data;
    out->caplen = caplen;
    out->wirelen = wirelen;
    out->linktype = i.linktype;
    out->interface = static_cast<u16>(id);
    if (type == kSPB) {  // a simple packet block has no timestamp (as tshark: 0)
      out->ts_sec = 0;
      out->ts_nsec = 0;
    } else if (i.units == 1000000) {
      if (!set_time(out, static_cast<__int128>(ts / 1000000) + i.offset, (ts % 1000000) * 1000))
        return "timestamp before 1970 or after 2106";
    } else if (i.units == 1000000000) {
      if (!set_time(out, static_cast<__int128>(ts / 1000000000) + i.offset, ts % 1000000000))
        return "timestamp before 1970 or after 2106";
    } else {
      const u64 frac = ts % i.units;
      const u64 nsec = static_cast<u64>(static_cast<unsigned __int128>(frac) * 1000000000u / i.units);
      if (!set_time(out, static_cast<__int128>(ts / i.units) + i.offset, nsec))
        return "timestamp before 1970 or after 2106";
    }
    return nullptr;
  }

  bool parsed_ = false;      // a section header was read
  bool swap_ = false;        // the current section's byte order differs from the host's
  bool next_swap_ = false;   // the byte order of the SHB being read
  bool have_first_ = false;  // first_ holds the file's first interface
  Interface first_{};
  std::vector<Interface> interfaces_;
};

}  // namespace

std::unique_ptr<Format> make_pcapng() { return std::make_unique<PcapngFormat>(); }

}  // namespace file_format
}  // namespace pktkit
