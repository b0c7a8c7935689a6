// FileReader: where the bytes come from (a regular file read in chunks into one reused buffer, a
// mapped window of a regular file, caller memory, chunks read from a pipe), and the loop that
// hands them to a format (pcap_format.cc, pcapng_format.cc).
//
// A record is walked only when it is whole in the current window or chunk. When it is not, the
// source makes it whole: a regular file read in chunks moves the record to its buffer's start and
// reads on behind it (the buffer is lent: the caller has moved on when it calls again); a mapped
// file maps a new window starting at the page that holds the record; a pipe reads more, and when
// the chunk is full, carries the partial record into a NEW chunk (JS may still hold the old one).
// That happens only between calls that return packets, so all packets of one next() lie in one
// window.
#include "file_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "access_probe.h"
#include "file_format.h"
#include "prefaulted_memory.h"

namespace pktkit {
namespace {

using file_format::Format;
using file_format::page_size;
using file_format::Stop;

constexpr size_t kDefaultMaxWindow = size_t{1} << 30;
constexpr size_t kChunk = size_t{1} << 20;
std::atomic<size_t> g_max_window{kDefaultMaxWindow};
// Access::kRead's buffer (see choose_access() for why this size).
constexpr size_t kDefaultReadChunk = size_t{1} << 20;
std::atomic<size_t> g_read_chunk{kDefaultReadChunk};

size_t read_chunk() {
  const size_t c = g_read_chunk.load(std::memory_order_relaxed) & ~size_t{4095};
  return c < 4096 ? 4096 : c;
}

// The largest window, a whole number of pages, at least one.
size_t max_window() {
  const size_t page = page_size();
  const size_t w = g_max_window.load(std::memory_order_relaxed) & ~(page - 1);
  return w < page ? page : w;
}

void set_error(ReaderError* e, const char* code, std::string message) {
  e->code = code;
  e->message = std::move(message);
}

std::string errno_text(int err) { return std::strerror(err); }

class MappedWindow final : public ByteWindow {
 public:
  MappedWindow(void* map, size_t len) : ByteWindow(static_cast<const u8*>(map), len) {}
  ~MappedWindow() override { munmap(const_cast<u8*>(data_), size_); }
};

class BorrowedWindow final : public ByteWindow {
 public:
  BorrowedWindow(const u8* data, size_t len) : ByteWindow(data, len) {}
};

// A pipe chunk. calloc'd: bytes not yet read are zero, never stale heap.
class HeapWindow final : public ByteWindow {
 public:
  HeapWindow(u8* data, size_t cap) : ByteWindow(data, cap) {}
  ~HeapWindow() override { std::free(const_cast<u8*>(data_)); }
  u8* bytes() const { return const_cast<u8*>(data_); }
};

// ChunkedFileReader's buffer: zeroed, so bytes not yet read are never stale heap, and prefaulted,
// because every refill's pread() fills it whole. bytes() is nullptr when the memory could not be had.
class ReadBuffer final : public ByteWindow {
 public:
  explicit ReadBuffer(size_t cap) : ByteWindow(nullptr, cap), memory_(cap) { data_ = memory_.data(); }
  u8* bytes() const { return memory_.data(); }

 private:
  PrefaultedMemory memory_;
};

enum class Refill { kOk, kWouldBlock, kEof, kError };

// The loop shared by every source. Subclasses make bytes present at the cursor (refill()).
class Reader : public FileReader {
 public:
  Status next(SourcePacket* out, u32 max, u32* count) override {
    *count = 0;
    if (state_ == State::kFailed) return Status::kError;
    if (state_ == State::kEnded) return Status::kEnd;
    for (;;) {
      size_t need = 0;
      if (!format_ && !detect(&need)) return fail_now(*count);
      if (format_) {
        ahead();
        const Stop s = format_->walk(base_, fill_, &cur_, out, max, count, &need, &error_);
        if (s == Stop::kFull) return Status::kPackets;
        if (s == Stop::kError) return fail_now(*count);
        // The record at the cursor is not whole. Packets already out point into this window: hand
        // them over first; the window may change below.
        if (*count > 0) return Status::kPackets;
      }
      switch (refill(need)) {
        case Refill::kOk: continue;
        case Refill::kWouldBlock: return Status::kWouldBlock;
        case Refill::kError: return fail_now(0);
        case Refill::kEof: return at_eof();
      }
    }
  }

