// The fastest sender this benchmark can build: an AF_PACKET socket bound to
// one interface, frames loaded from a pcap file into memory first, handed to
// the kernel with sendmmsg() in batches of 64. Bounded twice: it stops after
// COUNT frames (the file is replayed from its start as often as needed) or
// after MAX_SECONDS, whichever comes first. Optionally paced to PPS frames/s
// (0: as fast as it can). Prints one line `RESULT {json}`.
//
//   sendmmsg-send IFACE FILE COUNT [PPS] [MAX_SECONDS]
//
// A frame the kernel refuses (ENOBUFS when the link's queue is full) is tried
// again a bounded number of times and then counted in "failed", never in
// "sent": "sent" is what the kernel accepted onto the interface.
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr unsigned kBatch = 64;
constexpr int kRetries = 1000;

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Frames {
  std::vector<unsigned char> bytes;
  std::vector<size_t> off;
  std::vector<unsigned> len;
};

bool load(const char* file, unsigned long long limit, Frames& f) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(file, err);
  if (!p) {
    std::fprintf(stderr, "sendmmsg-send: %s\n", err);
    return false;
  }
  pcap_pkthdr* h;
  const u_char* data;
  while (f.off.size() < limit && pcap_next_ex(p, &h, &data) == 1) {
    // Only whole frames that fit an Ethernet MTU (+ header and a VLAN tag): what the veth accepts.
    if (h->caplen != h->len || h->caplen < 14 || h->caplen > 1518) continue;
    f.off.push_back(f.bytes.size());
    f.len.push_back(h->caplen);
    f.bytes.insert(f.bytes.end(), data, data + h->caplen);
  }
  pcap_close(p);
  if (f.off.empty()) {
    std::fprintf(stderr, "sendmmsg-send: no frame of %s can be sent\n", file);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: sendmmsg-send IFACE FILE COUNT [PPS] [MAX_SECONDS]\n");
    return 2;
  }
  const char* iface = argv[1];
  const unsigned long long count = std::strtoull(argv[3], nullptr, 10);
  const double pps = argc > 4 ? std::strtod(argv[4], nullptr) : 0;
  const double max_seconds = argc > 5 ? std::strtod(argv[5], nullptr) : 60;
  if (count == 0 || count > 100000000ull || pps < 0 || !(max_seconds > 0 && max_seconds <= 600)) {
    std::fprintf(stderr, "sendmmsg-send: COUNT must be 1..1e8, PPS >= 0, MAX_SECONDS in (0, 600]\n");
    return 2;
  }
  // At most 200,000 frames in memory (~120 MB of the mix), replayed in a circle beyond that.
  Frames f;
  if (!load(argv[2], std::min(count, 200000ull), f)) return 1;

  const unsigned ifindex = if_nametoindex(iface);
  if (ifindex == 0) {
    std::fprintf(stderr, "sendmmsg-send: no interface %s: %s\n", iface, std::strerror(errno));
    return 1;
  }
  // Protocol 0: this socket receives nothing, it only sends.
  const int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) {
    std::fprintf(stderr, "sendmmsg-send: socket(AF_PACKET): %s\n", std::strerror(errno));
    return 1;
  }
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = static_cast<int>(ifindex);
  sll.sll_protocol = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0) {
    std::fprintf(stderr, "sendmmsg-send: bind(%s): %s\n", iface, std::strerror(errno));
    return 1;
  }

  iovec iov[kBatch];
  mmsghdr msgs[kBatch];
  std::memset(msgs, 0, sizeof msgs);
  unsigned long long sent = 0, failed = 0, bytes = 0, calls = 0;
  size_t next = 0;
  const double t0 = now();
  double elapsed = 0;
  while (sent + failed < count) {
    elapsed = now() - t0;
    if (elapsed > max_seconds) break;
    if (pps > 0) {
      // Paced: never ahead of PPS; sleeps in short steps so the pace holds without a busy loop.
      const double due = (sent + failed) / pps;
      if (due > elapsed) {
        const double wait = due - elapsed;
        timespec ts{static_cast<time_t>(wait), static_cast<long>((wait - static_cast<time_t>(wait)) * 1e9)};
        nanosleep(&ts, nullptr);
        continue;
      }
    }
    const unsigned n = static_cast<unsigned>(std::min<unsigned long long>(kBatch, count - sent - failed));
    for (unsigned i = 0; i < n; ++i) {
      const size_t k = (next + i) % f.off.size();
      iov[i].iov_base = &f.bytes[f.off[k]];
      iov[i].iov_len = f.len[k];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned done = 0;
    int retries = 0;
    while (done < n) {
      ++calls;
      const int r = sendmmsg(fd, msgs + done, n - done, 0);
      if (r > 0) {
        for (int i = 0; i < r; ++i) bytes += iov[done + i].iov_len;
        done += static_cast<unsigned>(r);
        sent += static_cast<unsigned long long>(r);
        retries = 0;
        continue;
      }
      if (r < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) && ++retries < kRetries) {
        if (errno != EINTR) sched_yield();
        continue;
      }
      // Refused for good (or retried too often): this frame is failed, go on with the next.
      ++failed;
      ++done;
      retries = 0;
    }
    next = (next + n) % f.off.size();
  }
  elapsed = now() - t0;
  close(fd);
  std::printf("RESULT {\"sent\":%llu,\"failed\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"pps\":%.1f,\"calls\":%llu}\n", sent, failed,
              bytes, elapsed, elapsed > 0 ? sent / elapsed : 0.0, calls);
  return 0;
}
