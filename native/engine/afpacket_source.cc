#include "afpacket_source.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "../fd.h"

namespace pktkit {

namespace {

constexpr int kDltEn10mb = 1;
constexpr int kDltLinuxSll = 113;
constexpr int kDltLinuxSll2 = 276;
constexpr u32 kSllLen = 16;
constexpr u32 kSll2Len = 20;
constexpr u32 kVlanTagLen = 4;
constexpr u32 kDefaultBuffer = 32u << 20;
// Room each block needs besides the packet: the tpacket3 header, the
// sockaddr_ll, alignment, our reserve and a cooked header built in front.
constexpr u32 kFrameOverhead = 256;
// Packets bigger than the MTU reach packet sockets (GSO/GRO), up to 64 KiB.
constexpr u32 kLargestUsualPacket = 65536 + 64;
constexpr u32 kLargestBlock = 1u << 20;

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

// The mapped ring. JS's ArrayBuffer keeps one reference, the source another.
// When the source stops, the kernel's pages are swapped for anonymous memory
// at the same address, so that the socket's memory is freed at once while a
// view JS still holds reads what it read before (or zeros), never a fault.
struct AfPacketSource::Ring {
  Ring(u8* base, size_t size) : base(base), size(size) {}
  ~Ring() { munmap(base, size); }
  void detach_from_kernel(bool keep_content) {
    void* fresh = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fresh == MAP_FAILED) return;  // keep the kernel's pages: still valid, freed at munmap
    if (keep_content) std::memcpy(fresh, base, size);
    if (mremap(fresh, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, base) == MAP_FAILED) munmap(fresh, size);
  }
  u8* const base;
  const size_t size;
};

std::unique_ptr<AfPacketSource> AfPacketSource::open(const LiveConfig& config, SourceError* error) {
  *error = {};
  const bool any = config.device == "any";
  if (config.linktype >= 0) {
    const bool servable =
        any ? (config.linktype == kDltLinuxSll2 || config.linktype == kDltLinuxSll) : config.linktype == kDltEn10mb;
    if (!servable) return nullptr;  // the libpcap engine translates other link types
  }
  std::unique_ptr<AfPacketSource> source(new AfPacketSource());
  if (!source->setup(config, error)) return nullptr;
  return source;
}

bool AfPacketSource::setup(const LiveConfig& config, SourceError* error) {
  const std::string& device = config.device;
  const bool any = device == "any";
  int ifindex = 0;
  if (!any) {
    ifindex = static_cast<int>(if_nametoindex(device.c_str()));
    if (ifindex == 0) {
      *error = errno_facts(ErrorKind::Interface, "no-device", device, "", ENODEV);
      error->status = "PCAP_ERROR_NO_SUCH_DEVICE";
      return false;
    }
  }
  engine = "afpacket";
  cooked_ = any;
  linktype = any ? (config.linktype == kDltLinuxSll ? kDltLinuxSll : kDltLinuxSll2) : kDltEn10mb;

  // Protocol 0: the socket receives nothing until bind(), so no packet enters
  // the ring before the filter is in place.
  fd_ = socket(AF_PACKET, (cooked_ ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) {
    int err = errno;
    if (err == EPERM || err == EACCES) {
      *error = errno_facts(ErrorKind::Permission, "capture", device, "socket", err);
      error->code = "EPERM";
      error->status = "PCAP_ERROR_PERM_DENIED";
    } else if (err == EAFNOSUPPORT) {
      return false;  // no AF_PACKET here: the libpcap engine decides
    } else {
      *error = errno_facts(ErrorKind::Pcap, "capture", device, "socket", err);
      error->code = "EPCAP";
    }
    return false;
  }
  if (!any) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, device.c_str(), IFNAMSIZ - 1);
    if (ioctl(fd_, SIOCGIFHWADDR, &ifr) == 0) {
      int type = ifr.ifr_hwaddr.sa_family;
      if (type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK) return false;  // libpcap knows the other link types
    }
    if (ioctl(fd_, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
      *error = {ErrorKind::Interface, "EIFDOWN", "down", device, "", "PCAP_ERROR_IFACE_NOT_UP"};
      return false;
    }
  }
  lo_ifindex_ = static_cast<int>(if_nametoindex("lo"));
  direction_ = config.direction == "in" ? 1 : config.direction == "out" ? 2 : 0;
  snaplen_ = config.snaplen;
  snaplen = config.snaplen;
  nanosecond = true;

  int version = TPACKET_V3;
  if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    return false;  // a kernel without TPACKET_V3: the libpcap engine
  }
  // Room in front of each packet to put back a VLAN tag the NIC or veth took out.
  unsigned reserve = kVlanTagLen;
  setsockopt(fd_, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof reserve);