  std::shared_ptr<ByteWindow> window() const override { return window_; }
  const ReaderError& error() const override { return error_; }
  bool header_known() const override {
    return format_ && (format_->header_known() || (state_ != State::kOpen && format_->header_parsed()));
  }
  int linktype() const override { return format_ ? format_->linktype() : -1; }
  u32 snaplen() const override { return format_ ? format_->snaplen() : 262144; }
  const AccessProbe* access_probe() const override { return probe_ ? &*probe_ : nullptr; }
  bool nanosecond() const override { return format_ && format_->nanosecond(); }

  // Reads the header and every block before the first packet (pcapng: sections and interfaces), so
  // that linktype() and snaplen() are known at once. False when the input is not a capture file.
  bool prime() {
    for (;;) {
      size_t need = 0;
      if (!format_ && !detect(&need)) return false;
      if (format_) {
        u32 none = 0;
        const Stop s = format_->walk(base_, fill_, &cur_, nullptr, 0, &none, &need, &error_);
        if (s == Stop::kFull) return true;
        if (s == Stop::kError) {
          state_ = State::kFailed;
          return format_->header_parsed();
        }
      }
      switch (refill(need)) {
        case Refill::kOk: continue;
        case Refill::kWouldBlock: return true;
        case Refill::kError:  // past a good header, the body's error is next()'s to report
          state_ = State::kFailed;
          return format_ && format_->header_parsed();
        case Refill::kEof: at_eof(); return format_ && format_->header_parsed();
      }
    }
  }

  // What chose access() for kAuto on a large file (set by over_fd()).
  std::optional<AccessProbe> probe_;

 protected:
  enum class State { kOpen, kEnded, kFailed };

  // Makes `need` bytes present from the cursor: may replace window_, base_, fill_ and cur_.
  virtual Refill refill(size_t need) = 0;
  // Called before each walk from the cursor: a mapped file gets the pages ahead ready.
  virtual void ahead() {}
  // True when the input has bytes past those present (refill() said kEof without reading them,
  // because the record at the cursor cannot be whole): the input then ends inside a record.
  virtual bool unread_bytes_left() const { return false; }

  std::shared_ptr<ByteWindow> window_;
  const u8* base_ = nullptr;
  size_t fill_ = 0;  // bytes of base_ present
  size_t cur_ = 0;   // next record, relative to base_
  ReaderError error_;
  State state_ = State::kOpen;

 private:
  bool detect(size_t* need) {
    if (fill_ - cur_ < 4) {
      *need = 4;
      return true;
    }
    format_ = file_format::detect(base_ + cur_);
    if (format_) {
      format_->prefetch = access() == Access::kMap;
      return true;
    }
    set_error(&error_, "EFORMAT", "not a pcap or pcapng file");
    return false;
  }

  Status fail_now(u32 count) {
    state_ = State::kFailed;
    return count > 0 ? Status::kPackets : Status::kError;
  }

  Status at_eof() {
    const bool nothing_left = fill_ == cur_ && !unread_bytes_left();
    if (!format_) {
      set_error(&error_, "EFORMAT",
                nothing_left ? "empty input: not a pcap or pcapng file" : "not a pcap or pcapng file");
    } else if (nothing_left && format_->header_parsed()) {
      state_ = State::kEnded;
      return Status::kEnd;
    } else {
      set_error(&error_, "ETRUNCATED",
                format_->header_parsed() ? "the input ends inside a record" : "the input ends inside its file header");
    }
    state_ = State::kFailed;
    return Status::kError;
  }

  std::unique_ptr<Format> format_;
};

// A region addressed by absolute offsets and seen through windows of max_window() bytes (one page
// more when a record would not fit otherwise), each starting on a page boundary: a mapped file, or
// caller memory. A record larger than max_window() is EFORMAT.
class RegionReader : public Reader {
 public:
  int poll_fd() const override { return -1; }

 protected:
  RegionReader(uint64_t start, uint64_t end) : end_(end), win_start_(start) {}

  // Sets window_ to [start, start + len) of the region; false (error_ set) if it cannot.
  virtual bool map(uint64_t start, size_t len) = 0;

  // A window that ends where a record does may leave the region's last bytes outside it.
  bool unread_bytes_left() const override { return win_start_ + fill_ < end_; }

