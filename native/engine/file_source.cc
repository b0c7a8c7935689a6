#include "file_source.h"

#include "pcap_source.h"

namespace pktkit {

std::unique_ptr<Source> FileSource::open(const std::string& path, const std::string& filter, SourceError* error) {
  return PcapSource::open_file(path, filter, error);
}

}  // namespace pktkit
