// Capture files: pcap and pcapng, from a path or standard input ("-").
#pragma once

#include <memory>
#include <string>

#include "source.h"

namespace pktkit {

namespace FileSource {
std::unique_ptr<Source> open(const std::string& path, const std::string& filter, SourceError* error);
}

}  // namespace pktkit
