#include "pcap_dump.h"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace pktkit {

namespace {

// Packets per writev: two iovecs each, within IOV_MAX (1024 on Linux).
constexpr u32 kPacketsPerWrite = 512;

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

}  // namespace

void dump_pcap_records(int fd, PcapDumpRun* run) {
  RecordHeader headers[kPacketsPerWrite];
  iovec iov[kPacketsPerWrite * 2];
  u32 i = run->from;
  run->error = 0;
  while (i < run->to) {
    int used = 0;
    u32 packets = 0;
    double bytes = run->bytes;
    bool stop = false;
    for (; i < run->to && packets < kPacketsPerWrite; ++i) {
      const u8* rec = run->slots + size_t{i} * rec::RECORD_SIZE;
      const u32 ts_sec = rec::get32(rec, rec::tsSec);
      if ((run->size_limit >= 0 && bytes > run->size_limit) || (run->ts_limit >= 0 && ts_sec >= run->ts_limit)) {
        stop = true;
        break;
      }
      u32 caplen = rec::get32(rec, rec::capLen);
      const u32 off = rec::get32(rec, rec::dataOff);
      // Our own records, but checked like any offset before it is followed.
      if (off > run->size) continue;
      if (caplen > run->size - off) caplen = static_cast<u32>(run->size - off);
      if (caplen > run->snaplen) caplen = run->snaplen;
      u32 wirelen = rec::get32(rec, rec::wireLen);
      if (wirelen < caplen) wirelen = caplen;
      const u32 ts_nsec = rec::get32(rec, rec::tsNsec);
      RecordHeader& h = headers[packets++];
      h = {ts_sec, run->nano ? ts_nsec : ts_nsec / 1000, caplen, wirelen};
      iov[used++] = {&h, sizeof h};
      if (caplen > 0) iov[used++] = {const_cast<u8*>(run->base + off), caplen};
      bytes += sizeof h + caplen;
    }
    if (used > 0 && !write_all(fd, iov, used)) {
      run->error = errno;
      // What reached the file is not known exactly: count the run as not written.
      run->next = i - packets;
      return;
    }
    run->bytes = bytes;
    if (stop) break;
  }
  run->next = i;
}

}  // namespace pktkit