  if (!attach_filter(config, error)) return false;

  // Blocks hold whole packets: big enough for the largest packet this snap
  // length keeps, in pages; as many as the buffer size allows.
  const u32 page = static_cast<u32>(sysconf(_SC_PAGESIZE));
  const u32 largest = (snaplen_ < kLargestUsualPacket ? snaplen_ : kLargestUsualPacket) + kFrameOverhead;
  const u32 buffer = config.buffer_size > 0 ? config.buffer_size
                     : config.ring_size > 0 ? config.ring_size
                                            : kDefaultBuffer;
  // Each block JS gets costs a wake-up: blocks of an eighth of the buffer (up
  // to 1 MiB) keep those rare, and leave the kernel eight to fill meanwhile.
  block_size_ = page;
  while (block_size_ < largest || (block_size_ < kLargestBlock && block_size_ * 16 <= buffer)) block_size_ <<= 1;
  block_count_ = (buffer + block_size_ - 1) / block_size_;
  if (block_count_ < 2) block_count_ = 2;

  tpacket_req3 req{};
  req.tp_block_size = block_size_;
  req.tp_block_nr = block_count_;
  req.tp_frame_size = block_size_;
  req.tp_frame_nr = block_count_;
  // A block goes to JS when full or after the timeout. pcap's 0 means "no
  // timeout", which TPACKET_V3 cannot say: the longest it can wait, as libpcap.
  req.tp_retire_blk_tov = config.immediate        ? 1
                          : config.timeout_ms > 0 ? static_cast<unsigned>(config.timeout_ms)
                                                  : UINT_MAX;
  if (setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    int err = errno;
    *error = errno_facts(ErrorKind::Pcap, "ring", device, "setsockopt", err);
    error->code = "EPCAP";
    error->values = {{"blocks", std::to_string(block_count_)}, {"blockSize", std::to_string(block_size_)}};
    return false;
  }
  size_t size = size_t{block_size_} * block_count_;
  // Populated at once: the first touch of each page would otherwise fault on the JS thread.
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, 0);
  if (base == MAP_FAILED) {
    *error = errno_facts(ErrorKind::Pcap, "map-ring", device, "mmap", errno);
    error->code = "EPCAP";
    return false;
  }
  ring_ = std::make_shared<Ring>(static_cast<u8*>(base), size);

  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = ifindex;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    if (err == ENETDOWN) {
      *error = {ErrorKind::Interface, "EIFDOWN", "down", device, "", "PCAP_ERROR_IFACE_NOT_UP"};
    } else if (err == ENODEV) {
      *error = {ErrorKind::Interface, "ENODEV", "no-device", device, "", "PCAP_ERROR_NO_SUCH_DEVICE"};
    } else {
      *error = errno_facts(ErrorKind::Pcap, "bind", device, "bind", err);
      error->code = "EPCAP";
    }
    return false;
  }
  if (config.promisc && !any) {
    packet_mreq mr{};
    mr.mr_ifindex = ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) {
      warning = std::string("PCAP_WARNING_PROMISC_NOTSUP: ") + errno_text(errno);
    }
  } else if (config.promisc && any) {
    warning = "PCAP_WARNING_PROMISC_NOTSUP: Promiscuous mode not supported on the \"any\" device";
  }
  if (config.fanout_group >= 0) {
    int mode = config.fanout_mode;
    if (mode == PACKET_FANOUT_HASH) mode |= PACKET_FANOUT_FLAG_DEFRAG;  // fragments of one datagram stay together
    int value = (config.fanout_group & 0xffff) | (mode << 16);
    if (setsockopt(fd_, SOL_PACKET, PACKET_FANOUT, &value, sizeof value) != 0) {
      *error = errno_facts(ErrorKind::Pcap, "fanout", device, "setsockopt", errno);
      error->code = "EPCAP";
      error->values = {{"group", std::to_string(config.fanout_group)}};
      return false;
    }
  }
  return true;
}

