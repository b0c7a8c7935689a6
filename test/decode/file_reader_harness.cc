// Test harness for native/file_reader: runs the reader outside the addon so that it can be compared
// with tshark and libpcap, fed mutated files, and timed.
//
//   file_reader_harness print [--window BYTES] [--access map|read|auto] [--chunk BYTES] [--max N]
//                             [--stall-ms MS] FILE|-
//       A <map|read> [probe MAP_NS MAP_BYTES READ_NS READ_BYTES]
//                                                        how the input is read (first line), and
//                                                        what auto measured to choose (large files)
//       H <linktype> <snaplen> <nanosecond 0|1>          once, when the header is known
//       P <sec>.<nsec> <caplen> <wirelen> <linktype> <interface> <fnv1a32 of the bytes, hex>
//       S packets=N batches=N windows=N wouldblock=N    when the input ends or fails
//       E end | E error <CODE> <message> | E stall      the last line
//       O <CODE> <message>                              (only line) open failed
//     Checks on the way (abort on violation): every packet lies inside its window; a window kept
//     from the previous call still holds the same bytes after the reader moved on (unless the reader
//     lends its windows: --access read).
//   file_reader_harness libpcap FILE
//       the same P lines (linktype = pcap_datalink) from libpcap's pcap_next_ex, for comparison.
//   file_reader_harness probe FILE
//       open_us=<microseconds open took> status=<first next()> header_known=<0|1>
//   file_reader_harness check FILE...
//       for each file: `<file> packets=N end=<end|CODE>`. Reads each file five ways and aborts unless
//       they agree: mapped with the default window; mapped with one-page windows (a prefix of the
//       first: a record larger than a page ends it with EFORMAT); read in chunks (Access::kRead) with
//       the default buffer and with a one-page buffer, and through a pipe (files up to 1 MiB), each
//       of which must give exactly the packets and the end of the first.
//   file_reader_harness bench ROUNDS FILE
//       CPU ns per packet walking FILE with the reader and with pcap_next_ex, each touching the first
//       byte of every packet; best of ROUNDS (build with -O2, no sanitizers)
//
// Built by test/decode/file-reader-harness.ts with g++ (and the sanitizers for the tests).
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "../../native/access_probe.h"
#include "../../native/file_reader.h"

using namespace pktkit;

