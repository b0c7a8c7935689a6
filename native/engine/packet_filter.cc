#include "packet_filter.h"

namespace pktkit {

std::unique_ptr<PacketFilter> PacketFilter::create(const std::string& text, int linktype, u32 snaplen,
                                                   std::string* error) {
  std::unique_ptr<PacketFilter> filter(new PacketFilter(text, snaplen));
  Program* p = &filter->programs_[filter->used_++];
  if (!filter->compile(p, linktype, error)) return nullptr;
  filter->last_ = p;
  return filter;
}

PacketFilter::~PacketFilter() {
  for (int i = 0; i < used_; ++i) {
    if (programs_[i].ok) pcap_freecode(&programs_[i].code);
  }
}

bool PacketFilter::compile(Program* p, int linktype, std::string* error) {
  p->linktype = linktype;
  p->ok = false;
  pcap_t* dead = pcap_open_dead(linktype, static_cast<int>(snaplen_));
  if (dead == nullptr) {
    if (error) *error = "cannot compile for link type " + std::to_string(linktype);
    return false;
  }
  if (pcap_compile(dead, &p->code, text_.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0) {
    p->ok = true;
  } else if (error) {
    *error = pcap_geterr(dead);
  }
  pcap_close(dead);
  return p->ok;
}

PacketFilter::Program* PacketFilter::find(int linktype) {
  for (int i = 0; i < used_; ++i) {
    if (programs_[i].linktype == linktype) return last_ = &programs_[i];
  }
  Program* p = &programs_[used_ < kMaxLinkTypes ? used_++ : kMaxLinkTypes - 1];
  if (p->ok) pcap_freecode(&p->code);
  compile(p, linktype, nullptr);
  return last_ = p;
}

const bpf_program* PacketFilter::program(int linktype) {
  Program* p = find(linktype);
  return p->ok ? &p->code : nullptr;
}

}  // namespace pktkit
