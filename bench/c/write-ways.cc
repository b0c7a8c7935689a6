// How a batch of pcap records is best handed to the kernel (native/pcap_dump.cc, what
// `pktkit capture -w` and PcapWriter.writeBatch() do): the records of a pcap file already in memory
// written to a file, in different ways, timed by the process's CPU clock (user + system). Not a
// bench trial: run it by hand, side by side, on a quiet machine.
//
//   g++ -O2 -o /tmp/write-ways bench/c/write-ways.cc
//   write-ways WAY PCAP [OUT]        (OUT defaults to /dev/shm/write-ways.pcap, removed after)
//
// WAY:
//   writev        two iovecs per packet (header, bytes where they lie), 512 packets per writev
//   copy:BYTES    header and bytes copied into one buffer of BYTES, written when full
//                 (copy:8192 is about what stdio gives tcpdump -w)
//
// Five passes; prints `RESULT {json}` per pass with packets and CPU ns per packet.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

uint32_t caplen_of(const uint8_t* record) {
  uint32_t v;
  std::memcpy(&v, record + 8, 4);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: write-ways writev|copy:BYTES PCAP [OUT]\n");
    return 2;
  }
  const std::string way = argv[1];
  const char* out_path = argc > 3 ? argv[3] : "/dev/shm/write-ways.pcap";
  const int in = open(argv[2], O_RDONLY);
  struct stat st{};
  if (in < 0 || fstat(in, &st) != 0 || st.st_size < 24) {
    std::perror(argv[2]);
    return 1;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  auto* file = static_cast<const uint8_t*>(mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in, 0));
  if (file == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  // Each packet's record (16-byte header, then its bytes), as a batch's records point at them.
  std::vector<const uint8_t*> records;
  for (size_t off = 24; off + 16 <= size && off + 16 + caplen_of(file + off) <= size; off += 16 + caplen_of(file + off)) {
    records.push_back(file + off);
  }
  size_t staging = 0;
  if (way.rfind("copy:", 0) == 0) staging = std::strtoul(way.c_str() + 5, nullptr, 10);
  else if (way != "writev") {
    std::fprintf(stderr, "unknown way %s\n", way.c_str());
    return 2;
  }
  std::vector<uint8_t> buf(staging);
  for (int pass = 0; pass < 5; ++pass) {
    const int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
      std::perror(out_path);
      return 1;
    }
    const double c0 = cpu_seconds();
    bool ok = true;
    if (staging == 0) {
      iovec iov[1024];
      int used = 0;
      for (const uint8_t* r : records) {
        iov[used++] = {const_cast<uint8_t*>(r), 16};
        iov[used++] = {const_cast<uint8_t*>(r + 16), caplen_of(r)};
        if (used == 1024) {
          ok = ok && writev(out, iov, used) >= 0;
          used = 0;
        }
      }
      if (used > 0) ok = ok && writev(out, iov, used) >= 0;
    } else {
      size_t used = 0;
      for (const uint8_t* r : records) {
        const size_t need = 16 + caplen_of(r);
        if (used + need > staging) {
          ok = ok && write_all(out, buf.data(), used);
          used = 0;
        }
        if (need > staging) {
          ok = ok && write_all(out, r, need);
          continue;
        }
        std::memcpy(buf.data() + used, r, need);
        used += need;
      }
      ok = ok && write_all(out, buf.data(), used);
    }
    const double c1 = cpu_seconds();
    close(out);
    if (!ok) {
      std::perror("write");
      return 1;
    }
    std::printf("RESULT {\"way\":\"%s\",\"packets\":%zu,\"cpuNsPerPacket\":%.1f}\n", way.c_str(), records.size(),
                (c1 - c0) * 1e9 / static_cast<double>(records.size()));
  }
  unlink(out_path);
  return 0;
}
