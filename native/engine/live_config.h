// What a live capture was asked for, as lib/capture.ts validated it.
#pragma once

#include <cstdint>
#include <string>

namespace pktkit {

struct LiveConfig {
  std::string device;
  std::string filter;
  uint32_t snaplen = 262144;
  bool promisc = true;
  bool immediate = false;
  uint32_t buffer_size = 0;  // kernel buffer in bytes; 0 = the engine's default
  uint32_t ring_size = 0;    // the AF_PACKET ring when buffer_size is 0 (the former ring option)
  int timeout_ms = 100;
  std::string direction = "inout";
  int linktype = -1;      // -1: the interface's own (SLL2 on `any`)
  int fanout_group = -1;  // PACKET_FANOUT group id, -1 = no fanout
  int fanout_mode = 0;    // PACKET_FANOUT_HASH ...
};

}  // namespace pktkit
