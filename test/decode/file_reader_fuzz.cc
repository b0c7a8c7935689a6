// libFuzzer target over the whole file path of native/file_reader (pcap and pcapng headers,
// records, blocks, options, windowing) through FileReader::from_memory.
//
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
//       test/decode/file_reader_fuzz.cc native/file_reader.cc native/pcap_format.cc native/pcapng_format.cc
//   ./a.out -max_total_time=30 CORPUS_DIR
//
// libFuzzer hands over a heap block of exactly the input's size, so ASan stops any read past it.
// Each input is read twice: with the default window, and with one-page windows so that the
// window-crossing path (a record that starts near a window's end) is fuzzed too. Invariants are
// checked and every packet byte is read.
#include <cstdio>
#include <cstdlib>

#include "../../native/file_reader.h"

using namespace pktkit;

namespace {

[[noreturn]] void violation(const char* what) {
  std::fprintf(stderr, "file_reader_fuzz: %s\n", what);
  std::abort();
}

u32 walk(const u8* data, size_t size, u32 max) {
  ReaderError err;
  auto r = FileReader::from_memory(data, size, &err);
  if (!r) {
    if (err.code != "EFORMAT" && err.code != "ETRUNCATED") violation("open failed with an unexpected code");
    return 0;
  }
  SourcePacket out[64];
  u32 sum = 0;
  for (;;) {
    u32 n = 0;
    const FileReader::Status s = r->next(out, max, &n);
    if (s == FileReader::Status::kWouldBlock) violation("kWouldBlock from memory");
    if (s == FileReader::Status::kEnd) break;
    if (s == FileReader::Status::kError) {
      const std::string& c = r->error().code;
      if (c != "EFORMAT" && c != "ETRUNCATED") violation("error with an unexpected code");
      break;
    }
    if (n == 0 || n > max) violation("kPackets with a bad count");
    const auto w = r->window();
    for (u32 k = 0; k < n; ++k) {
      const SourcePacket& p = out[k];
      if (p.offset > w->size() || p.caplen > w->size() - p.offset) violation("packet past its window");
      if (w->data() + p.offset < data || w->data() + p.offset + p.caplen > data + size)
        violation("packet outside the input");
      if (p.ts_nsec >= 1000000000u) violation("ts_nsec out of range");
      for (u32 i = 0; i < p.caplen; ++i) sum += w->data()[p.offset + i];
    }
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const u32 max = size ? 1 + data[size - 1] % 64 : 1;
  FileReader::set_max_window_for_tests(0);
  volatile u32 a = walk(data, size, max);
  FileReader::set_max_window_for_tests(4096);
  volatile u32 b = walk(data, size, max);
  FileReader::set_max_window_for_tests(0);
  (void)a;
  (void)b;
  return 0;
}