namespace {

u32 fnv1a(const u8* p, u32 n) {
  u32 h = 2166136261u;
  for (u32 i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

const char* status_name(FileReader::Status s) {
  switch (s) {
    case FileReader::Status::kPackets: return "packets";
    case FileReader::Status::kWouldBlock: return "wouldblock";
    case FileReader::Status::kEnd: return "end";
    case FileReader::Status::kError: return "error";
  }
  return "?";
}

[[noreturn]] void violation(const char* what, unsigned long long a, unsigned long long b) {
  std::fprintf(stderr, "file_reader_harness: invariant broken: %s (%llu, %llu)\n", what, a, b);
  std::fflush(stdout);
  std::abort();
}

int print(int argc, char** argv) {
  size_t window = 0, chunk = 0;
  FileReader::Access access = FileReader::Access::kAuto;
  u32 max = 256;
  int stall_ms = 10000;
  int i = 0;
  for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
    if (!std::strcmp(argv[i], "--window")) window = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--max")) max = static_cast<u32>(std::strtoul(argv[i + 1], nullptr, 10));
    else if (!std::strcmp(argv[i], "--stall-ms")) stall_ms = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--chunk")) chunk = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--access"))
      access = !std::strcmp(argv[i + 1], "map")    ? FileReader::Access::kMap
               : !std::strcmp(argv[i + 1], "read") ? FileReader::Access::kRead
                                                   : FileReader::Access::kAuto;
  }
  if (i >= argc || max == 0) return 2;
  FileReader::set_max_window_for_tests(window);
  FileReader::set_read_chunk_for_tests(chunk);
  ReaderError err;
  auto r = FileReader::open(argv[i], &err, access);
  if (!r) {
    std::printf("O %s %s\n", err.code.c_str(), err.message.c_str());
    return 0;
  }
  std::printf("A %s", r->access() == FileReader::Access::kRead ? "read" : "map");
  if (const AccessProbe* m = r->access_probe())
    std::printf(" probe %llu %llu %llu %llu", static_cast<unsigned long long>(m->map.ns),
                static_cast<unsigned long long>(m->map.bytes), static_cast<unsigned long long>(m->read.ns),
                static_cast<unsigned long long>(m->read.bytes));
  std::printf("\n");
  std::vector<SourcePacket> out(max);
  unsigned long long packets = 0, batches = 0, windows = 0, wouldblock = 0;
  bool header = false;
  const ByteWindow* last_window = nullptr;
  // The first packet of the previous batch, and the window that held it.
  std::shared_ptr<ByteWindow> kept;
  SourcePacket kept_packet{};
  u32 kept_hash = 0;
  FileReader::Status s;
  for (;;) {
    u32 n = 0;
    s = r->next(out.data(), max, &n);
    if (kept && fnv1a(kept->data() + kept_packet.offset, kept_packet.caplen) != kept_hash)
      violation("a window kept by the caller changed", kept_packet.offset, kept_packet.caplen);
    if (!header && r->header_known()) {
      header = true;
      std::printf("H %d %u %d\n", r->linktype(), r->snaplen(), r->nanosecond() ? 1 : 0);
    }
    if (s == FileReader::Status::kWouldBlock) {
      ++wouldblock;
      pollfd p{r->poll_fd(), POLLIN, 0};
      if (p.fd < 0) violation("kWouldBlock from a reader with no fd", 0, 0);
      if (poll(&p, 1, stall_ms) == 0) {
        std::printf("E stall\n");
        return 0;
      }
      continue;
    }
    if (s != FileReader::Status::kPackets) break;
    if (n == 0 || n > max) violation("kPackets with a bad count", n, max);
    const std::shared_ptr<ByteWindow> w = r->window();
    if (!w) violation("packets without a window", n, 0);
    if (w.get() != last_window) {
      ++windows;
      last_window = w.get();
    }
    ++batches;
    for (u32 k = 0; k < n; ++k) {
      const SourcePacket& p = out[k];
      if (p.offset > w->size() || p.caplen > w->size() - p.offset)
        violation("packet past its window", p.offset, p.caplen);
      if (p.ts_nsec >= 1000000000u) violation("ts_nsec out of range", p.ts_nsec, 0);
      std::printf("P %u.%09u %u %u %u %u %08x\n", p.ts_sec, p.ts_nsec, p.caplen, p.wirelen, p.linktype, p.interface,
                  fnv1a(w->data() + p.offset, p.caplen));
      ++packets;
    }
    if (r->lends_windows()) continue;  // the next call may overwrite it: that is the contract
    kept = w;
    kept_packet = out[0];
    kept_hash = fnv1a(w->data() + out[0].offset, out[0].caplen);
  }
  if (!header) std::printf("H %d %u %d\n", r->linktype(), r->snaplen(), r->nanosecond() ? 1 : 0);
  std::printf("S packets=%llu batches=%llu windows=%llu wouldblock=%llu\n", packets, batches, windows, wouldblock);
  if (s == FileReader::Status::kEnd) {
    std::printf("E end\n");
  } else {
    if (r->error().code.empty()) violation("kError with no code", 0, 0);
    std::printf("E error %s %s\n", r->error().code.c_str(), r->error().message.c_str());
  }
  return 0;
}

// Every packet of one reading (fields and bytes, hashed) and how it ended.
struct Digest {
  std::vector<u32> packets;
  std::string end;
};

