#include "pcap_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../fd.h"

namespace pktkit {

namespace {

constexpr size_t kFileBuffer = 1 << 20;  // stdio buffer of a savefile
// The largest packet libpcap hands over (its MAXIMUM_SNAPLEN), plus a cooked header.
constexpr size_t kMaxPacket = 262144 + 64;
constexpr size_t kBatchBytes = 8 << 20;

}  // namespace

// Where this engine copies packets: one buffer, reused by every batch (JS has
// moved past the previous batch when it asks for the next).
struct PcapSource::Bytes {
  Bytes() : data(static_cast<u8*>(std::malloc(kBatchBytes))) {}
  ~Bytes() { std::free(data); }
  u8* const data;
};

PcapSource::PcapSource(pcap_t* pcap, bool live) : pcap_(pcap), live_(live), bytes_(std::make_shared<Bytes>()) {
  engine = live ? "libpcap" : "file";
}

PcapSource::~PcapSource() {
  if (pcap_) pcap_close(pcap_);
}

void PcapSource::describe() {
  linktype = pcap_datalink(pcap_);
  int snap = pcap_snapshot(pcap_);
  snaplen = snap <= 0 || snap > 262144 ? 262144 : static_cast<uint32_t>(snap);
  nanosecond = pcap_get_tstamp_precision(pcap_) == PCAP_TSTAMP_PRECISION_NANO;
}

std::unique_ptr<PcapSource> PcapSource::open_live(const LiveConfig& config, SourceError* error) {
  const std::string& device = config.device;
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t* pcap = pcap_create(device.c_str(), errbuf);
  if (!pcap) {
    *error = {ErrorKind::Pcap, "EPCAP", "open-device", device, errbuf};
    return nullptr;
  }
  std::unique_ptr<PcapSource> source(new PcapSource(pcap, true));
  pcap_set_snaplen(pcap, static_cast<int>(config.snaplen));
  pcap_set_promisc(pcap, config.promisc ? 1 : 0);
  pcap_set_timeout(pcap, config.timeout_ms);
  pcap_set_immediate_mode(pcap, config.immediate ? 1 : 0);
  if (config.buffer_size > 0) pcap_set_buffer_size(pcap, static_cast<int>(config.buffer_size));
  // Nanosecond stamps where the platform has them; microseconds otherwise.
  if (pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_NANO) != 0) {
    pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_MICRO);
  }
  int status = pcap_activate(pcap);
  if (status < 0) {
    std::string detail = pcap_geterr(pcap);
    std::string name = pcap_status_name(status);
    switch (status) {
      case PCAP_ERROR_NO_SUCH_DEVICE:
        *error = {ErrorKind::Interface, "ENODEV", "no-device", device, detail, name};
        break;
      case PCAP_ERROR_PERM_DENIED:
      case PCAP_ERROR_PROMISC_PERM_DENIED:
        *error = {ErrorKind::Permission, "EPERM", "capture", device, detail, name};
        break;
      case PCAP_ERROR_IFACE_NOT_UP: *error = {ErrorKind::Interface, "EIFDOWN", "down", device, detail, name}; break;
      default: *error = {ErrorKind::Pcap, "EPCAP", "capture", device, detail, name};
    }
    return nullptr;
  }
  if (status > 0) {
    // A warning (e.g. PCAP_WARNING_PROMISC_NOTSUP) is an event, not a failure.
    source->warning = std::string(pcap_status_name(status)) + ": " + pcap_geterr(pcap);
  }
  // Link type (tcpdump's -y). On `any`, prefer SLL2 as tcpdump does: it adds
  // the interface index and keeps the packet type.
  if (config.linktype >= 0) {
    if (pcap_set_datalink(pcap, config.linktype) != 0) {
      *error = {ErrorKind::Pcap, "EPCAP", "link-type", device, pcap_geterr(pcap)};
      error->values = {{"linkType", std::to_string(config.linktype)}};
      return nullptr;
    }
  } else if (device == "any") {
    pcap_set_datalink(pcap, DLT_LINUX_SLL2);
  }
  if (config.direction != "inout") {
    if (pcap_setdirection(pcap, config.direction == "in" ? PCAP_D_IN : PCAP_D_OUT) != 0) {
      *error = {ErrorKind::Pcap, "EPCAP", "direction", device, pcap_geterr(pcap)};
      error->values = {{"direction", config.direction}};
      return nullptr;
    }
  }
  if (pcap_setnonblock(pcap, 1, errbuf) != 0) {
    *error = {ErrorKind::Pcap, "EPCAP", "nonblock", device, errbuf};
    return nullptr;
  }
  if (!config.filter.empty() && !source->apply_filter(config.filter, error)) return nullptr;
  source->describe();
  return source;
}

