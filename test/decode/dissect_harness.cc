// Test harness for native/dissect: runs dissect_packet() outside the addon so
// the dissector can be checked against tshark and fuzzed under ASan/UBSan.
//
//   dissect_harness print FILE.pcap
//       one JSON object per packet: every record.def field by name, plus the
//       IP addresses as text ("src", "dst").
//   dissect_harness fuzz SEED ITERATIONS FILE.pcap...
//       mutates the packets of the files (bit flips, byte and word overwrites,
//       truncation, growth with random bytes, random link types, lying wire
//       lengths) with a seeded generator, so a failure replays exactly. Every
//       packet lives in a heap block of exactly caplen bytes, so ASan catches
//       a read one byte past it. Record invariants are checked after each call;
//       a violation prints the packet and aborts. Ends with a summary line.
//   dissect_harness bench ROUNDS FILE.pcap...
//       dissects every packet ROUNDS times and prints ns per packet; only
//       meaningful in a build without the sanitizers (-O2).
//
// Built by test/decode/dissect-fuzz.test.ts and dissect-vs-tshark.test.ts:
//   g++ -std=c++17 -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
//       test/decode/dissect_harness.cc native/dissect/*.cc -lpcap
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../../native/dissect/dissect.h"
#include "record_invariants.h"

using namespace pktkit;

namespace {

struct Sample {
  int linktype;
  u32 wirelen;
  std::vector<u8> bytes;
};

bool read_pcap(const char* path, std::vector<Sample>& out) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path, err);
  if (!p) {
    std::fprintf(stderr, "%s: %s\n", path, err);
    return false;
  }
  const int linktype = pcap_datalink(p);
  pcap_pkthdr* hdr;
  const u_char* data;
  int rc;
  while ((rc = pcap_next_ex(p, &hdr, &data)) == 1)
    out.push_back(Sample{linktype, hdr->len, std::vector<u8>(data, data + hdr->caplen)});
  if (rc == PCAP_ERROR) std::fprintf(stderr, "%s: %s\n", path, pcap_geterr(p));
  pcap_close(p);
  return rc != PCAP_ERROR;
}

std::string address(const u8* r, u32 field) {
  char text[INET6_ADDRSTRLEN] = "";
  const u8 version = r[rec::ipVersion];
  const bool arp = rec::get32(r, rec::layers) & rec::layer_bit(rec::LAYER_ARP);
  if (version == 6) inet_ntop(AF_INET6, r + field, text, sizeof text);
  else if (version == 4 || arp) inet_ntop(AF_INET, r + field, text, sizeof text);
  return text;
}

void print_record(u32 n, const u8* r) {
  std::printf("{\"n\":%u", n);
#define FIELD_u8(name, offset) std::printf(",\"%s\":%u", #name, r[offset]);
#define FIELD_u16(name, offset) std::printf(",\"%s\":%u", #name, rec::get16(r, offset));
#define FIELD_u32(name, offset) std::printf(",\"%s\":%u", #name, rec::get32(r, offset));
#define FIELD_b16(name, offset)                                    \
  std::printf(",\"%s\":\"", #name);                                \
  for (u32 i = 0; i < 16; ++i) std::printf("%02x", r[offset + i]); \
  std::printf("\"");
#define FIELD(name, type, offset) FIELD_##type(name, offset)
#define CONST(name, value)
#include "../../native/record.def"
#undef FIELD
#undef CONST
  std::printf(",\"src\":\"%s\",\"dst\":\"%s\"}\n", address(r, rec::ipSrc).c_str(), address(r, rec::ipDst).c_str());
}

int print_file(const char* path) {
  std::vector<Sample> samples;
  if (!read_pcap(path, samples)) return 1;
  u8 r[rec::RECORD_SIZE];
  u32 n = 0;
  for (const Sample& s : samples) {
    dissect_packet(s.bytes.data(), static_cast<u32>(s.bytes.size()), s.wirelen, s.linktype, r);
    print_record(++n, r);
  }
  return 0;
}

// splitmix64: tiny, seedable, and good enough to pick mutations.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  u32 below(u32 n) { return n ? static_cast<u32>(next() % n) : 0; }
};

