// Capture files: pcap and pcapng, from a path (mapped: JS reads packets where
// the file holds them), a pipe or standard input ("-": read in large chunks,
// polled by libuv, so a FIFO with no writer never blocks the event loop). The
// reader is native/file_reader.h; BPF runs in userland, per link type.
#pragma once

#include <memory>
#include <string>

#include "source.h"

namespace pktkit {

namespace FileSource {
// `access`: "map", "read", or anything else for the reader's own choice (FileReader::Access).
std::unique_ptr<Source> open(const std::string& path, const std::string& filter, const std::string& access,
                             SourceError* error);
}

}  // namespace pktkit