  Refill refill(size_t need) override {
    const uint64_t at = win_start_ + cur_;
    if (need > end_ - at) return Refill::kEof;
    const size_t page = page_size();
    const uint64_t start = at & ~static_cast<uint64_t>(page - 1);
    const size_t lead = static_cast<size_t>(at - start);
    const size_t limit = max_window();
    if (need > limit) {
      set_error(&error_, "EFORMAT",
                "a " + std::to_string(need) + "-byte record at byte " + std::to_string(at) +
                    " does not fit the largest window (" + std::to_string(limit) + " bytes)");
      return Refill::kError;
    }
    // A record that starts late in its first page may stretch the window by up to one page.
    const size_t want = lead + need > limit ? lead + need : limit;
    const size_t len = static_cast<size_t>(end_ - start < want ? end_ - start : want);
    if (!map(start, len)) return Refill::kError;
    win_start_ = start;
    base_ = window_->data();
    fill_ = len;
    cur_ = lead;
    return Refill::kOk;
  }

  const uint64_t end_;
  uint64_t win_start_;  // absolute offset of base_
};

// The window's page tables are filled ahead of the walk, kPopulate bytes at a time
// (MADV_POPULATE_READ, Linux 5.14): one system call per chunk instead of a page fault every
// few pages (fault-around maps 64 KiB per fault), which was the kernel's share of a file read
// in perf. Chunks stay small enough that a cold file's read-in keeps the event loop's turns
// short, and that a reader which stops early has not paid for much of the rest.
constexpr size_t kPopulate = size_t{4} << 20;

class MappedFileReader final : public RegionReader {
 public:
  MappedFileReader(int fd, uint64_t start, uint64_t size) : RegionReader(start, size), fd_(fd) {}
  ~MappedFileReader() override { ::close(fd_); }
  Access access() const override { return Access::kMap; }

 private:
  bool map(uint64_t start, size_t len) override {
    void* m = mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd_, static_cast<off_t>(start));
    if (m == MAP_FAILED) {
      set_error(&error_, "EIO", "cannot map " + std::to_string(len) + " bytes of the file: " + errno_text(errno));
      return false;
    }
    madvise(m, len, MADV_SEQUENTIAL);
    window_ = std::make_shared<MappedWindow>(m, len);
    populated_ = 0;
    return true;
  }

  void ahead() override {
    // Keep at least one chunk populated past the cursor: refill when the cursor enters the last one.
    if (!populate_ || populated_ >= fill_ || cur_ + kPopulate <= populated_) return;
    const size_t page = page_size();
    size_t from = populated_ > cur_ ? populated_ : cur_ & ~(page - 1);
    size_t to = from + 2 * kPopulate;
    if (to > fill_) to = fill_;
    // Whole pages of the window: its start is page-aligned, and its end page is mapped (a file's
    // last partial page is mapped whole).
    const size_t len = ((to - from) + page - 1) & ~(page - 1);
    if (madvise(const_cast<u8*>(base_) + from, len, MADV_POPULATE_READ) != 0) {
      // EINVAL: a kernel before 5.14. Any other failure (EFAULT past a truncated file's end,
      // ENOMEM): leave the pages to fault in as they are touched; the walk reports what it finds.
      populate_ = false;
      return;
    }
    populated_ = to;
  }

  const int fd_;
  size_t populated_ = 0;  // bytes of the window from its start with page tables filled
  bool populate_ = true;
};

class MemoryReader final : public RegionReader {
 public:
  MemoryReader(const u8* data, size_t size) : RegionReader(0, size), data_(data) {}
  Access access() const override { return Access::kMap; }

 private:
  bool map(uint64_t start, size_t len) override {
    window_ = std::make_shared<BorrowedWindow>(data_ + start, len);
    return true;
  }
  const u8* data_;
};

// A regular file read with pread() into one buffer that is reused: the bytes of each call of next()
// are lent until the following call, which moves the record at the cursor (cut by the buffer's
// end) to the buffer's start and reads on behind it. Only a record larger than the buffer makes
// a new, larger buffer (bounded by kMaxRecordBytes through the formats), and the next refill that
// fits goes back to one of the usual size.
class ChunkedFileReader final : public Reader {
 public:
  // The usual buffer: `chunk`, or less for a smaller file (whole pages).
  ChunkedFileReader(int fd, uint64_t start, uint64_t end, size_t chunk)
      : fd_(fd), pos_(start), end_(end), chunk_(end - start < chunk ? ((end - start) | 4095) + 1 : chunk) {}
  ~ChunkedFileReader() override { ::close(fd_); }
  int poll_fd() const override { return -1; }
  bool lends_windows() const override { return true; }
  Access access() const override { return Access::kRead; }

 private:
  bool unread_bytes_left() const override { return pos_ < end_; }

