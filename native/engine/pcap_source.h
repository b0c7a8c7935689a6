// The libpcap engine: live captures where AF_PACKET cannot serve (other link
// types, `engine: 'libpcap'`), and the reference the other engines are tested
// against. libpcap hands each packet to a callback from its own buffer, so this
// is the copying path: packets are copied into one byte buffer per batch.
#pragma once

#include <pcap/pcap.h>

#include <memory>

#include "live_config.h"
#include "source.h"

namespace pktkit {

class PcapSource final : public Source {
 public:
  static std::unique_ptr<PcapSource> open_live(const LiveConfig& config, SourceError* error);
  static std::unique_ptr<PcapSource> open_file(const std::string& path, const std::string& filter, SourceError* error);
  ~PcapSource() override;

  Status fill(RecordSink& sink) override;
  int poll_fd() const override { return live_ ? pcap_get_selectable_fd(pcap_) : -1; }
  const void* buffer_id() const override { return bytes_.get(); }
  ByteBuffer buffer() const override;
  void counters(SourceCounters* out) override;
  void stop(bool keep_lent) override;

 private:
  struct Bytes;
  explicit PcapSource(pcap_t* pcap, bool live);
  bool apply_filter(const std::string& filter, SourceError* error);
  void describe();
  static void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes);

  pcap_t* pcap_;
  const bool live_;
  std::shared_ptr<Bytes> bytes_;
  size_t used_ = 0;
  RecordSink* sink_ = nullptr;
  SourceCounters last_{};
  // The socket's error (ENETDOWN), taken before libpcap's own poll clears it.
  int socket_error_ = 0;
};

}  // namespace pktkit
