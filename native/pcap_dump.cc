#include "pcap_dump.h"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "prefaulted_memory.h"

namespace pktkit {

namespace {

// Records are gathered here and written with one write() when it is full or the run ends. One copy
// in user space, then the kernel's copy of one long buffer, costs less than the kernel walking two
// iovecs per packet: bench/c/write-ways.cc wrote 1 M 64-byte frames to /dev/shm at 35-40 ns a
// packet against writev's 74-98 (the mix, 613 B mean: the same within the noise).
constexpr size_t kStagingBytes = 256 << 10;

struct RecordHeader {
  u32 ts_sec, ts_frac, caplen, wirelen;  // the host's byte order, as the file header's magic says
};
static_assert(sizeof(RecordHeader) == 16, "pcap record header");

// Writes every byte of `iov`, resuming after short writes; false with errno set on failure.
bool write_all(int fd, iovec* iov, int count) {
  while (count > 0) {
    ssize_t n = writev(fd, iov, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        // A non-blocking descriptor (a pipe on stdout): the reader is behind; wait for room.
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, -1);
        continue;
      }
      return false;
    }
    size_t done = static_cast<size_t>(n);
    while (count > 0 && done >= iov->iov_len) {
      done -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<u8*>(iov->iov_base) + done;
      iov->iov_len -= done;
    }
  }
  return true;
}

// The calling thread's staging buffer, made on its first write (each worker thread has its own).
// Empty when the memory could not be had: every record then goes out with writev.
PrefaultedMemory& staging() {
  thread_local PrefaultedMemory memory(kStagingBytes);
  return memory;
}

}  // namespace

void dump_pcap_records(int fd, PcapDumpRun* run) {
  u8* const buf = staging().data();
  const size_t capacity = buf != nullptr ? kStagingBytes : 0;
  size_t used = 0;
  u32 first_staged = run->from;  // the first packet in `buf`, when `used` > 0
  double bytes = run->bytes;     // the file's bytes, counting what `buf` holds
  run->error = 0;

  // Writes what `buf` holds; on failure what reached the file is not known exactly, so the run
  // counts from the first staged packet as not written.
  auto flush = [&]() -> bool {
    if (used == 0) return true;
    iovec whole{buf, used};
    if (!write_all(fd, &whole, 1)) {
      run->error = errno;
      run->next = first_staged;
      return false;
    }
    used = 0;
    run->bytes = bytes;
    return true;
  };

  u32 i = run->from;
  for (; i < run->to; ++i) {
    const u8* rec = run->slots + size_t{i} * rec::RECORD_SIZE;
    const u32 ts_sec = rec::get32(rec, rec::tsSec);
    if ((run->size_limit >= 0 && bytes > run->size_limit) || (run->ts_limit >= 0 && ts_sec >= run->ts_limit)) break;
    u32 caplen = rec::get32(rec, rec::capLen);
    const u32 off = rec::get32(rec, rec::dataOff);
    // Our own records, but checked like any offset before it is followed.
    if (off > run->size) continue;
    if (caplen > run->size - off) caplen = static_cast<u32>(run->size - off);
    if (caplen > run->snaplen) caplen = run->snaplen;
    u32 wirelen = rec::get32(rec, rec::wireLen);
    if (wirelen < caplen) wirelen = caplen;
    const u32 ts_nsec = rec::get32(rec, rec::tsNsec);
    const RecordHeader h{ts_sec, run->nano ? ts_nsec : ts_nsec / 1000, caplen, wirelen};
    const size_t need = sizeof h + caplen;
    if (used + need > capacity && !flush()) return;
    if (need > capacity) {
      // Longer than the whole buffer: straight from where it lies.
      iovec iov[2] = {{const_cast<RecordHeader*>(&h), sizeof h}, {const_cast<u8*>(run->base + off), caplen}};
      if (!write_all(fd, iov, caplen > 0 ? 2 : 1)) {
        run->error = errno;
        run->next = i;
        return;
      }
      bytes += need;
      run->bytes = bytes;
      continue;
    }
    if (used == 0) first_staged = i;
    std::memcpy(buf + used, &h, sizeof h);
    std::memcpy(buf + used + sizeof h, run->base + off, caplen);
    used += need;
    bytes += need;
  }
  if (!flush()) return;
  run->next = i;
}

}  // namespace pktkit
