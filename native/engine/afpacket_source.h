// The Linux engine: an AF_PACKET socket with a TPACKET_V3 ring mapped once and
// shown to JS whole. The kernel writes packets into blocks; a block the kernel
// hands over is walked in place (records point into it), lent to JS with the
// batch, and handed back when JS asks for the next batch. A batch never spans
// two blocks, so JS holds one block at most. No packet byte is
// copied between the kernel and JS. libpcap still compiles the filter.
//
// Serves Ethernet-like interfaces (Ethernet, veth, loopback) and `any` (cooked,
// SLL2 or SLL, built in place before each packet as libpcap does). Anything
// else goes to the libpcap engine.
#pragma once

#include <memory>

#include "live_config.h"
#include "packet_filter.h"
#include "source.h"

struct tpacket3_hdr;

namespace pktkit {

class AfPacketSource final : public Source {
 public:
  // nullptr with `*error` empty (code "") when this engine cannot serve the
  // request and the libpcap engine should; nullptr with an error on failure.
  static std::unique_ptr<AfPacketSource> open(const LiveConfig& config, SourceError* error);
  ~AfPacketSource() override;

  Status fill(RecordSink& sink) override;
  int poll_fd() const override { return fd_; }
  const void* buffer_id() const override { return ring_.get(); }
  ByteBuffer buffer() const override { return {ring_base(), ring_size(), ring_}; }
  void counters(SourceCounters* out) override;
  void stop(bool keep_lent) override;

 private:
  struct Ring;  // the mapping, shared with JS's ArrayBuffer
  AfPacketSource() = default;
  bool setup(const LiveConfig& config, SourceError* error);
  bool attach_filter(const LiveConfig& config, SourceError* error);
  u8* block(u32 index) const;
  const u8* ring_base() const;
  size_t ring_size() const;
  void give_back_lent_blocks();
  // Whether the packet is one this capture reports (direction, loopback twins).
  bool wanted(const tpacket3_hdr* h) const;
  void deliver(RecordSink& sink, tpacket3_hdr* h, u8* block_start);
  void read_kernel_counters();
  void count_skipped_left_in_ring();

  int fd_ = -1;
  std::shared_ptr<Ring> ring_;
  u32 block_size_ = 0;
  u32 block_count_ = 0;
  bool cooked_ = false;
  int direction_ = 0;  // 0 both, 1 in, 2 out
  int lo_ifindex_ = -1;
  u32 snaplen_ = 262144;
  std::unique_ptr<PacketFilter> userland_filter_;

  // Walk position: the block being read, the next packet in it, how many are left.
  u32 current_ = 0;
  u8* next_packet_ = nullptr;
  u32 left_in_block_ = 0;
  // The block read to the end and lent to JS with the last batch, if any
  // (lent_count_ is 0 or 1: a batch never spans blocks): [lent_from_, +lent_count_).
  u32 lent_from_ = 0;
  u32 lent_count_ = 0;

  SourceCounters totals_{};
  bool stopped_ = false;
};

}  // namespace pktkit