const u8 kInteresting8[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x05, 0x06, 0x0f, 0x11, 0x2c, 0x3a,
                            0x3b, 0x32, 0x33, 0x2b, 0x3c, 0x45, 0x4f, 0x46, 0x60, 0x50, 0xf0};
const u16 kInteresting16[] = {0x0000, 0xffff, 0x8100, 0x88a8, 0x9100, 0x0800, 0x86dd, 0x0806,
                              0x05dc, 0x05dd, 0x0001, 0x0014, 0x0028, 0x2000, 0x1fff, 0x3fff};

void mutate(Rng& rng, std::vector<u8>& b) {
  const u32 ops = 1 + rng.below(4);
  for (u32 op = 0; op < ops; ++op) {
    const u32 n = static_cast<u32>(b.size());
    switch (rng.below(8)) {
      case 0:  // flip a few bits
        for (u32 k = 1 + rng.below(8); n && k; --k) b[rng.below(n)] ^= static_cast<u8>(1u << rng.below(8));
        break;
      case 1:  // an interesting byte
        if (n) b[rng.below(n)] = kInteresting8[rng.below(sizeof kInteresting8)];
        break;
      case 2:  // an interesting big-endian word
        if (n >= 2) {
          const u32 at = rng.below(n - 1);
          const u16 v = kInteresting16[rng.below(sizeof kInteresting16 / 2)];
          b[at] = static_cast<u8>(v >> 8);
          b[at + 1] = static_cast<u8>(v);
        }
        break;
      case 3:  // truncate
        b.resize(rng.below(n + 1));
        break;
      case 4:  // grow or shrink to a random length 0..2000, new bytes random
      {
        const u32 len = rng.below(2001);
        const u32 old = n;
        b.resize(len);
        for (u32 i = old; i < len; ++i) b[i] = static_cast<u8>(rng.next());
        break;
      }
      case 5:  // duplicate a chunk in place (stacks tags and extension headers)
        if (n) {
          const u32 from = rng.below(n);
          const u32 len = 1 + rng.below(std::min<u32>(n - from, 64));
          const u32 at = rng.below(n + 1);
          std::vector<u8> chunk(b.begin() + from, b.begin() + from + len);
          b.insert(b.begin() + at, chunk.begin(), chunk.end());
        }
        break;
      case 6:  // a random byte
        if (n) b[rng.below(n)] = static_cast<u8>(rng.next());
        break;
      default:  // leave it alone this round
        break;
    }
  }
}

[[noreturn]] void violation(const char* what, const u8* data, u32 caplen, u32 wirelen, int linktype, const u8* r,
                            uint64_t iteration) {
  std::fprintf(stderr, "invariant broken at iteration %llu: %s\nlinktype %d caplen %u wirelen %u\n",
               static_cast<unsigned long long>(iteration), what, linktype, caplen, wirelen);
  for (u32 i = 0; i < caplen; ++i) std::fprintf(stderr, "%02x%s", data[i], i % 32 == 31 ? "\n" : "");
  std::fprintf(stderr, "\n");
  std::fflush(stdout);
  print_record(0, r);
  std::fflush(stdout);
  std::abort();
}

