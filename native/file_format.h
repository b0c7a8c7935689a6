// The two capture-file formats behind FileReader: each walks whole records in a byte range that a
// source (mapped window, pipe chunk, caller memory) has made present, and says how many bytes it
// needs when the next record is not whole. Internal to native/file_reader.cc; no N-API, no libpcap.
#pragma once

#include <unistd.h>

#include <cstring>
#include <memory>

#include "file_reader.h"

namespace pktkit {
namespace file_format {

using u64 = uint64_t;
using i64 = int64_t;

// How a walk stopped.
enum class Stop {
  kFull,   // `max` packets out, or (max == 0) the next record is a packet
  kNeed,   // the record at the cursor is not whole: *need bytes from the cursor are required
  kError,  // *err filled (EFORMAT); the cursor stays at the bad record
};

class Format {
 public:
  virtual ~Format() = default;
  // Walks records at base[*cur .. fill): appends packets to out[*count .. max), advances *cur past every
  // record it consumed. Packet offsets are relative to base. State changes (interfaces, sections) happen
  // only for records that are whole, so a walk repeated after kNeed is the same walk.
  virtual Stop walk(const u8* base, size_t fill, size_t* cur, SourcePacket* out, u32 max, u32* count, size_t* need,
                    ReaderError* err) = 0;
  // File header parsed (and, for pcapng, the first interface seen).
  virtual bool header_known() const = 0;
  // File header parsed: past this, an error is the body's, not "not a capture file".
  virtual bool header_parsed() const = 0;
  virtual int linktype() const = 0;
  virtual u32 snaplen() const = 0;
  virtual bool nanosecond() const = 0;
  // Whether walks prefetch ahead of the cursor (prefetch_ahead): for a mapped file; a buffer the
  // kernel has just copied into is in the cache already, and the prefetches would only cost.
  bool prefetch = true;
};

// Detects the format from the first 4 bytes (at least 4 must be given). nullptr: not pcap or pcapng.
std::unique_ptr<Format> detect(const u8* first4);
std::unique_ptr<Format> make_pcap();
std::unique_ptr<Format> make_pcapng();

// libpcap's mapping from the LINKTYPE_ stored in files to the DLT_ it reports (pcap-common.c): they
// differ only for a few old types; the dissector works in DLT_ values.
inline u16 linktype_to_dlt(u32 linktype) {
  switch (linktype) {
    case 100: return 11;  // LINKTYPE_ATM_RFC1483 -> DLT_ATM_RFC1483
    case 101: return 12;  // LINKTYPE_RAW -> DLT_RAW (Linux value)
    case 102: return 15;  // LINKTYPE_SLIP_BSDOS
    case 103: return 16;  // LINKTYPE_PPP_BSDOS
    default: return static_cast<u16>(linktype);
  }
}

// The snaplen a file reports, as the API reports it: 0 and anything above 262144 become 262144
// (libpcap's MAXIMUM_SNAPLEN). Never used to size memory.
inline u32 clamp_snaplen(u32 snaplen) { return snaplen == 0 || snaplen > 262144 ? 262144 : snaplen; }

// The system's page size, asked once: mappings and their windows start on it (file_reader.cc,
// access_probe.cc).
inline size_t page_size() {
  static const size_t page = [] {
    const long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<size_t>(p) : size_t{4096};
  }();
  return page;
}

inline u16 rd16(const u8* p, bool swap) {
  u16 v;
  std::memcpy(&v, p, 2);
  return swap ? __builtin_bswap16(v) : v;
}
inline u32 rd32(const u8* p, bool swap) {
  u32 v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}

// Each record's (block's) header says where the next one is, so a walk is a chain of loads the
// CPU cannot run ahead of: from a file larger than the caches every header is a miss that waits
// for the one before (the largest share of a file read in perf). The walks prefetch the bytes
// kPrefetchAhead past the cursor, line by line, so that the headers ahead are in cache when the
// chain gets there. Never past `fill`: only bytes present are touched.
constexpr size_t kPrefetchAhead = 8192;

// Prefetches the lines from *pf up to `at` + kPrefetchAhead (at most `fill`), advancing *pf.
inline void prefetch_ahead(const u8* base, size_t fill, size_t at, size_t* pf) {
  // After a record longer than the distance (a jumbo frame, a skipped block of megabytes), start
  // at the cursor: the lines behind it are no use any more.
  if (*pf < at) *pf = at;
  const size_t upto = fill - at > kPrefetchAhead ? at + kPrefetchAhead : fill;
  for (size_t q = *pf; q < upto; q += 64) __builtin_prefetch(base + q);
  if (*pf < upto) *pf = upto;
}

inline void fail(ReaderError* err, const char* code, std::string message) {
  err->code = code;
  err->message = std::move(message);
}

// Seconds + nanoseconds (any values) to the packet's u32 seconds and nanoseconds; false when the time
// falls before 1970 or after 2106 (a u32 of seconds cannot say it).
inline bool set_time(SourcePacket* out, __int128 sec, u64 nsec) {
  sec += nsec / 1000000000u;
  if (sec < 0 || sec > 0xffffffffLL) return false;
  out->ts_sec = static_cast<u32>(sec);
  out->ts_nsec = static_cast<u32>(nsec % 1000000000u);
  return true;
}

}  // namespace file_format
}  // namespace pktkit
