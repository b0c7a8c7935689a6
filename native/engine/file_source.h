// Capture files: pcap and pcapng, from a path (read in large chunks into one
// reused buffer, or mapped: FileReader::Access), a pipe or standard input ("-":
// read in large chunks, polled by libuv, so a FIFO with no writer never blocks
// the event loop). JS reads the packets in that buffer or mapping. The reader is
// native/file_reader.h; BPF runs in userland, per link type.
#pragma once

#include <memory>
#include <string>

#include "source.h"

namespace pktkit {

namespace FileSource {
// `access`: "map", "read", or anything else for the reader's own choice (FileReader::Access).
std::unique_ptr<Source> open(const std::string& path, const std::string& filter, const std::string& access,
                             SourceError* error);
}  // namespace FileSource

}  // namespace pktkit
