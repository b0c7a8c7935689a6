// A BPF filter in tcpdump syntax, run in userland: libpcap compiles it (once per
// link type met, since a pcapng file or a cooked capture may change it) and
// bpf_filter() runs it. Used where the kernel cannot filter: files, and live
// captures whose program the kernel cannot run as written.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <memory>
#include <string>

#include "../record.h"

namespace pktkit {

class PacketFilter {
 public:
  // Compiles `text` for `linktype` at once, so that a bad filter is an error
  // when the capture opens. nullptr and `*error` (libpcap's words) on failure.
  static std::unique_ptr<PacketFilter> create(const std::string& text, int linktype, u32 snaplen, std::string* error);
  ~PacketFilter();
  PacketFilter(const PacketFilter&) = delete;
  PacketFilter& operator=(const PacketFilter&) = delete;

  bool matches(int linktype, const u8* data, u32 caplen, u32 wirelen) {
    const Program* p = last_ != nullptr && last_->linktype == linktype ? last_ : find(linktype);
    if (p == nullptr || !p->ok) return false;  // a filter that means nothing on this link matches nothing
    return bpf_filter(p->code.bf_insns, data, wirelen, caplen) != 0;
  }

  // The program for `linktype`, compiled on first use; nullptr if it does not compile there.
  const bpf_program* program(int linktype);
  const std::string& text() const { return text_; }

 private:
  struct Program {
    int linktype = -1;
    bool ok = false;
    bpf_program code{};
  };
  static constexpr int kMaxLinkTypes = 8;  // link types a capture meets are few; more share the last slot

  PacketFilter(std::string text, u32 snaplen) : text_(std::move(text)), snaplen_(snaplen) {}
  Program* find(int linktype);
  bool compile(Program* p, int linktype, std::string* error);

  const std::string text_;
  const u32 snaplen_;
  Program programs_[kMaxLinkTypes];
  int used_ = 0;
  Program* last_ = nullptr;
};

}  // namespace pktkit