  Refill refill(size_t need) override {
    const size_t carried = fill_ - cur_;
    // The file ends before the record at the cursor does (pos_ is where the bytes present end).
    // What is left is not read: it may be large, and it cannot make the record whole.
    if (need - carried > end_ - pos_) return Refill::kEof;
    const size_t usual = chunk_;
    const size_t cap = need > usual ? (need + 4095) & ~size_t{4095} : usual;
    if (!buf_ || buf_->size() != cap) {
      // JS sees the whole buffer: ReadBuffer's bytes not yet read are zero, never stale heap.
      auto buf = std::make_shared<ReadBuffer>(cap);
      if (!buf->bytes()) {
        set_error(&error_, "EIO", "out of memory for a " + std::to_string(cap) + "-byte read buffer");
        return Refill::kError;
      }
      if (carried) std::memcpy(buf->bytes(), base_ + cur_, carried);
      buf_ = std::move(buf);
      window_ = buf_;
      base_ = buf_->bytes();
    } else if (carried && cur_) {
      std::memmove(buf_->bytes(), base_ + cur_, carried);
    }
    fill_ = carried;
    cur_ = 0;
    // Fill the buffer (not only `need`): one system call per buffer.
    while (fill_ < cap && pos_ < end_) {
      const uint64_t left = end_ - pos_;
      const size_t want = cap - fill_ < left ? cap - fill_ : static_cast<size_t>(left);
      const ssize_t n = ::pread(fd_, buf_->bytes() + fill_, want, static_cast<off_t>(pos_));
      if (n > 0) {
        fill_ += static_cast<size_t>(n);
        pos_ += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {  // the file shrank under us: what was read is all there is
        end_ = pos_;
        break;
      }
      set_error(&error_, "EIO", "read failed: " + errno_text(errno));
      return Refill::kError;
    }
    return fill_ >= need ? Refill::kOk : Refill::kEof;
  }

  const int fd_;
  uint64_t pos_;  // file offset of the first byte not yet read
  uint64_t end_;  // file size at open (or where a read found the end)
  const size_t chunk_;
  std::shared_ptr<ReadBuffer> buf_;
};

// Pipes, FIFOs, character devices, sockets: non-blocking read()s into 1 MiB chunks.
class StreamReader final : public Reader {
 public:
  explicit StreamReader(int fd) : fd_(fd) {}
  ~StreamReader() override { ::close(fd_); }
  int poll_fd() const override { return fd_; }
  Access access() const override { return Access::kRead; }

 private:
  Refill refill(size_t need) override {
    if (!chunk_ || need > chunk_->size() - cur_) {
      // A new chunk, with the partial record carried over. `need` is bounded by the formats
      // (kMaxRecordBytes), so a lying length cannot make this allocation large.
      const size_t carried = fill_ - cur_;
      const size_t cap = need > kChunk ? (need + 4095) & ~size_t{4095} : kChunk;
      u8* mem = static_cast<u8*>(std::calloc(cap, 1));
      if (!mem) {
        set_error(&error_, "EIO", "out of memory for a " + std::to_string(cap) + "-byte chunk");
        return Refill::kError;
      }
      if (carried) std::memcpy(mem, base_ + cur_, carried);
      chunk_ = std::make_shared<HeapWindow>(mem, cap);
      window_ = chunk_;
      base_ = mem;
      fill_ = carried;
      cur_ = 0;
    }
    while (fill_ - cur_ < need) {
      const ssize_t n = ::read(fd_, chunk_->bytes() + fill_, chunk_->size() - fill_);
      if (n > 0) {
        fill_ += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) {
        // A FIFO that no writer has opened yet also reads 0 bytes; only a hang-up is the end.
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 0) == 0) return Refill::kWouldBlock;
        return Refill::kEof;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Refill::kWouldBlock;
      set_error(&error_, "EIO", "read failed: " + errno_text(errno));
      return Refill::kError;
    }
    return Refill::kOk;
  }

