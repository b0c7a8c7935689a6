// libFuzzer target over the dissector as captures run it: RecordSink::put() (native/engine/
// record_sink.h), which dissects into a record slot and writes the columns beside it.
//
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
//       test/decode/dissect_fuzz.cc native/dissect/*.cc native/engine/packet_filter.cc -lpcap
//   ./a.out -max_total_time=30 CORPUS_DIR
//
// An input is two bytes of settings and the packet: byte 0 picks the link type, byte 1 how the
// wire length relates to the captured one (equal, longer, shorter: a lying file, or 2^32 - 1).
// The packet is copied into a heap block of exactly its length, so ASan stops a read one byte
// past it. Coverage guides the mutations into the header chains that the mutation harness
// (dissect_harness.cc) reaches only by chance. Each input is dissected twice, into slots and
// columns filled beforehand with different bytes: the two must agree byte for byte (a field the
// dissector forgot to write would differ), and the record must keep the invariants in
// record_invariants.h. The columns must hold what the record says.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../../native/engine/columns.h"
#include "../../native/engine/record_sink.h"
#include "record_invariants.h"

using namespace pktkit;

namespace {

constexpr u32 kSlots = 2;  // the packet goes into slot 1, so a write before it would land in slot 0

struct Area {
  u8 slots[kSlots * rec::RECORD_SIZE];
  u8 columns[columns::total_bytes(kSlots)];
};

[[noreturn]] void violation(const char* what, const u8* data, u32 caplen, u32 wirelen, int linktype) {
  std::fprintf(stderr, "dissect_fuzz: %s\nlinktype %d caplen %u wirelen %u\n", what, linktype, caplen, wirelen);
  for (u32 i = 0; i < caplen && i < 256; ++i) std::fprintf(stderr, "%02x%s", data[i], i % 32 == 31 ? "\n" : "");
  std::fprintf(stderr, "\n");
  std::abort();
}

// Puts the packet into slot 1 of `area`, whose bytes are all `fill` beforehand.
void put(Area& area, u8 fill, const u8* data, u32 caplen, u32 wirelen, int linktype) {
  std::memset(&area, fill, sizeof area);
  RecordSink sink(area.slots, kSlots, area.columns);
  sink.begin(data);
  sink.write_columns();
  // Slot 0 first, from an empty packet, so that the packet under test is not the first one.
  sink.put(data, 0, 0, linktype, 0, 0, 0);
  sink.put(data, caplen, wirelen, linktype, 1, 2, 3);
}

u32 column(const Area& area, columns::Id id, u32 i) {
  const size_t at = id * columns::region_bytes(kSlots);
  switch (columns::kDefs[id].type) {
    case columns::Type::kU8: return area.columns[at + i];
    case columns::Type::kU16: return rec::get16(area.columns, static_cast<u32>(at + i * 2));
    case columns::Type::kU32: return rec::get32(area.columns, static_cast<u32>(at + i * 4));
  }
  return 0;
}

const char* check_columns(const Area& area, u32 i) {
  const u8* r = area.slots + i * rec::RECORD_SIZE;
  const u32 layers = rec::get32(r, rec::layers);
  const bool ip = layers & (rec::layer_bit(rec::LAYER_IPV4) | rec::layer_bit(rec::LAYER_IPV6));
  const bool tcp = layers & rec::layer_bit(rec::LAYER_TCP);
  const bool udp = layers & rec::layer_bit(rec::LAYER_UDP);
  if (column(area, columns::kFrameLen, i) != rec::get32(r, rec::wireLen)) return "frame.len column";
  if (column(area, columns::kIpProto, i) != (ip ? r[rec::ipProto] : 0u)) return "ip.proto column";
  if (column(area, columns::kTcpSport, i) != (tcp ? rec::get16(r, rec::sport) : 0u)) return "tcp.sport column";
  if (column(area, columns::kTcpDport, i) != (tcp ? rec::get16(r, rec::dport) : 0u)) return "tcp.dport column";
  if (column(area, columns::kTcpFlags, i) != (tcp ? rec::get16(r, rec::tcpFlags) : 0u)) return "tcp.flags column";
  if (column(area, columns::kUdpSport, i) != (udp ? rec::get16(r, rec::sport) : 0u)) return "udp.sport column";
  if (column(area, columns::kUdpDport, i) != (udp ? rec::get16(r, rec::dport) : 0u)) return "udp.dport column";
  return nullptr;
}

Area first_area;
Area second_area;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  if (size < 2 || size - 2 > 65535) return 0;
  const int linktype = kFuzzLinkTypes[input[0] % (sizeof kFuzzLinkTypes / sizeof kFuzzLinkTypes[0])];
  const u32 caplen = static_cast<u32>(size - 2);
  u32 wirelen = caplen;
  switch (input[1] & 3) {
    case 1: wirelen = caplen + (input[1] >> 2) * 97u; break;  // longer: a snap length cut it
    case 2: wirelen = caplen * (input[1] >> 2) / 64u; break;  // shorter: a lying file
    case 3: wirelen = (input[1] & 4) ? 0xffffffffu : 0; break;
    default: break;
  }
  // Exactly caplen bytes on the heap: one byte more read is an ASan report.
  u8* data = static_cast<u8*>(std::malloc(caplen ? caplen : 1));
  if (caplen) std::memcpy(data, input + 2, caplen);
  put(first_area, 0xa5, data, caplen, wirelen, linktype);
  put(second_area, 0x5a, data, caplen, wirelen, linktype);
  const u8* r = first_area.slots + rec::RECORD_SIZE;
  if (std::memcmp(first_area.slots, second_area.slots, sizeof first_area.slots) != 0)
    violation("the record depends on what the slot held before (a field left unwritten)", data, caplen, wirelen,
              linktype);
  if (const char* what = check_invariants(r, caplen, wirelen, linktype))
    violation(what, data, caplen, wirelen, linktype);
  if (rec::get32(r, rec::dataOff) != 0 || rec::get32(r, rec::tsSec) != 1 || rec::get32(r, rec::tsNsec) != 2 ||
      rec::get16(r, rec::iface) != 3)
    violation("the source's fields were not kept", data, caplen, wirelen, linktype);
  for (u32 i = 0; i < kSlots; ++i)
    if (const char* what = check_columns(first_area, i)) violation(what, data, caplen, wirelen, linktype);
  std::free(data);
  return 0;
}