std::unique_ptr<PcapSource> PcapSource::open_file(const std::string& path, const std::string& filter,
                                                  SourceError* error) {
  // fopen first, so the error carries errno (ENOENT, EACCES, EISDIR) rather
  // than libpcap's prose. "-" is standard input, as for tcpdump -r - (a
  // duplicate, so closing the capture does not close the process's stdin).
  struct stat info;
  int stdin_copy = path == "-" ? dup(STDIN_FILENO) : -1;
  FILE* file = path == "-" ? (stdin_copy >= 0 ? fdopen(stdin_copy, "rb") : nullptr)
               : stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) ? (errno = EISDIR, nullptr)
                                                                         : std::fopen(path.c_str(), "rb");
  if (!file) {
    int err = errno;
    const char* code = err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : err == EISDIR ? "EISDIR" : "EIO";
    *error = errno_facts(ErrorKind::File, "open-file", path, "fopen", err);
    error->code = code;
    return nullptr;
  }
  std::setvbuf(file, nullptr, _IOFBF, kFileBuffer);
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!pcap) {
    std::fclose(file);
    *error = {ErrorKind::File, "EFORMAT", "not-capture-file", path, errbuf};
    return nullptr;
  }
  std::unique_ptr<PcapSource> source(new PcapSource(pcap, false));
  if (!filter.empty() && !source->apply_filter(filter, error)) return nullptr;
  source->describe();
  return source;
}

bool PcapSource::apply_filter(const std::string& filter, SourceError* error) {
  bpf_program program;
  if (pcap_compile(pcap_, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    *error = {ErrorKind::Filter, "EFILTER", "filter", filter, pcap_geterr(pcap_)};
    return false;
  }
  int status = pcap_setfilter(pcap_, &program);
  pcap_freecode(&program);
  if (status != 0) {
    *error = {ErrorKind::Filter, "EFILTER", "filter-apply", filter, pcap_geterr(pcap_)};
    return false;
  }
  return true;
}

Source::Status PcapSource::fill(RecordSink& sink) {
  if (!pcap_) return Status::kEnd;
  sink.begin(bytes_->data);
  used_ = 0;
  // An interface that goes down sets ENETDOWN on the socket. libpcap 1.10
  // reads and clears it in its own poll and waits on for the interface to come
  // back, asking the event loop to call again on a timer; the AF_PACKET engine
  // ends the capture instead. Taking the error first makes both engines end
  // the same way, after every packet still in the ring has been read.
  if (live_ && socket_error_ == 0) socket_error_ = pending_socket_error(pcap_get_selectable_fd(pcap_));
  sink_ = &sink;
  // One packet per dispatch: a packet must never arrive with no room for it.
  while (!sink.full() && kBatchBytes - used_ >= kMaxPacket) {
    int n = pcap_dispatch(pcap_, 1, on_packet, reinterpret_cast<u_char*>(this));
    if (n > 0) continue;
    sink_ = nullptr;
    if (n == 0 && live_) {
      if (sink.count()) return Status::kPackets;
      if (socket_error_ != 0) {
        error_ = errno_facts(ErrorKind::Pcap, "stopped", "", "", socket_error_);
        error_.code = "EPCAP";
        return Status::kError;
      }
      return Status::kIdle;
    }
    if (n == 0 || n == PCAP_ERROR_BREAK) return sink.count() ? Status::kPackets : Status::kEnd;
    std::string detail = pcap_geterr(pcap_);
    if (live_) {
      // e.g. the interface went away: "The interface disappeared"
      error_ = {ErrorKind::Pcap, "EPCAP", "stopped", "", detail};
    } else {
      // A file cut inside a record: every whole packet has been delivered.
      error_ = {ErrorKind::File, detail.find("truncated") != std::string::npos ? "ETRUNCATED" : "EFORMAT", "damaged",
                "", detail};
    }
    return sink.count() ? Status::kPackets : Status::kError;
  }
  sink_ = nullptr;
  return Status::kPackets;
}

void PcapSource::on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* self = reinterpret_cast<PcapSource*>(user);
  u32 caplen = header->caplen < kMaxPacket ? header->caplen : static_cast<u32>(kMaxPacket);
  u8* at = self->bytes_->data + self->used_;
  std::memcpy(at, bytes, caplen);
  // Savefiles are opened, and live handles activated, with nanosecond precision
  // where available; tv_usec then holds nanoseconds.
  u32 nsec = static_cast<u32>(header->ts.tv_usec) * (self->nanosecond ? 1 : 1000);
  if (self->sink_->put(at, caplen, header->len, self->linktype, static_cast<u32>(header->ts.tv_sec), nsec,
                       rec::IFACE_UNKNOWN)) {
    self->used_ += (caplen + 7) & ~size_t{7};
  }
}

ByteBuffer PcapSource::buffer() const { return {bytes_->data, kBatchBytes, bytes_}; }

void PcapSource::counters(SourceCounters* out) {
  if (pcap_ && live_) {
    pcap_stat ps{};
    if (pcap_stats(pcap_, &ps) == 0) {
      last_.kernel_received = ps.ps_recv;
      last_.kernel_dropped = ps.ps_drop;
      last_.interface_dropped = ps.ps_ifdrop;
    }
    last_.from_kernel = true;
  }
  *out = last_;
}

void PcapSource::stop(bool) {
  if (!pcap_) return;
  counters(&last_);
  pcap_close(pcap_);
  pcap_ = nullptr;
}

}  // namespace pktkit
