// Classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header, then records of a 16-byte header
// and caplen bytes. Both byte orders; microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magics;
// Alexey Kuznetzov's modified format (0xa1b2cd34, 24-byte record headers) as libpcap reads it.
#include "file_format.h"

namespace pktkit {
namespace file_format {
namespace {

constexpr u32 kMagicUs = 0xa1b2c3d4;
constexpr u32 kMagicNs = 0xa1b23c4d;
constexpr u32 kMagicKuznetzov = 0xa1b2cd34;
constexpr size_t kFileHeader = 24;

class PcapFormat final : public Format {
 public:
  Stop walk(const u8* base, size_t fill, size_t* cur, SourcePacket* out, u32 max, u32* count, size_t* need,
            ReaderError* err) override {
    if (!parsed_) {
      if (fill - *cur < kFileHeader) {
        *need = kFileHeader;
        return Stop::kNeed;
      }
      if (!parse_header(base + *cur, err)) return Stop::kError;
      *cur += kFileHeader;
    }
    size_t at = *cur;
    u32 n = *count;
    const bool swap = swap_;
    const size_t rh = record_header_;
    Stop stop = Stop::kFull;
    size_t pf = at;
    const bool ahead = prefetch;
    while (n < max) {
      if (ahead) prefetch_ahead(base, fill, at, &pf);
      const size_t avail = fill - at;
      if (avail < rh) {
        *need = rh;
        stop = Stop::kNeed;
        break;
      }
      const u8* p = base + at;
      const u32 caplen = rd32(p + 8, swap);
      if (caplen > kMaxRecordBytes - rh) {
        fail(err, "EFORMAT",
             "pcap record at byte " + std::to_string(at) + " claims " + std::to_string(caplen) +
                 " captured bytes, more than any packet may have");
        stop = Stop::kError;
        break;
      }
      if (avail - rh < caplen) {
        *need = rh + caplen;
        stop = Stop::kNeed;
        break;
      }
      SourcePacket& pkt = out[n];
      const u32 sec = rd32(p, swap);
      const u32 frac = rd32(p + 4, swap);
      if (frac < frac_limit_) {
        pkt.ts_sec = sec;
        pkt.ts_nsec = frac * frac_scale_;
      } else if (!set_time(&pkt, sec, static_cast<u64>(frac) * frac_scale_)) {
        fail(err, "EFORMAT", "pcap record timestamp after 2106");
        stop = Stop::kError;
        break;
      }
      pkt.offset = static_cast<u32>(at + rh);
      pkt.caplen = caplen;
      pkt.wirelen = rd32(p + 12, swap);
      pkt.linktype = linktype_;
      pkt.interface = 0;
      at += rh + caplen;
      ++n;
    }
    *cur = at;
    *count = n;
    return stop;
  }

  bool header_known() const override { return parsed_; }
  bool header_parsed() const override { return parsed_; }
  int linktype() const override { return parsed_ ? linktype_ : -1; }
  u32 snaplen() const override { return clamp_snaplen(snaplen_); }
  bool nanosecond() const override { return frac_scale_ == 1; }

 private:
  bool parse_header(const u8* h, ReaderError* err) {
    u32 magic;
    std::memcpy(&magic, h, 4);
    swap_ = false;
    if (magic != kMagicUs && magic != kMagicNs && magic != kMagicKuznetzov) {
      magic = __builtin_bswap32(magic);
      swap_ = true;
    }
    if (magic != kMagicUs && magic != kMagicNs && magic != kMagicKuznetzov) {
      fail(err, "EFORMAT", "not a pcap or pcapng file");
      return false;
    }
    const u16 major = rd16(h + 4, swap_);
    if (major != 2) {
      fail(err, "EFORMAT", "pcap file version " + std::to_string(major) + " is not 2");
      return false;
    }
    // Nanosecond files count the fraction in ns; the others in us (x 1000).
    frac_scale_ = magic == kMagicNs ? 1 : 1000;
    frac_limit_ = magic == kMagicNs ? 1000000000u : 1000000u;
    record_header_ = magic == kMagicKuznetzov ? 24 : 16;
    snaplen_ = rd32(h + 16, swap_);
    // The link-type word carries the FCS length (bits 28-31, flag bit 26) and reserved bits above the
    // 16-bit link type; libpcap keeps the low 16 bits as the link type (LT_LINKTYPE).
    linktype_ = linktype_to_dlt(rd32(h + 20, swap_) & 0xffff);
    parsed_ = true;
    return true;
  }

  bool parsed_ = false;
  bool swap_ = false;
  u32 frac_scale_ = 1000;
  u32 frac_limit_ = 1000000;
  size_t record_header_ = 16;
  u32 snaplen_ = 0;
  u16 linktype_ = 0;
};

}  // namespace

std::unique_ptr<Format> make_pcap() { return std::make_unique<PcapFormat>(); }

std::unique_ptr<Format> detect(const u8* first4) {
  u32 magic;
  std::memcpy(&magic, first4, 4);
  const u32 swapped = __builtin_bswap32(magic);
  for (const u32 m : {kMagicUs, kMagicNs, kMagicKuznetzov})
    if (magic == m || swapped == m) return make_pcap();
  if (magic == 0x0a0d0d0a) return make_pcapng();  // the SHB type reads the same in both byte orders
  return nullptr;
}

}  // namespace file_format
}  // namespace pktkit
