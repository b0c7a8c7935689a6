// The limit the JS paths are measured against: plain C++ over libpcap with
// pktkit's own dissector (native/dissect/*.cc, compiled into this program, not
// copied). Prints one line `RESULT {json}`.
//
//   c-loop loop FILE                 pcap_loop over FILE, dissect each packet,
//                                    read the 5 fields the JS drivers read
//   c-loop mmap FILE                 the same, but the file is mmap()ed and its
//                                    pcap records walked here (no libpcap, no
//                                    stdio copy): the fastest way to read a file
//   c-loop dissect FILE COUNT ROUNDS the dissector alone: the first COUNT
//                                    packets loaded in memory, ROUNDS passes
#include <pcap/pcap.h>
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

using namespace pktkit;

namespace {

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double cpu_seconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct LoopState {
  int linktype;
  unsigned long long packets = 0, bytes = 0, tcp = 0;
  unsigned long long sink = 0;  // keeps the reads from being optimized away
  alignas(8) u8 record[rec::RECORD_SIZE];
};

// The same five fields the JS drivers read: addresses, ports, TCP flags.
void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* s = reinterpret_cast<LoopState*>(user);
  dissect_packet(bytes, h->caplen, h->len, s->linktype, s->record);
  const u32 layers = rec::get32(s->record, rec::layers);
  s->packets++;
  s->bytes += h->caplen;
  // Whole addresses, as the JS batch driver reads them (IPv4 srcInt/dstInt, IPv6 the four words).
  if (layers & rec::layer_bit(rec::LAYER_IPV4)) {
    s->sink += rec::get32(s->record, rec::ipSrc) ^ rec::get32(s->record, rec::ipDst);
  } else if (layers & rec::layer_bit(rec::LAYER_IPV6)) {
    for (u32 w = 0; w < 16; w += 4) s->sink += rec::get32(s->record, rec::ipSrc + w) ^ rec::get32(s->record, rec::ipDst + w);
  }
  if (layers & rec::layer_bit(rec::LAYER_TCP)) {
    s->tcp++;
    s->sink += rec::get16(s->record, rec::sport) + rec::get16(s->record, rec::dport) +
               rec::get16(s->record, rec::tcpFlags);
  } else if (layers & rec::layer_bit(rec::LAYER_UDP)) {
    s->sink += rec::get16(s->record, rec::sport) + rec::get16(s->record, rec::dport);
  }
}

int run_loop(const char* file) {
  char err[PCAP_ERRBUF_SIZE];
  const double t0 = now(), c0 = cpu_seconds();
  pcap_t* p = pcap_open_offline(file, err);
  if (!p) {
    std::fprintf(stderr, "c-loop: %s\n", err);
    return 1;
  }
  LoopState s;
  s.linktype = pcap_datalink(p);
  if (pcap_loop(p, -1, on_packet, reinterpret_cast<u_char*>(&s)) == PCAP_ERROR) {
    std::fprintf(stderr, "c-loop: %s\n", pcap_geterr(p));
    return 1;
  }
  pcap_close(p);
  const double secs = now() - t0, cpu = cpu_seconds() - c0;
  std::printf("RESULT {\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"tcp\":%llu,\"sink\":%llu}\n",
              s.packets, s.bytes, secs, cpu, s.tcp, s.sink % 1000000007ull);
  return 0;
}

u32 load32(const u8* p, bool swap) {
  u32 v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}

// pcap walked in place: the global header (either byte order, µs or ns), then
// records whose lengths are checked against the file's end and the snaplen
// before any byte is read. A cut record ends the walk, as libpcap does.
int run_mmap(const char* file) {
  const double t0 = now(), c0 = cpu_seconds();
  const int fd = open(file, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    std::fprintf(stderr, "c-loop: %s: %s\n", file, std::strerror(errno));
    return 1;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size < 24) {
    std::fprintf(stderr, "c-loop: %s: too short for a pcap header\n", file);
    return 1;
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    std::fprintf(stderr, "c-loop: mmap %s: %s\n", file, std::strerror(errno));
    return 1;
  }
  madvise(map, size, MADV_SEQUENTIAL);
  const u8* base = static_cast<const u8*>(map);
  const u32 magic = load32(base, false);
  bool swap;
  if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) swap = false;
  else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) swap = true;
  else {
    std::fprintf(stderr, "c-loop: %s is not a pcap file (pcapng is not walked by this driver)\n", file);
    return 1;
  }
  const u32 snaplen = load32(base + 16, swap);
  LoopState s;
  s.linktype = static_cast<int>(load32(base + 20, swap) & 0x0fffffff);
  pcap_pkthdr h{};
  for (size_t at = 24; size - at >= 16;) {
    const u32 caplen = load32(base + at + 8, swap), len = load32(base + at + 12, swap);
    if (caplen > size - at - 16 || caplen > (snaplen > 262144 ? snaplen : 262144)) break;
    h.caplen = caplen;
    h.len = len;
    on_packet(reinterpret_cast<u_char*>(&s), &h, base + at + 16);
    at += 16 + static_cast<size_t>(caplen);
  }
  munmap(map, size);
  const double secs = now() - t0, cpu = cpu_seconds() - c0;
  std::printf("RESULT {\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"tcp\":%llu,\"sink\":%llu}\n",
              s.packets, s.bytes, secs, cpu, s.tcp, s.sink % 1000000007ull);
  return 0;
}

int run_dissect(const char* file, long count, long rounds) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(file, err);
  if (!p) {
    std::fprintf(stderr, "c-loop: %s\n", err);
    return 1;
  }
  const int linktype = pcap_datalink(p);
  // Packed as the addon's dissectLoop takes them, so both walk the same memory.
  std::vector<u8> packed;
  std::vector<u32> offs;
  pcap_pkthdr* h;
  const u_char* data;
  unsigned long long bytes = 0;
  while ((long)offs.size() < count && pcap_next_ex(p, &h, &data) == 1) {
    offs.push_back(static_cast<u32>(packed.size()));
    const u32 hdr[2] = {h->caplen, h->len};
    packed.insert(packed.end(), reinterpret_cast<const u8*>(hdr), reinterpret_cast<const u8*>(hdr) + 8);
    packed.insert(packed.end(), data, data + h->caplen);
    packed.resize(packed.size() + ((4 - h->caplen % 4) % 4));
    bytes += h->caplen;
  }
  pcap_close(p);
  alignas(8) u8 record[rec::RECORD_SIZE];
  unsigned long long sink = 0;
  const double t0 = now(), c0 = cpu_seconds();
  for (long r = 0; r < rounds; ++r) {
    for (u32 off : offs) {
      u32 caplen, wirelen;
      std::memcpy(&caplen, &packed[off], 4);
      std::memcpy(&wirelen, &packed[off + 4], 4);
      dissect_packet(&packed[off + 8], caplen, wirelen, linktype, record);
      sink += rec::get32(record, rec::layers);
    }
  }
  const double secs = now() - t0, cpu = cpu_seconds() - c0;
  std::printf("RESULT {\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"sink\":%llu}\n",
              (unsigned long long)offs.size() * rounds, bytes * rounds, secs, cpu, sink % 1000000007ull);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "loop") return run_loop(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "mmap") return run_mmap(argv[2]);
  if (argc == 5 && std::string(argv[1]) == "dissect") return run_dissect(argv[2], std::atol(argv[3]), std::atol(argv[4]));
  std::fprintf(stderr, "usage: c-loop loop|mmap FILE | c-loop dissect FILE COUNT ROUNDS\n");
  return 2;
}
