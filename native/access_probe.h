// Which way of bringing a large regular file's bytes to the walk costs less CPU on this machine:
// mapping it (FileReader::Access::kMap) or pread() into a reused buffer (kRead). The answer is the
// machine's, not the file's, and it goes both ways: on an AMD EPYC guest the mapped walk + dissect
// took twice the CPU of chunked reads (user-mode loads from the page cache were what cost), on an
// Intel Xeon KVM guest it took three quarters (docs/ARCHITECTURE.md, "Files"). So openFile's
// `access: 'auto'` measures it on the file it opens, before the first packet.
#pragma once

#include <cstdint>

#include "file_reader.h"

namespace pktkit {

// What one way cost over the bytes it walked, in the slice where it cost least per byte.
struct AccessCost {
  uint64_t ns = 0;     // CPU time of this thread: system calls, the walk, the loads
  uint64_t bytes = 0;  // bytes of whole records walked
};

struct AccessProbe {
  AccessCost map;
  AccessCost read;
  // kMap or kRead: the one with the lower CPU time per byte; kRead when either way walked nothing
  // (a file cut, malformed or made of records larger than a probe slice), as the reader's errors
  // are the reader's to report.
  FileReader::Access cheaper() const;
};

// Walks `slices` slices of `slice_bytes` of the capture at [start, end) of the regular file `fd`,
// the first from `start` (which holds the file header), alternately mapped and read, touching the
// lines the dissector reads of each packet, as the reader and the dissector will. Leaves the fd's
// offset alone (mmap and pread only). Never reads past `end` nor sizes memory from the file.
AccessProbe probe_access(int fd, uint64_t start, uint64_t end, size_t slice_bytes, int slices);

}  // namespace pktkit
