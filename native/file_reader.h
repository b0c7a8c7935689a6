// Our own pcap / pcapng reader: bounds-checked, over large chunks read into one reused buffer (a
// regular file, Access::kRead; a pipe), or over a memory-mapped file (in windows, Access::kMap), so
// that packets are handed out where those bytes are (no copy per packet). Pure C++: no N-API, no
// libpcap. The capture engine wires it to JS.
//
//   pcap:   https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/
//   pcapng: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/
//
// Nothing read from the input sizes memory without a bound (kMaxRecordBytes); every length is
// checked against the bytes present before anything is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace pktkit {

struct AccessProbe;  // access_probe.h

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;

// Bytes that packets point into: a mapped window of a file, or a chunk read from a pipe. Shared: the JS
// ArrayBuffer over it holds one reference, the reader another; unmapped/freed when the last goes.
// For a pipe chunk, size() is the chunk's capacity: bytes past the last packet handed out may still be
// filled by later reads (never bytes any packet already handed out points into); unfilled bytes are zero.
class ByteWindow {
 public:
  virtual ~ByteWindow() = default;
  const u8* data() const { return data_; }
  size_t size() const { return size_; }

 protected:
  ByteWindow(const u8* data, size_t size) : data_(data), size_(size) {}
  const u8* data_;
  size_t size_;
};

struct SourcePacket {
  u32 offset;     // first packet byte, relative to window()->data()
  u32 caplen;     // bytes present (never past the window)
  u32 wirelen;    // original length
  u32 ts_sec;     // seconds since the epoch
  u32 ts_nsec;    // nanoseconds within the second (if_tsresol/if_tsoffset applied)
  u16 linktype;   // DLT/LINKTYPE of this packet's interface
  u16 interface;  // pcapng interface id within its section (0 for pcap)
};

struct ReaderError {
  std::string code;
  std::string message;
};  // code: ENOENT EACCES EISDIR EIO EFORMAT ETRUNCATED

// The largest record (pcap record or pcapng block) accepted from any input: a bound on what a
// length field may make us map or allocate. Larger is EFORMAT.
constexpr u32 kMaxRecordBytes = 64u << 20;

class FileReader {
 public:
  enum class Status { kPackets, kWouldBlock, kEnd, kError };
  // How a regular file's bytes reach the caller (pipes, FIFOs and stdin are always read in chunks).
  //   kMap   mapped in windows: packets are read where the page cache holds them, and a window
  //          stays valid for as long as anyone holds it.
  //   kRead  pread() into one buffer that the reader reuses: a window is LENT, valid only until
  //          the next call of next() (lends_windows()). The kernel's copy streams the bytes into
  //          the cache, and the buffer stays there.
  //   kAuto  mapped under 8 MiB; from there, the one that measures cheaper on the file's first
  //          slices (access_probe.h), since that differs between machines.
  enum class Access { kAuto, kMap, kRead };
  // Opens a path; "-" is standard input (a dup of fd 0). NEVER blocks: a FIFO or pipe is opened O_NONBLOCK
  // (a FIFO with no writer must not wedge the caller). Regular files are read as `access` says
  // (kAuto: see Access); pipes, FIFOs, character devices and stdin are read with large chunked
  // non-blocking read()s.
  // Returns nullptr and fills *error for open errors (ENOENT, EACCES, EISDIR, EIO) and, for regular files,
  // for a bad header (EFORMAT: "not a pcap or pcapng file").
  static std::unique_ptr<FileReader> open(const std::string& path, ReaderError* error, Access access = Access::kAuto);
  // Over caller-owned memory (fuzzing, tests): no copy, no mapping.
  static std::unique_ptr<FileReader> from_memory(const u8* data, size_t size, ReaderError* error);
  virtual ~FileReader();
  // Up to `max` packets into out[0..*count). Every packet of one call lies in the same window(), which
  // stays valid (shared_ptr) as long as anyone holds it. kPackets with *count >= 1; kWouldBlock (pipe: no
  // whole packet yet: poll poll_fd() for POLLIN and call again); kEnd (clean end of input); kError (error():
  // ETRUNCATED when the input ends inside a record/block, after every whole packet was returned; EFORMAT for
  // contradictions). Never allocates per packet.
  virtual Status next(SourcePacket* out, u32 max, u32* count) = 0;
  virtual std::shared_ptr<ByteWindow> window() const = 0;
  // True when window() is lent (Access::kRead): the next call of next() may overwrite its bytes.
  virtual bool lends_windows() const { return false; }
  // The access this reader uses for a regular file (kMap or kRead); kRead for pipes.
  virtual Access access() const = 0;
  virtual int poll_fd() const = 0;  // pipe/FIFO/stdin: the fd to poll; -1 for mapped files
  // For kAuto on a regular file of 8 MiB or more, the measurement behind access(); else nullptr.
  virtual const AccessProbe* access_probe() const { return nullptr; }
  virtual const ReaderError& error() const = 0;
  virtual bool header_known() const = 0;  // false for a pipe until its header arrived (then next() gives kWouldBlock)
  virtual int linktype() const = 0;       // first interface's link type (-1 before header_known())
  virtual u32 snaplen() const = 0;        // first interface's snaplen as reported (clamped to 262144; 0 -> 262144)
  virtual bool nanosecond() const = 0;    // true when the first interface's resolution is finer than 1 us
  // Tests only: the largest window a mapped file uses (default 1 GiB), so windowing is tested on small files.
  static void set_max_window_for_tests(size_t bytes);
  // Tests and measurements: Access::kRead's buffer size (0: the default), a whole number of pages.
  static void set_read_chunk_for_tests(size_t bytes);
};

}  // namespace pktkit
