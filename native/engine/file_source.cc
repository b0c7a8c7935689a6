#include "file_source.h"

#include <vector>

#include "../file_reader.h"
#include "packet_filter.h"

namespace pktkit {

namespace {

constexpr int kDltEn10mb = 1;
// How many packets ahead of the dissector their header lines are prefetched (fill()).
constexpr u32 kDissectAhead = 8;

class MappedFileSource final : public Source {
 public:
  MappedFileSource(std::unique_ptr<FileReader> reader, std::string path, std::string filter)
      : reader_(std::move(reader)), path_(std::move(path)), filter_text_(std::move(filter)) {
    engine = "file";
    describe();
  }

  // A filter is compiled when the link type is known: at once for a file, when
  // the header arrives for a pipe (whose filter is checked against Ethernet
  // first, so that a syntax error is still an error at open).
  bool prepare_filter(SourceError* error) {
    if (filter_text_.empty()) return true;
    std::string detail;
    int linktype_now = reader_->header_known() ? reader_->linktype() : kDltEn10mb;
    filter_ = PacketFilter::create(filter_text_, linktype_now, 262144, &detail);
    if (!filter_) *error = {ErrorKind::Filter, "EFILTER", "filter", filter_text_, detail};
    return filter_ != nullptr;
  }

  Status fill(RecordSink& sink) override {
    if (!reader_) return Status::kEnd;
    sink.set_filter(filter_.get());
    if (packets_.size() < sink.capacity()) packets_.resize(sink.capacity());  // once
    for (;;) {
      u32 count = 0;
      FileReader::Status status = reader_->next(packets_.data(), sink.capacity(), &count);
      describe();
      switch (status) {
        case FileReader::Status::kWouldBlock: return Status::kIdle;
        case FileReader::Status::kEnd: return Status::kEnd;
        case FileReader::Status::kError: {
          const ReaderError& e = reader_->error();
          error_ = {ErrorKind::File, e.code, e.code == "ETRUNCATED" ? "truncated" : "damaged", path_, e.message};
          return Status::kError;
        }
        case FileReader::Status::kPackets: break;
      }
      window_ = reader_->window();
      const u8* base = window_->data();
      sink.begin(base);
      for (u32 i = 0; i < count; ++i) {
        // The reader walked the whole batch first (up to 2048 packets, over a megabyte of the
        // mix): the lines its walk brought in are gone from the near caches by the time the
        // dissector gets there. Ask for the headers of the packet kDissectAhead on now, so that
        // they arrive while the packets before it are dissected. Only bytes the reader found
        // present: a packet's first line, and its second when the packet reaches it.
        if (i + kDissectAhead < count) {
          const SourcePacket& a = packets_[i + kDissectAhead];
          __builtin_prefetch(base + a.offset);
          if (a.caplen > 64) __builtin_prefetch(base + a.offset + 64);
        }
        const SourcePacket& p = packets_[i];
        sink.put(base + p.offset, p.caplen, p.wirelen, p.linktype, p.ts_sec, p.ts_nsec, p.interface);
      }
      // Every packet of this read was filtered out: read on, rather than hand JS an empty batch.
      if (sink.count() > 0) return Status::kPackets;
    }
  }

  int poll_fd() const override { return reader_ ? reader_->poll_fd() : -1; }
  // A reader that reads in chunks reuses one buffer (its window is lent until the next fill()):
  // the same id, so JS keeps its ArrayBuffer over it.
  const void* buffer_id() const override { return window_.get(); }
  ByteBuffer buffer() const override { return {window_->data(), window_->size(), window_}; }
  void counters(SourceCounters* out) override { *out = {}; }
  void stop(bool) override { reader_.reset(); }  // windows JS holds stay mapped: they are shared

 private:
  void describe() {
    if (!reader_ || !reader_->header_known()) {
      linktype = -1;
      return;
    }
    linktype = reader_->linktype();
    snaplen = reader_->snaplen();
    nanosecond = reader_->nanosecond();
  }

  std::unique_ptr<FileReader> reader_;
  const std::string path_;
  const std::string filter_text_;
  std::unique_ptr<PacketFilter> filter_;
  std::shared_ptr<ByteWindow> window_;
  std::vector<SourcePacket> packets_;  // where the reader describes one batch
};

}  // namespace

std::unique_ptr<Source> FileSource::open(const std::string& path, const std::string& filter, const std::string& access,
                                         SourceError* error) {
  ReaderError reader_error;
  const FileReader::Access how = access == "map"    ? FileReader::Access::kMap
                                 : access == "read" ? FileReader::Access::kRead
                                                    : FileReader::Access::kAuto;
  std::unique_ptr<FileReader> reader = FileReader::open(path, &reader_error, how);
  if (!reader) {
    const bool opening = reader_error.code != "EFORMAT" && reader_error.code != "ETRUNCATED";
    *error = {ErrorKind::File, reader_error.code, opening ? "open-file" : "read-file", path, reader_error.message};
    return nullptr;
  }
  auto source = std::make_unique<MappedFileSource>(std::move(reader), path, filter);
  if (!source->prepare_filter(error)) return nullptr;
  return source;
}

}  // namespace pktkit