Digest read_all(const std::string& path, FileReader::Access access = FileReader::Access::kMap) {
  Digest d;
  ReaderError err;
  auto r = FileReader::open(path, &err, access);
  if (!r) {
    d.end = err.code;
    return d;
  }
  SourcePacket out[64];
  for (;;) {
    u32 n = 0;
    const FileReader::Status s = r->next(out, 64, &n);
    if (s == FileReader::Status::kWouldBlock) {
      pollfd p{r->poll_fd(), POLLIN, 0};
      if (poll(&p, 1, 10000) == 0) violation("a pipe holding the whole input stalled", 0, 0);
      continue;
    }
    if (s == FileReader::Status::kEnd) {
      d.end = "end";
      break;
    }
    if (s == FileReader::Status::kError) {
      d.end = r->error().code;
      if (d.end != "EFORMAT" && d.end != "ETRUNCATED") violation("an error with an unexpected code", 0, 0);
      break;
    }
    const auto w = r->window();
    for (u32 k = 0; k < n; ++k) {
      const SourcePacket& p = out[k];
      if (p.offset > w->size() || p.caplen > w->size() - p.offset)
        violation("packet past its window", p.offset, p.caplen);
      if (p.ts_nsec >= 1000000000u) violation("ts_nsec out of range", p.ts_nsec, 0);
      u32 fields[6] = {p.caplen, p.wirelen, p.ts_sec, p.ts_nsec, p.linktype, p.interface};
      d.packets.push_back(fnv1a(reinterpret_cast<const u8*>(fields), sizeof fields) ^
                          fnv1a(w->data() + p.offset, p.caplen));
    }
  }
  return d;
}

int check(int argc, char** argv) {
  std::vector<u8> bytes;
  for (int i = 0; i < argc; ++i) {
    const std::string path = argv[i];
    FileReader::set_max_window_for_tests(0);
    const Digest mapped = read_all(path);
    FileReader::set_max_window_for_tests(4096);
    const Digest paged = read_all(path);
    FileReader::set_max_window_for_tests(0);
    // Read in chunks: the default buffer, then one page (every record longer than a page carried
    // into a larger buffer, every other record cut at a page's end carried to the start).
    for (const size_t chunk : {size_t{0}, size_t{4096}}) {
      FileReader::set_read_chunk_for_tests(chunk);
      const Digest chunked = read_all(path, FileReader::Access::kRead);
      FileReader::set_read_chunk_for_tests(0);
      if (chunked.packets != mapped.packets || chunked.end != mapped.end) {
        std::fprintf(stderr, "%s: mapped %zu packets, %s; read in %zu-byte chunks %zu packets, %s\n", path.c_str(),
                     mapped.packets.size(), mapped.end.c_str(), chunk, chunked.packets.size(), chunked.end.c_str());
        violation("reading in chunks gave other packets than the mapped file", chunk, 0);
      }
    }
    if (paged.packets.size() > mapped.packets.size() ||
        !std::equal(paged.packets.begin(), paged.packets.end(), mapped.packets.begin()))
      violation(("one-page windows gave other packets: " + path).c_str(), paged.packets.size(), mapped.packets.size());
    if (paged.packets.size() < mapped.packets.size() && paged.end != "EFORMAT")
      violation(("one-page windows stopped early without EFORMAT: " + path).c_str(), paged.packets.size(),
                mapped.packets.size());
    // The same bytes through a pipe big enough to hold them, its writing end closed.
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) violation("cannot reopen", 0, 0);
    bytes.clear();
    u8 buf[65536];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + got);
    std::fclose(f);
    if (bytes.size() <= (1u << 20)) {
      int fds[2];
      if (pipe(fds) != 0) violation("pipe", 0, 0);
      if (bytes.size() > 65536 && fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) < 0) violation("F_SETPIPE_SZ", 0, 0);
      size_t at = 0;
      while (at < bytes.size()) {
        const ssize_t w = write(fds[1], bytes.data() + at, bytes.size() - at);
        if (w <= 0) violation("write to pipe", at, bytes.size());
        at += static_cast<size_t>(w);
      }
      close(fds[1]);
      const Digest streamed = read_all("/proc/self/fd/" + std::to_string(fds[0]));
      close(fds[0]);
      if (streamed.packets != mapped.packets || streamed.end != mapped.end) {
        std::fprintf(stderr, "%s: mapped %zu packets, %s; pipe %zu packets, %s\n", path.c_str(), mapped.packets.size(),
                     mapped.end.c_str(), streamed.packets.size(), streamed.end.c_str());
        violation("a pipe gave other packets than the mapped file", 0, 0);
      }
    }
    std::printf("%s packets=%zu end=%s\n", path.c_str(), mapped.packets.size(), mapped.end.c_str());
  }
  return 0;
}

