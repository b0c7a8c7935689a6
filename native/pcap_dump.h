// Classic pcap records written from a batch: each packet's 16-byte record
// header, then its bytes from where the kernel's ring or the mapped file holds
// them, gathered in a 256 KiB buffer per thread and written a buffer at a time
// (packets longer than the buffer go out with writev). The CLI's `-w FILE` and
// PcapWriter.writeBatch() use it; the file header and pcapng stay with
// lib/pcap-writer.ts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "record.h"

namespace pktkit {

struct PcapDumpRun {
  // In: the batch's records and the buffer their dataOff points into.
  const u8* slots = nullptr;
  u32 from = 0;
  u32 to = 0;
  const u8* base = nullptr;
  size_t size = 0;
  // In: the file's snap length (longer packets are cut, keeping their wire
  // length) and stamp resolution.
  u32 snaplen = 262144;
  bool nano = false;
  // In: stop before a packet when the file already holds more than
  // `size_limit` bytes (-C), or when the packet's second is `ts_limit` or
  // later (-G). Negative: no limit.
  double size_limit = -1;
  double ts_limit = -1;
  // In and out: the file's bytes so far. Out: the first packet not written.
  double bytes = 0;
  u32 next = 0;
  // Out: errno of a failed write (0: none).
  int error = 0;
};

// Writes records [from, to) to `fd` until a limit stops it. Blocks until the
// kernel took every byte (a non-blocking descriptor is waited on), as the
// synchronous JS writer does.
void dump_pcap_records(int fd, PcapDumpRun* run);

}  // namespace pktkit
