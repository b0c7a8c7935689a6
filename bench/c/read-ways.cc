// Where a file read's time goes: the same pcap walk + pktkit dissector + the five fields, with the
// bytes brought in different ways, so that the mapping question (issue 8: "files, zero copy") is
// settled by measurement. Not a bench trial: run it by hand, side by side, on a quiet machine.
//
//   read-ways WAY FILE
//
// WAY:
//   populate        the whole file mapped with MAP_POPULATE (as c-loop's mmap walk)
//   fault           the whole file mapped, pages faulted in as the walk touches them
//   huge            the whole file mapped, MADV_HUGEPAGE, then MADV_POPULATE_READ
//   windows         FileReader::open as the addon uses it (mapped windows, populated ahead): the
//                   reader describes up to 2048 packets, then each is dissected
//   windows:N       the same, prefetching the first two lines of the packet N ahead while dissecting
//   chunks[:BYTES]  FileReader::open with Access::kRead (pread into one reused buffer of BYTES)
//   pread:BYTES     pread() into one reused buffer of BYTES (records cut at its end carried over)
//
// Every way writes records into 2048 fixed-stride slots, as the addon's record sink does, and reads
// the five fields from them. Prints `RESULT {json}` with packets, seconds, user and system seconds.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "../../native/dissect/dissect.h"
#include "../../native/file_reader.h"

using namespace pktkit;