int libpcap(const char* path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p) {
    std::printf("O libpcap %s\n", err);
    return 0;
  }
  pcap_pkthdr* h;
  const u_char* data;
  int rc;
  while ((rc = pcap_next_ex(p, &h, &data)) == 1)
    std::printf("P %ld.%09ld %u %u %d 0 %08x\n", static_cast<long>(h->ts.tv_sec), static_cast<long>(h->ts.tv_usec),
                h->caplen, h->len, pcap_datalink(p), fnv1a(data, h->caplen));
  std::printf(rc == PCAP_ERROR ? "E error %s\n" : "E end\n", rc == PCAP_ERROR ? pcap_geterr(p) : "");
  pcap_close(p);
  return 0;
}

int probe(const char* path) {
  const auto t0 = std::chrono::steady_clock::now();
  ReaderError err;
  auto r = FileReader::open(path, &err);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  if (!r) {
    std::printf("open_us=%lld O %s %s\n", static_cast<long long>(us), err.code.c_str(), err.message.c_str());
    return 0;
  }
  SourcePacket out[4];
  u32 n = 0;
  const FileReader::Status s = r->next(out, 4, &n);
  std::printf("open_us=%lld status=%s header_known=%d poll_fd=%d\n", static_cast<long long>(us), status_name(s),
              r->header_known() ? 1 : 0, r->poll_fd() >= 0 ? 1 : 0);
  return 0;
}

// CPU time of this process (user + system, page faults included): on a shared machine, wall time
// measures the neighbours.
double now_ns() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

int bench(int rounds, const char* path) {
  double best_reader = 1e300, best_pcap = 1e300;
  unsigned long long packets = 0, sink = 0;
  std::vector<SourcePacket> out(1024);
  for (int round = 0; round < rounds; ++round) {
    // Each side touches the first byte of every packet, as any consumer would.
    double t0 = now_ns();
    ReaderError err;
    auto r = FileReader::open(path, &err);
    if (!r) {
      std::fprintf(stderr, "%s\n", err.message.c_str());
      return 1;
    }
    unsigned long long n_reader = 0;
    u32 n;
    while (r->next(out.data(), static_cast<u32>(out.size()), &n) == FileReader::Status::kPackets) {
      const u8* base = r->window()->data();
      for (u32 k = 0; k < n; ++k) sink += base[out[k].offset] + out[k].caplen;
      n_reader += n;
    }
    r.reset();
    const double reader_ns = now_ns() - t0;
    t0 = now_ns();
    char e[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path, e);
    if (!p) {
      std::fprintf(stderr, "%s\n", e);
      return 1;
    }
    pcap_pkthdr* h;
    const u_char* data;
    unsigned long long n_pcap = 0;
    while (pcap_next_ex(p, &h, &data) == 1) {
      sink += data[0] + h->caplen;
      ++n_pcap;
    }
    pcap_close(p);
    const double pcap_ns = now_ns() - t0;
    if (n_pcap != n_reader) {
      std::fprintf(stderr, "packet counts differ: reader %llu, libpcap %llu\n", n_reader, n_pcap);
      return 1;
    }
    packets = n_reader;
    if (reader_ns < best_reader) best_reader = reader_ns;
    if (pcap_ns < best_pcap) best_pcap = pcap_ns;
  }
  std::printf("{\"packets\":%llu,\"reader_cpu_ns_per_packet\":%.2f,\"libpcap_cpu_ns_per_packet\":%.2f,\"sink\":%llu}\n",
              packets, best_reader / static_cast<double>(packets), best_pcap / static_cast<double>(packets), sink & 1);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && !std::strcmp(argv[1], "print")) return print(argc - 2, argv + 2);
  if (argc == 3 && !std::strcmp(argv[1], "libpcap")) return libpcap(argv[2]);
  if (argc == 3 && !std::strcmp(argv[1], "probe")) return probe(argv[2]);
  if (argc >= 3 && !std::strcmp(argv[1], "check")) return check(argc - 2, argv + 2);
  if (argc == 4 && !std::strcmp(argv[1], "bench")) return bench(std::atoi(argv[2]), argv[3]);
  std::fprintf(stderr,
               "usage: file_reader_harness print [--window B] [--max N] [--stall-ms MS] FILE | libpcap FILE | probe "
               "FILE | bench ROUNDS FILE\n");
  return 2;
}
