// See access_probe.h. The slices alternate (mapped, read, mapped, read, ...) so that a change in the
// machine's pace during the probe, or a part of the file that is hotter in the caches, weighs on
// both ways alike; each continues the walk where the one before stopped, so every slice starts on
// a record and pcapng keeps its sections and interfaces. Each way is judged by its cheapest slice.
#include "access_probe.h"

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <vector>

#include "file_format.h"

namespace pktkit {

using file_format::Format;
using file_format::Stop;

namespace {

uint64_t thread_cpu_ns() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

// The loads the dissector makes of each packet, without its work: the first line, and the second
// when the packet reaches it (FileSource prefetches the same two).
uint64_t touch(const u8* base, const SourcePacket* p, u32 n) {
  uint64_t sum = 0;
  for (u32 i = 0; i < n; ++i) {
    sum += base[p[i].offset];
    if (p[i].caplen > 64) sum += base[p[i].offset + 64];
  }
  return sum;
}

// Walks base[*cur, fill) to the last whole record, touching every packet. False on a malformed record.
bool walk_slice(Format& format, const u8* base, size_t fill, size_t* cur, std::vector<SourcePacket>& out,
                uint64_t* sink) {
  for (;;) {
    u32 n = 0;
    size_t need = 0;
    ReaderError err;
    const Stop s = format.walk(base, fill, cur, out.data(), static_cast<u32>(out.size()), &n, &need, &err);
    *sink += touch(base, out.data(), n);
    if (s != Stop::kFull) return s == Stop::kNeed;
  }
}

// a.ns / a.bytes < b.ns / b.bytes, without division (128-bit: no overflow); both walked something.
bool cheaper_per_byte(const AccessCost& a, const AccessCost& b) {
  return static_cast<unsigned __int128>(a.ns) * b.bytes < static_cast<unsigned __int128>(b.ns) * a.bytes;
}

}  // namespace

FileReader::Access AccessProbe::cheaper() const {
  if (map.bytes == 0 || read.bytes == 0) return FileReader::Access::kRead;
  return cheaper_per_byte(read, map) ? FileReader::Access::kRead : FileReader::Access::kMap;
}

AccessProbe probe_access(int fd, uint64_t start, uint64_t end, size_t slice_bytes, int slices) {
  AccessProbe probe;
  const size_t page = file_format::page_size();
  const size_t slice = slice_bytes < page ? page : slice_bytes & ~(page - 1);
  if (start >= end || end - start < 4 || slices <= 0) return probe;
  // One mapping over every slice, made before any clock starts: MappedFileReader maps a window of
  // up to 1 GiB once, so what a mapped byte costs is filling its page tables and loading it, not
  // the mmap() and munmap() around it. Likewise the buffer is faulted in before, as the reader's
  // own is once and for all.
  const uint64_t map_start = start & ~static_cast<uint64_t>(page - 1);
  const uint64_t span = (start - map_start) + uint64_t{slice} * static_cast<uint64_t>(slices);
  const size_t len = static_cast<size_t>(end - map_start < span ? end - map_start : span);
  void* mapping = mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(map_start));
  if (mapping == MAP_FAILED) return probe;
  const u8* mapped_base = static_cast<const u8*>(mapping);
  std::vector<u8> buffer(slice);
  std::vector<SourcePacket> out(1024);
  std::unique_ptr<Format> format = file_format::detect(mapped_base + (start - map_start));
  uint64_t sink = 0;
  size_t at = static_cast<size_t>(start - map_start);  // the next slice's first record, in the mapping
  for (int i = 0; format && i < slices && at < len; ++i) {
    const bool mapped = i % 2 == 0;
    const size_t to = len - at < slice ? len : at + slice;
    size_t cur = 0;
    bool ok = true;
    const uint64_t t0 = thread_cpu_ns();
    if (mapped) {
      // As MappedFileReader: page tables filled ahead of the walk (a kernel before 5.14 faults instead).
      const size_t from = at & ~(page - 1);
      madvise(const_cast<u8*>(mapped_base) + from, ((to - from) + page - 1) & ~(page - 1), MADV_POPULATE_READ);
      format->prefetch = true;
      cur = at;
      ok = walk_slice(*format, mapped_base, to, &cur, out, &sink);
      cur -= at;
    } else {
      const ssize_t got = pread(fd, buffer.data(), to - at, static_cast<off_t>(map_start + at));
      if (got <= 0) break;
      format->prefetch = false;  // as ChunkedFileReader's walks: the kernel's copy left the bytes in cache
      ok = walk_slice(*format, buffer.data(), static_cast<size_t>(got), &cur, out, &sink);
    }
    const uint64_t spent = thread_cpu_ns() - t0;
    // A malformed record, or one larger than a slice: the reader will find it and say so.
    if (!ok || cur == 0) break;
    // Each way's cheapest slice: a slice that an interrupt or the other CPU slowed says nothing of
    // the way, and both ways are judged alike.
    AccessCost& best = mapped ? probe.map : probe.read;
    const AccessCost slice_cost{spent, cur};
    if (best.bytes == 0 || cheaper_per_byte(slice_cost, best)) best = slice_cost;
    at += cur;
  }
  munmap(mapping, len);
  // The loads must not be optimised away; the sum itself means nothing.
  asm volatile("" : : "r"(sink));
  return probe;
}

}  // namespace pktkit
