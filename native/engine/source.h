// A packet source feeds the JS thread's batches: it writes fixed-stride records
// (record.def) into the capture's record slots, each pointing at packet bytes
// in one byte buffer that JS sees as an ArrayBuffer. Sources run on the JS
// thread only: there is no capture thread. A source that has nothing now says
// so (kIdle) and names the descriptor libuv should poll before asking again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "../errors.h"
#include "record_sink.h"

namespace pktkit {

// What went wrong, as facts: lib/errors.ts words the message (native/errors.h).
using SourceError = ErrorFacts;

// The memory a batch's records point into, and what keeps it alive.
struct ByteBuffer {
  const u8* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owner;
};

// Counters a source keeps beyond what the sink counts.
struct SourceCounters {
  uint64_t kernel_received = 0;    // packets that passed the kernel filter (incl. those it dropped)
  uint64_t kernel_dropped = 0;     // no room in the kernel's buffer
  uint64_t interface_dropped = 0;  // dropped by the interface or driver (libpcap's ps_ifdrop)
  uint64_t skipped = 0;            // counted by the kernel but not ours (loopback's outgoing twins, direction)
  bool from_kernel = false;        // whether the kernel_* counters mean anything (live only)
};

class Source {
 public:
  enum class Status { kPackets, kIdle, kEnd, kError };
  virtual ~Source() = default;

  // Hands back what the previous fill() lent to JS (kernel blocks, a window),
  // then writes up to sink.capacity() records. JS has moved past the previous
  // batch when it calls this.
  virtual Status fill(RecordSink& sink) = 0;
  // The descriptor to poll for readability after kIdle.
  virtual int poll_fd() const = 0;
  // Identity of the byte buffer the last fill() pointed records into; a new
  // value means JS needs a new ArrayBuffer over buffer().
  virtual const void* buffer_id() const = 0;
  virtual ByteBuffer buffer() const = 0;
  virtual void counters(SourceCounters* out) = 0;
  // Stops receiving and frees kernel resources. Bytes JS may still hold stay
  // readable; a batch that JS holds stays intact when `keep_lent` is true.
  virtual void stop(bool keep_lent) = 0;

  const SourceError& error() const { return error_; }
  void clear_error() { error_ = {}; }

  const char* engine = "file";  // which engine serves it: afpacket, libpcap, file
  int linktype = 1;
  uint32_t snaplen = 262144;
  bool nanosecond = true;
  std::string warning;

 protected:
  SourceError error_;
};

}  // namespace pktkit