  const int fd_;
  std::shared_ptr<HeapWindow> chunk_;
};

ReaderError open_error(int err, const std::string& path) {
  const char* code = err == ENOENT || err == ENOTDIR ? "ENOENT"
                     : err == EACCES || err == EPERM ? "EACCES"
                     : err == EISDIR                 ? "EISDIR"
                                                     : "EIO";
  return ReaderError{code, path + ": " + errno_text(err)};
}

// kAuto maps a regular file under kReadAtLeast bytes: there the buffer's first touch would cost more
// than the whole walk (each fresh page faults, in the guest and in the host: the first 1 MiB
// pread() took 3.9 ms on the AMD guest), and a small file's pages may still be in the last-level
// cache. A larger file is mapped or read, whichever of the two measures cheaper on its first
// kProbeSlices slices (access_probe.h: the answer differs between machines). The probe walks a
// 32nd of the file, up to 2 MiB, without dissecting: ~2% of the work for a file up to 64 MiB, less
// for a larger one.
constexpr uint64_t kReadAtLeast = uint64_t{8} << 20;
constexpr int kProbeSlices = 8;
constexpr size_t kProbeSliceMax = size_t{256} << 10;

AccessProbe measure_access(int fd, uint64_t start, uint64_t end) {
  // A 32nd of the file in all, up to 2 MiB (from 64 MiB on): 32 KiB slices for an 8 MiB file.
  const uint64_t slice = (end - start) / (kProbeSlices * 32);
  return probe_access(fd, start, end, slice < kProbeSliceMax ? static_cast<size_t>(slice) : kProbeSliceMax,
                      kProbeSlices);
}

// A reader over an open fd (owned from here on): mapped or read in chunks when it is a regular
// file, streamed otherwise.
std::unique_ptr<FileReader> over_fd(int fd, const std::string& path, bool is_stdin, FileReader::Access access,
                                    ReaderError* error) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *error = open_error(errno, path);
    ::close(fd);
    return nullptr;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = open_error(EISDIR, path);
    ::close(fd);
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) return std::make_unique<StreamReader>(fd);
  uint64_t start = 0;
  if (is_stdin) {  // `pktkit read - < file`: read from where the shell left the offset
    const off_t at = lseek(fd, 0, SEEK_CUR);
    start = at > 0 ? static_cast<uint64_t>(at) : 0;
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (start > size) start = size;
  std::optional<AccessProbe> probe;
  if (access == FileReader::Access::kAuto) {
    if (size - start < kReadAtLeast) {
      access = FileReader::Access::kMap;
    } else {
      probe = measure_access(fd, start, size);
      access = probe->cheaper();
    }
  }
  std::unique_ptr<Reader> reader;
  if (access == FileReader::Access::kRead) reader = std::make_unique<ChunkedFileReader>(fd, start, size, read_chunk());
  else reader = std::make_unique<MappedFileReader>(fd, start, size);
  reader->probe_ = probe;
  if (!reader->prime()) {
    *error = reader->error();
    if (error->code == "EFORMAT" && error->message.rfind("not a", 0) != 0 && error->message.rfind("empty", 0) != 0)
      error->message = "not a pcap or pcapng file: " + error->message;
    return nullptr;
  }
  return reader;
}

}  // namespace

FileReader::~FileReader() = default;

void FileReader::set_max_window_for_tests(size_t bytes) {
  g_max_window.store(bytes ? bytes : kDefaultMaxWindow, std::memory_order_relaxed);
}

void FileReader::set_read_chunk_for_tests(size_t bytes) {
  g_read_chunk.store(bytes ? bytes : kDefaultReadChunk, std::memory_order_relaxed);
}

std::unique_ptr<FileReader> FileReader::from_memory(const u8* data, size_t size, ReaderError* error) {
  auto reader = std::make_unique<MemoryReader>(data, size);
  if (!reader->prime()) {
    *error = reader->error();
    return nullptr;
  }
  return reader;
}

std::unique_ptr<FileReader> FileReader::open(const std::string& path, ReaderError* error, Access access) {
  // open(2) would stop at the NUL and open another file (the caller should have refused it already).
  if (path.find('\0') != std::string::npos) {
    *error = ReaderError{"ENOENT", "the path contains a NUL byte"};
    return nullptr;
  }
  if (path == "-") {
    // A new open file description of stdin's pipe, so that O_NONBLOCK does not leak into the shell's
    // (and every other holder's) description; a dup of fd 0 where that cannot be done (sockets).
    struct stat st;
    if (fstat(0, &st) != 0) {
      *error = open_error(errno, "standard input");
      return nullptr;
    }
    int fd = -1;
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
      fd = ::open("/proc/self/fd/0", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
      if (fd < 0) {
        *error = open_error(errno, "standard input");
        return nullptr;
      }
      if (!S_ISREG(st.st_mode)) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return over_fd(fd, "standard input", true, access, error);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    *error = open_error(errno, path);
    return nullptr;
  }
  return over_fd(fd, path, false, access, error);
}

}  // namespace pktkit