int fuzz(uint64_t seed, uint64_t iterations, int nfiles, char** files) {
  std::vector<Sample> samples;
  for (int i = 0; i < nfiles; ++i)
    if (!read_pcap(files[i], samples)) return 1;
  if (samples.empty()) {
    std::fprintf(stderr, "no packets to mutate\n");
    return 1;
  }
  Rng rng{seed};
  u8* r = static_cast<u8*>(std::malloc(rec::RECORD_SIZE));
  uint64_t layer_hits[32] = {};
  uint64_t flag_hits[8] = {};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<u8> work;
  for (uint64_t it = 0; it < iterations; ++it) {
    const Sample& s = samples[rng.below(static_cast<u32>(samples.size()))];
    work = s.bytes;
    int linktype = s.linktype;
    // One in ten is passed through unmutated, so the seeds' own paths stay covered.
    if (rng.below(10) != 0) mutate(rng, work);
    if (rng.below(8) == 0) linktype = kFuzzLinkTypes[rng.below(sizeof kFuzzLinkTypes / sizeof kFuzzLinkTypes[0])];
    const u32 caplen = static_cast<u32>(work.size());
    u32 wirelen = caplen;
    switch (rng.below(10)) {
      case 0: wirelen = caplen + rng.below(3000); break;
      case 1: wirelen = rng.below(caplen + 1); break;  // a lying file
      case 2: wirelen = 0xffffffffu; break;
      default: break;
    }
    // Exactly caplen bytes on the heap: one byte more read is an ASan report.
    u8* data = static_cast<u8*>(std::malloc(caplen ? caplen : 1));
    if (caplen) std::memcpy(data, work.data(), caplen);
    std::memset(r, 0xa5, rec::RECORD_SIZE);  // dissect_packet must overwrite everything
    dissect_packet(caplen ? data : nullptr, caplen, wirelen, linktype, r);
    if (const char* what = check_invariants(r, caplen, wirelen, linktype))
      violation(what, data, caplen, wirelen, linktype, r, it);
    const u32 layers = rec::get32(r, rec::layers);
    for (u32 b = 0; b < 32; ++b)
      if (layers & (1u << b)) ++layer_hits[b];
    const u32 flags = rec::get32(r, rec::flags);
    for (u32 b = 0; b < 8; ++b)
      if (flags & (1u << b)) ++flag_hits[b];
    std::free(data);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::free(r);
  // One JSON line the test reads: how much each layer and flag was exercised.
  std::printf("{\"iterations\":%llu,\"seconds\":%.3f,\"samples\":%zu,\"layers\":[",
              static_cast<unsigned long long>(iterations), secs, samples.size());
  for (u32 b = 0; b < 13; ++b) std::printf("%s%llu", b ? "," : "", static_cast<unsigned long long>(layer_hits[b]));
  std::printf("],\"flags\":[");
  for (u32 b = 0; b < 7; ++b) std::printf("%s%llu", b ? "," : "", static_cast<unsigned long long>(flag_hits[b]));
  std::printf("]}\n");
  return 0;
}

int bench(uint64_t rounds, int nfiles, char** files) {
  std::vector<Sample> samples;
  for (int i = 0; i < nfiles; ++i)
    if (!read_pcap(files[i], samples)) return 1;
  u8 r[rec::RECORD_SIZE];
  u32 sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t k = 0; k < rounds; ++k) {
    for (const Sample& s : samples) {
      dissect_packet(s.bytes.data(), static_cast<u32>(s.bytes.size()), s.wirelen, s.linktype, r);
      sink += rec::get32(r, rec::layers);  // keeps the calls from being optimised away
    }
  }
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  const double packets = static_cast<double>(rounds) * static_cast<double>(samples.size());
  std::printf("{\"packets\":%.0f,\"nsPerPacket\":%.2f,\"sink\":%u}\n", packets, ns / packets, sink);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "print") == 0) return print_file(argv[2]);
  if (argc >= 5 && std::strcmp(argv[1], "fuzz") == 0)
    return fuzz(std::strtoull(argv[2], nullptr, 10), std::strtoull(argv[3], nullptr, 10), argc - 4, argv + 4);
  if (argc >= 4 && std::strcmp(argv[1], "bench") == 0)
    return bench(std::strtoull(argv[2], nullptr, 10), argc - 3, argv + 3);
  std::fprintf(stderr, "usage: %s print FILE.pcap | fuzz SEED ITERATIONS FILE.pcap... | bench ROUNDS FILE.pcap...\n",
               argv[0]);
  return 2;
}