// Rewrites a program compiled for a cooked link header for the kernel, which
// runs it on the packet from the network header on: loads inside the payload
// move back by the header's length, and the header's fields the kernel knows
// become its special loads. False when the program reads something else of
// the header: it then runs in userland.
static bool cook_program(std::vector<sock_filter>& code, int linktype) {
  const u32 header = linktype == kDltLinuxSll2 ? kSll2Len : kSllLen;
  for (sock_filter& insn : code) {
    if (BPF_CLASS(insn.code) != BPF_LD && BPF_CLASS(insn.code) != BPF_LDX) continue;
    u32 mode = BPF_MODE(insn.code);
    if (mode == BPF_IND || mode == BPF_MSH) {
      if (mode == BPF_MSH && insn.k >= header) insn.k -= header;
      else if (mode == BPF_IND) {
        // X was loaded from the packet with an offset relative to the link header.
        if (insn.k >= header) insn.k -= header;
        else return false;
      } else {
        return false;
      }
      continue;
    }
    if (mode != BPF_ABS) continue;
    if (insn.k >= static_cast<u32>(SKF_AD_OFF)) continue;
    if (insn.k >= header) {
      insn.k -= header;
    } else if (linktype == kDltLinuxSll2 && insn.k == 0) {
      insn.k = SKF_AD_OFF + SKF_AD_PROTOCOL;
    } else if (linktype == kDltLinuxSll2 && insn.k == 4) {
      insn.k = SKF_AD_OFF + SKF_AD_IFINDEX;
    } else if (linktype == kDltLinuxSll2 && insn.k == 10) {
      insn.k = SKF_AD_OFF + SKF_AD_PKTTYPE;
    } else if (linktype == kDltLinuxSll && insn.k == 0) {
      insn.k = SKF_AD_OFF + SKF_AD_PKTTYPE;
    } else if (linktype == kDltLinuxSll && insn.k == 14) {
      insn.k = SKF_AD_OFF + SKF_AD_PROTOCOL;
    } else {
      return false;
    }
  }
  return true;
}

bool AfPacketSource::attach_filter(const LiveConfig& config, SourceError* error) {
  std::vector<sock_filter> code;
  if (!config.filter.empty()) {
    std::string detail;
    std::unique_ptr<PacketFilter> filter = PacketFilter::create(config.filter, linktype, snaplen_, &detail);
    if (!filter) {
      *error = {ErrorKind::Filter, "EFILTER", "filter", config.filter, detail};
      return false;
    }
    const bpf_program* program = filter->program(linktype);
    for (u32 i = 0; i < program->bf_len; ++i) {
      const bpf_insn& in = program->bf_insns[i];
      code.push_back({in.code, in.jt, in.jf, in.k});
    }
    // The kernel sees a packet whose VLAN tag the NIC took out without the
    // tag, and a cooked packet without its header: such programs run here,
    // on the packet as it will be delivered.
    bool kernel_can = config.filter.find("vlan") == std::string::npos && (!cooked_ || cook_program(code, linktype));
    if (!kernel_can) {
      userland_filter_ = std::move(filter);
      code.clear();
    }
  }
  if (code.empty() && snaplen_ < 262144) {
    // Only a program can make the kernel cut packets at the snap length, which
    // keeps more of them in the ring; the length is enforced here as well.
    code.push_back(BPF_STMT(BPF_RET | BPF_K, snaplen_ + kVlanTagLen));
  }
  if (code.empty()) return true;
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    int err = errno;
    *error = errno_facts(ErrorKind::Filter, "filter-attach", config.filter, "setsockopt", err);
    error->code = "EFILTER";
    return false;
  }
  return true;
}

AfPacketSource::~AfPacketSource() { stop(false); }

u8* AfPacketSource::block(u32 index) const { return ring_->base + size_t{index % block_count_} * block_size_; }