namespace {

constexpr u32 kSlots = 2048;

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void cpu(double* user, double* sys) {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  *user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
  *sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct State {
  int linktype = 1;
  unsigned long long packets = 0, sink = 0;
  std::vector<u8> slots = std::vector<u8>(size_t{kSlots} * rec::RECORD_SIZE);
  u32 slot = 0;

  void packet(const u8* data, u32 caplen, u32 wirelen) {
    u8* r = slots.data() + size_t{slot} * rec::RECORD_SIZE;
    if (++slot == kSlots) slot = 0;
    dissect_packet(data, caplen, wirelen, linktype, r);
    const u32 layers = rec::get32(r, rec::layers);
    ++packets;
    if (layers & rec::layer_bit(rec::LAYER_IPV4)) {
      sink += rec::get32(r, rec::ipSrc) ^ rec::get32(r, rec::ipDst);
    } else if (layers & rec::layer_bit(rec::LAYER_IPV6)) {
      for (u32 w = 0; w < 16; w += 4) sink += rec::get32(r, rec::ipSrc + w) ^ rec::get32(r, rec::ipDst + w);
    }
    if (layers & (rec::layer_bit(rec::LAYER_TCP) | rec::layer_bit(rec::LAYER_UDP)))
      sink += rec::get16(r, rec::sport) + rec::get16(r, rec::dport) + rec::get16(r, rec::tcpFlags);
  }
};

u32 load32(const u8* p) {
  u32 v;
  std::memcpy(&v, p, 4);
  return v;
}

// Native-order microsecond or nanosecond pcap only: this is a measurement, not a reader.
size_t walk(State& s, const u8* base, size_t size, size_t at) {
  while (size - at >= 16) {
    const u32 caplen = load32(base + at + 8);
    if (caplen > size - at - 16) break;
    s.packet(base + at + 16, caplen, load32(base + at + 12));
    at += 16 + size_t{caplen};
  }
  return at;
}

bool header(State& s, const u8* h) {
  const u32 magic = load32(h);
  if (magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) return false;
  s.linktype = static_cast<int>(load32(h + 20) & 0xffff);
  return true;
}

int whole(State& s, int fd, size_t size, const std::string& way) {
  const int flags = MAP_PRIVATE | (way == "populate" ? MAP_POPULATE : 0);
  void* m = mmap(nullptr, size, PROT_READ, flags, fd, 0);
  if (m == MAP_FAILED) return std::perror("mmap"), 1;
  if (way == "huge") {
    if (madvise(m, size, MADV_HUGEPAGE) != 0) std::perror("MADV_HUGEPAGE");
    if (madvise(m, size, MADV_POPULATE_READ) != 0) std::perror("MADV_POPULATE_READ");
  }
  madvise(m, size, MADV_SEQUENTIAL);
  const u8* base = static_cast<const u8*>(m);
  if (!header(s, base)) return std::fprintf(stderr, "read-ways: native-order pcap only\n"), 1;
  walk(s, base, size, 24);
  munmap(m, size);
  return 0;
}

int by_pread(State& s, int fd, size_t cap) {
  u8* buf = static_cast<u8*>(std::aligned_alloc(4096, cap));
  off_t off = 0;
  size_t fill = 0, at = 0;
  bool first = true;
  for (;;) {
    std::memmove(buf, buf + at, fill - at);
    fill -= at;
    at = 0;
    const ssize_t n = pread(fd, buf + fill, cap - fill, off);
    if (n <= 0) break;
    off += n;
    fill += static_cast<size_t>(n);
    if (first) {
      if (!header(s, buf)) return std::fprintf(stderr, "read-ways: native-order pcap only\n"), 1;
      at = 24;
      first = false;
    }
    at = walk(s, buf, fill, at);
  }
  std::free(buf);
  return 0;
}

// `ahead`: packets ahead of the one being dissected whose first two lines are prefetched (0: none).
int by_reader(State& s, const char* file, FileReader::Access access, u32 ahead) {
  ReaderError err;
  auto reader = FileReader::open(file, &err, access);
  if (!reader) return std::fprintf(stderr, "read-ways: %s\n", err.message.c_str()), 1;
  s.linktype = reader->linktype();
  std::vector<SourcePacket> pk(kSlots);
  for (;;) {
    u32 count = 0;
    const auto st = reader->next(pk.data(), kSlots, &count);
    if (st != FileReader::Status::kPackets) break;
    const u8* base = reader->window()->data();
    for (u32 i = 0; i < count; ++i) {
      if (ahead && i + ahead < count) {
        __builtin_prefetch(base + pk[i + ahead].offset);
        __builtin_prefetch(base + pk[i + ahead].offset + 64);
      }
      s.packet(base + pk[i].offset, pk[i].caplen, pk[i].wirelen);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: read-ways populate|fault|huge|windows[:N]|chunks[:BYTES]|pread:BYTES FILE\n");
    return 2;
  }
  const std::string way = argv[1];
  const char* file = argv[2];
  State s;
  double u0, s0, u1, s1;
  cpu(&u0, &s0);
  const double t0 = now();
  int rc;
  if (way.rfind("windows", 0) == 0) {
    const u32 ahead = way.size() > 8 ? static_cast<u32>(std::strtoul(way.c_str() + 8, nullptr, 0)) : 0;
    rc = by_reader(s, file, FileReader::Access::kMap, ahead);
  } else if (way.rfind("chunks", 0) == 0) {
    if (way.size() > 7) FileReader::set_read_chunk_for_tests(std::strtoul(way.c_str() + 7, nullptr, 0));
    rc = by_reader(s, file, FileReader::Access::kRead, 0);
  } else {
    const int fd = open(file, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) return std::perror(file), 1;
    if (way.rfind("pread:", 0) == 0) rc = by_pread(s, fd, std::strtoul(way.c_str() + 6, nullptr, 0));
    else rc = whole(s, fd, static_cast<size_t>(st.st_size), way);
    close(fd);
  }
  const double t = now() - t0;
  cpu(&u1, &s1);
  if (rc != 0) return rc;
  std::printf("RESULT {\"way\":\"%s\",\"packets\":%llu,\"seconds\":%.6f,\"user\":%.6f,\"sys\":%.6f,\"sink\":%llu}\n",
              way.c_str(), s.packets, t, u1 - u0, s1 - s0, s.sink % 1000000007ull);
  return 0;
}
