// libFuzzer target over the whole file path of native/file_reader (pcap and pcapng headers,
// records, blocks, options, windowing) through FileReader::from_memory.
//
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
//       test/decode/file_reader_fuzz.cc native/file_reader.cc native/access_probe.cc native/pcap_format.cc \
//       native/pcapng_format.cc
//   ./a.out -max_total_time=30 CORPUS_DIR
//
// libFuzzer hands over a heap block of exactly the input's size, so ASan stops any read past it.
// Each input is read twice: with the default window, and with one-page windows so that the
// window-crossing path (a record that starts near a window's end) is fuzzed too, and a third time
// from a memfd through FileReader::open with Access::kRead and a one-page buffer (records carried
// across buffers, grown for records longer than a page), which must give the same packets, bytes
// and end as the first reading. Invariants are checked and every packet byte is read. The memfd also
// goes through the probe behind `access: 'auto'` (one-page slices), which walks the same records.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "../../native/access_probe.h"
#include "../../native/file_reader.h"

using namespace pktkit;

namespace {

[[noreturn]] void violation(const char* what) {
  std::fprintf(stderr, "file_reader_fuzz: %s\n", what);
  std::abort();
}

struct Walked {
  u32 sum = 0;
  u32 packets = 0;
  std::string end;
};

// `fd` >= 0: the input is that file, read with Access::kRead; else from memory.
Walked walk(const u8* data, size_t size, u32 max, int fd = -1) {
  Walked w_out;
  ReaderError err;
  auto r = fd < 0 ? FileReader::from_memory(data, size, &err)
                  : FileReader::open("/proc/self/fd/" + std::to_string(fd), &err, FileReader::Access::kRead);
  if (!r) {
    if (err.code != "EFORMAT" && err.code != "ETRUNCATED") violation("open failed with an unexpected code");
    w_out.end = "open " + err.code;
    return w_out;
  }
  if (fd >= 0 && !r->lends_windows()) violation("Access::kRead did not read in chunks");
  SourcePacket out[64];
  for (;;) {
    u32 n = 0;
    const FileReader::Status s = r->next(out, max, &n);
    if (s == FileReader::Status::kWouldBlock) violation("kWouldBlock from memory");
    if (s == FileReader::Status::kEnd) {
      w_out.end = "end";
      break;
    }
    if (s == FileReader::Status::kError) {
      const std::string& c = r->error().code;
      if (c != "EFORMAT" && c != "ETRUNCATED") violation("error with an unexpected code");
      w_out.end = c;
      break;
    }
    if (n == 0 || n > max) violation("kPackets with a bad count");
    const auto w = r->window();
    for (u32 k = 0; k < n; ++k) {
      const SourcePacket& p = out[k];
      if (p.offset > w->size() || p.caplen > w->size() - p.offset) violation("packet past its window");
      if (fd < 0 && (w->data() + p.offset < data || w->data() + p.offset + p.caplen > data + size))
        violation("packet outside the input");
      if (p.ts_nsec >= 1000000000u) violation("ts_nsec out of range");
      for (u32 i = 0; i < p.caplen; ++i) w_out.sum = w_out.sum * 31 + w->data()[p.offset + i];
      w_out.sum += p.caplen ^ p.wirelen ^ p.ts_sec ^ p.ts_nsec;
      ++w_out.packets;
    }
  }
  return w_out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const u32 max = size ? 1 + data[size - 1] % 64 : 1;
  FileReader::set_max_window_for_tests(0);
  const Walked a = walk(data, size, max);
  FileReader::set_max_window_for_tests(4096);
  volatile u32 b = walk(data, size, max).sum;
  FileReader::set_max_window_for_tests(0);
  (void)b;
  // The same bytes as a file, read in one-page chunks.
  const int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
  if (fd < 0) violation("memfd_create");
  for (size_t at = 0; at < size;) {
    const ssize_t n = write(fd, data + at, size - at);
    if (n <= 0) violation("write to the memfd");
    at += static_cast<size_t>(n);
  }
  FileReader::set_read_chunk_for_tests(4096);
  const Walked c = walk(data, size, max, fd);
  FileReader::set_read_chunk_for_tests(0);
  // The probe walks whole records only, of the file's bytes only, and never more than it was given.
  const AccessProbe probe = probe_access(fd, 0, size, 4096, 8);
  if (probe.map.bytes > 4096 || probe.read.bytes > 4096 || probe.map.bytes + probe.read.bytes > size)
    violation("the probe walked more than its slices");
  close(fd);
  // An empty file opens as EFORMAT both ways; from memory there is no "file" to be empty, same code.
  if (c.sum != a.sum || c.packets != a.packets || c.end != a.end) {
    std::fprintf(stderr, "from memory: %u packets, %s; read in chunks: %u packets, %s\n", a.packets, a.end.c_str(),
                 c.packets, c.end.c_str());
    violation("reading in chunks gave other packets than reading from memory");
  }
  return 0;
}