void AfPacketSource::give_back_lent_blocks() {
  for (u32 i = 0; i < lent_count_; ++i) {
    auto* desc = reinterpret_cast<tpacket_block_desc*>(block(lent_from_ + i));
    // Release: every read of the block's packets happens before the kernel may write it again.
    __atomic_store_n(&desc->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  }
  lent_from_ = (lent_from_ + lent_count_) % block_count_;
  lent_count_ = 0;
}

bool AfPacketSource::wanted(const tpacket3_hdr* h) const {
  const auto* sll =
      reinterpret_cast<const sockaddr_ll*>(reinterpret_cast<const u8*>(h) + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
  if (sll->sll_pkttype == PACKET_OUTGOING) {
    // Loopback shows each packet twice, going out and coming in: keep one, as libpcap does.
    if (sll->sll_ifindex == lo_ifindex_) return false;
    return direction_ != 1;
  }
  return direction_ != 2;
}

void AfPacketSource::deliver(RecordSink& sink, tpacket3_hdr* h, u8* block_start) {
  u8* frame = reinterpret_cast<u8*>(h);
  const auto* sll = reinterpret_cast<const sockaddr_ll*>(frame + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
  // The kernel's offsets are checked like any other input before they are followed.
  const size_t frame_off = static_cast<size_t>(frame - block_start);
  if (frame_off + h->tp_mac + size_t{h->tp_snaplen} > block_size_) return;
  u8* data = frame + h->tp_mac;
  u32 caplen = h->tp_snaplen;
  u32 wirelen = h->tp_len;
  const u8* floor = frame + TPACKET_ALIGN(sizeof(tpacket3_hdr)) + sizeof(sockaddr_ll);
  if (cooked_) {
    // Build the cooked header in the room the kernel left in front of the packet.
    u32 len = linktype == kDltLinuxSll2 ? kSll2Len : kSllLen;
    if (data - len < floor) return;
    data -= len;
    if (linktype == kDltLinuxSll2) {
      std::memcpy(data, &sll->sll_protocol, 2);
      data[2] = data[3] = 0;
      u32 ifindex = htonl(static_cast<u32>(sll->sll_ifindex));
      std::memcpy(data + 4, &ifindex, 4);
      u16 hatype = htons(sll->sll_hatype);
      std::memcpy(data + 8, &hatype, 2);
      data[10] = sll->sll_pkttype;
      data[11] = sll->sll_halen;
      std::memcpy(data + 12, sll->sll_addr, 8);
    } else {
      u16 v = htons(sll->sll_pkttype);
      std::memcpy(data, &v, 2);
      v = htons(sll->sll_hatype);
      std::memcpy(data + 2, &v, 2);
      v = htons(sll->sll_halen);
      std::memcpy(data + 4, &v, 2);
      std::memcpy(data + 6, sll->sll_addr, 8);
      std::memcpy(data + 14, &sll->sll_protocol, 2);
    }
    caplen += len;
    wirelen += len;
  }
  // A tag the NIC or veth stripped goes back where it was on the wire, as
  // libpcap puts it back (Ethernet and SLL; it leaves SLL2 alone).
  const u32 type_offset = linktype == kDltEn10mb ? 12 : linktype == kDltLinuxSll ? kSllLen - 2 : 0;
  if ((h->tp_status & TP_STATUS_VLAN_VALID) && type_offset != 0 && caplen >= type_offset &&
      data - kVlanTagLen >= floor) {
    data -= kVlanTagLen;
    std::memmove(data, data + kVlanTagLen, type_offset);
    u16 tpid = htons((h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : ETH_P_8021Q);
    u16 tci = htons(h->hv1.tp_vlan_tci);
    std::memcpy(data + type_offset, &tpid, 2);
    std::memcpy(data + type_offset + 2, &tci, 2);
    caplen += kVlanTagLen;
    wirelen += kVlanTagLen;
  }
  if (caplen > snaplen_) caplen = snaplen_;
  u16 iface = sll->sll_ifindex > 0 && static_cast<u32>(sll->sll_ifindex) < rec::IFACE_UNKNOWN
                  ? static_cast<u16>(sll->sll_ifindex)
                  : static_cast<u16>(rec::IFACE_UNKNOWN);
  sink.put(data, caplen, wirelen, linktype, h->tp_sec, h->tp_nsec, iface);
}

Source::Status AfPacketSource::fill(RecordSink& sink) {
  if (stopped_) return Status::kEnd;
  give_back_lent_blocks();
  sink.begin(ring_->base);
  sink.set_filter(userland_filter_.get());
  while (!sink.full()) {
    u8* blk = block(current_);
    auto* desc = reinterpret_cast<tpacket_block_desc*>(blk);
    if (next_packet_ == nullptr) {
      // Acquire: the packets are read only after the kernel said the block is ours.
      if (!(__atomic_load_n(&desc->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) break;
      left_in_block_ = desc->hdr.bh1.num_pkts;
      u32 first = desc->hdr.bh1.offset_to_first_pkt;
      next_packet_ = first < block_size_ ? blk + first : nullptr;
      if (next_packet_ == nullptr) left_in_block_ = 0;
    }
    while (left_in_block_ > 0 && !sink.full()) {
      auto* h = reinterpret_cast<tpacket3_hdr*>(next_packet_);
      --left_in_block_;
      u32 next = h->tp_next_offset;
      if (next == 0 || static_cast<size_t>(next_packet_ - blk) + next >= block_size_) {
        left_in_block_ = 0;
      } else if (left_in_block_ > 0) {
        // The kernel wrote the next packet from another CPU: its header and
        // first bytes are cache misses; start them while this one is dissected.
        const u8* ahead = next_packet_ + next;
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
        __builtin_prefetch(ahead + 128);
      }
      if (wanted(h)) {
        deliver(sink, h, blk);
      } else {
        ++totals_.skipped;
      }
      next_packet_ += next;
    }
    if (left_in_block_ == 0) {
      current_ = (current_ + 1) % block_count_;
      next_packet_ = nullptr;
      if (sink.count() == 0) {
        // Nothing of it went to JS (every packet skipped or filtered out): the kernel gets it back now.
        auto* done = reinterpret_cast<tpacket_block_desc*>(blk);
        __atomic_store_n(&done->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        lent_from_ = current_;
        continue;
      }
      // Read to the end: lent to JS with this batch, given back at the next
      // fill. A batch ends with its block, so JS holds one block at most and
      // the kernel keeps the rest of the ring while JS reads, as it does while
      // libpcap reads (which hands each block back before the next).
      ++lent_count_;
      break;
    }
  }
  if (sink.count() > 0) return Status::kPackets;
  // Nothing to read: the socket may have failed (the interface went down or away).
  if (int err = pending_socket_error(fd_)) {
    error_ = errno_facts(ErrorKind::Pcap, "stopped", "", "", err);
    error_.code = "EPCAP";
    return Status::kError;
  }
  return Status::kIdle;
}

const u8* AfPacketSource::ring_base() const { return ring_->base; }
size_t AfPacketSource::ring_size() const { return ring_->size; }

void AfPacketSource::read_kernel_counters() {
  if (fd_ < 0) return;
  tpacket_stats_v3 st{};
  socklen_t len = sizeof st;
  // The kernel resets its counters on every read: they are summed here.
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
    totals_.kernel_received += st.tp_packets;  // includes the packets it dropped
    totals_.kernel_dropped += st.tp_drops;
  }
  totals_.from_kernel = true;
}

void AfPacketSource::counters(SourceCounters* out) {
  read_kernel_counters();
  *out = totals_;
}

// After reception stopped: the twins and other-direction packets among those
// the ring still holds are counted as skipped, so that `received` (the kernel's
// count less the skipped) leaves exactly the unread ones as droppedByRing.
void AfPacketSource::count_skipped_left_in_ring() {
  u32 index = current_;
  u8* pkt = next_packet_;
  u32 left = left_in_block_;
  for (u32 visited = 0; visited < block_count_; ++visited, index = (index + 1) % block_count_, pkt = nullptr) {
    u8* blk = block(index);
    auto* desc = reinterpret_cast<tpacket_block_desc*>(blk);
    if (pkt == nullptr) {
      left = desc->hdr.bh1.num_pkts;
      u32 first = desc->hdr.bh1.offset_to_first_pkt;
      if (left == 0 || first >= block_size_) {
        if (!(desc->hdr.bh1.block_status & TP_STATUS_USER)) break;  // the kernel's open block, empty
        continue;
      }
      pkt = blk + first;
    }
    while (left > 0) {
      auto* h = reinterpret_cast<tpacket3_hdr*>(pkt);
      --left;
      if (!wanted(h)) ++totals_.skipped;
      u32 next = h->tp_next_offset;
      if (next == 0 || static_cast<size_t>(pkt - blk) + next >= block_size_) break;
      pkt += next;
    }
    if (!(desc->hdr.bh1.block_status & TP_STATUS_USER)) break;  // the block the kernel was filling
  }
}

void AfPacketSource::stop(bool keep_lent) {
  if (stopped_) return;
  stopped_ = true;
  if (fd_ >= 0) {
    // Unhook from the interface first: the counters and the ring stop moving.
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    read_kernel_counters();
    if (ring_) count_skipped_left_in_ring();
  }
  if (ring_) ring_->detach_from_kernel(keep_lent);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace pktkit
