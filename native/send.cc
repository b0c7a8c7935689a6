// Sending: one raw socket per call, the syscalls on a libuv worker thread
// (napi async work), so a send never blocks the JS thread. Three socket kinds:
//   ip4  AF_INET  SOCK_RAW IPPROTO_RAW   header included (implied by IPPROTO_RAW)
//   ip6  AF_INET6 SOCK_RAW IPPROTO_RAW   header included (implied by IPPROTO_RAW since 2.6;
//                                        IPV6_HDRINCL in 4.5 only extended it to other protocols)
//   l2   AF_PACKET SOCK_RAW, protocol 0 bound to the interface: sends frames, receives nothing
// Why a raw IPv6 socket with the header included rather than AF_PACKET on the
// route's interface: the kernel then routes by the header's destination, does
// neighbour discovery and runs netfilter, while every header byte (source, flow
// label, hop limit, extension headers, checksums) stays as the layers built it.
// AF_PACKET would mean redoing routing and neighbour discovery here, and
// IPV6_HDRINCL is only needed for protocols other than IPPROTO_RAW. The cost,
// as for IPv4: the kernel does not fragment such packets (EMSGSIZE above the MTU).
// Errors are facts (native/errors.h): the errno, the call, the interface and
// how many packets went out; lib/errors.ts words them.
#include "send.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "fd.h"

namespace pktkit {
namespace {

enum class Kind { Ip4, Ip6, L2 };

// A failed system call while sending: classified (EPERM → PermissionError ...), worded by lib/errors.ts.
ErrorFacts send_facts(const std::string& context, const std::string& iface, const std::string& op, int err) {
  ErrorFacts f = errno_facts(ErrorKind::Send, "send", iface, op, err);
  classify_errno(&f);
  f.context = context;
  return f;
}

// Packet `index` does not start with the IP header its socket needs (lib/send checks this first).
ErrorFacts not_ip_facts(const std::string& context, uint32_t index, const char* version) {
  ErrorFacts f{ErrorKind::Argument, "ERR_INVALID_ARG_VALUE", "not-ip"};
  f.context = context;
  f.values = {{"index", std::to_string(index)}, {"version", version}};
  return f;
}

double monotonic_seconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleep_until(double when) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(when);
  ts.tv_nsec = static_cast<long>((when - static_cast<double>(ts.tv_sec)) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// The packets of one call, their destinations (L3), and the pacing. Built on
// the JS thread (it reads JS values), then only read by the worker.
struct SendJob {
  Kind kind = Kind::L2;
  std::vector<std::vector<uint8_t>> packets;
  std::vector<sockaddr_storage> dests;  // L3 only, one per packet
  socklen_t dest_len = 0;
  double total = 0;  // packets to send, cycling through `packets`
  double inter = 0;  // seconds between packets (send/sendp's inter)
  double pps = 0;    // sendpfast's packets per second
  double mbps = 0;   // sendpfast's megabits per second
  size_t batch = 1;  // messages per sendmmsg
};

class SendWorker : public Napi::AsyncWorker {
 public:
  SendWorker(Napi::Env env, int fd, SendJob job, std::string context, std::string iface)
      : Napi::AsyncWorker(env, "pktkit.send"),
        deferred_(Napi::Promise::Deferred::New(env)),
        fd_(fd),
        job_(std::move(job)),
        context_(std::move(context)),
        iface_(std::move(iface)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    const size_t n = job_.packets.size();
    std::vector<mmsghdr> msgs(job_.batch);
    std::vector<iovec> iovs(job_.batch);
    const bool paced = job_.inter > 0 || job_.pps > 0 || job_.mbps > 0;
    const double t0 = monotonic_seconds();
    double queued_bits = 0;  // bits of the packets before the next one, for the Mbps clock
    uint64_t next = 0;
    const uint64_t total = static_cast<uint64_t>(job_.total);
    while (next < total) {
      size_t k = 0;
      double now = monotonic_seconds() - t0;
      while (k < job_.batch && next + k < total) {
        const uint64_t j = next + k;
        const std::vector<uint8_t>& p = job_.packets[j % n];
        if (paced) {
          double due = job_.inter > 0 ? static_cast<double>(j) * job_.inter
                       : job_.pps > 0 ? static_cast<double>(j) / job_.pps
                                      : queued_bits / (job_.mbps * 1e6);
          if (due > now) {
            if (k > 0) break;  // send what is due first
            sleep_until(t0 + due);
            now = monotonic_seconds() - t0;
          }
          queued_bits += static_cast<double>(p.size()) * 8;
        }
        iovs[k].iov_base = const_cast<uint8_t*>(p.data());
        iovs[k].iov_len = p.size();
        std::memset(&msgs[k], 0, sizeof(mmsghdr));
        msgs[k].msg_hdr.msg_iov = &iovs[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
        if (job_.kind != Kind::L2) {
          msgs[k].msg_hdr.msg_name = &job_.dests[j % n];
          msgs[k].msg_hdr.msg_namelen = job_.dest_len;
        }
        k++;
      }
      if (!send_all(msgs.data(), k)) break;
      next += k;
    }
    seconds_ = monotonic_seconds() - t0;
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (error_ != 0) {
      ErrorFacts f = send_facts(context_, iface_, syscall_, error_);
      f.values = {{"packet", std::to_string(sent_ + 1)}, {"sent", std::to_string(sent_)}};
      deferred_.Reject(make_error(env, f).Value());
      return;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("sent", static_cast<double>(sent_));
    out.Set("bytes", static_cast<double>(bytes_));
    out.Set("seconds", seconds_);
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  // sendmmsg until all `count` left, waiting briefly when the device queue is
  // full (ENOBUFS/EAGAIN) instead of failing: a full queue is back-pressure.
  bool send_all(mmsghdr* msgs, size_t count) {
    size_t done = 0;
    double stalled_since = 0;
    while (done < count) {
      int r = sendmmsg(fd_.get(), msgs + done, static_cast<unsigned>(count - done), 0);
      if (r > 0) {
        for (int i = 0; i < r; i++) bytes_ += msgs[done + i].msg_len;
        done += static_cast<size_t>(r);
        sent_ += static_cast<uint64_t>(r);
        stalled_since = 0;
        continue;
      }
      int err = r < 0 ? errno : EIO;
      if (err == EINTR) continue;
      if (err == ENOBUFS || err == EAGAIN) {
        double now = monotonic_seconds();
        if (stalled_since == 0) stalled_since = now;
        if (now - stalled_since < 2.0) {
          pollfd pfd{fd_.get(), POLLOUT, 0};
          poll(&pfd, 1, 1);
          continue;
        }
      }
      error_ = err;
      syscall_ = "sendmmsg";
      return false;
    }
    return true;
  }

  Napi::Promise::Deferred deferred_;
  Fd fd_;
  SendJob job_;
  std::string context_;  // for errors: the call, e.g. "send()"
  std::string iface_;
  uint64_t sent_ = 0;
  uint64_t bytes_ = 0;
  double seconds_ = 0;
  int error_ = 0;
  std::string syscall_;
};

// Opens the socket for `kind` on the JS thread: these calls do not wait on
// the network, and failing here (EPERM, ENODEV) rejects before anything is queued.
int open_socket(Napi::Env env, Kind kind, const std::string& iface, size_t batch, const std::string& context) {
  int domain = kind == Kind::Ip4 ? AF_INET : kind == Kind::Ip6 ? AF_INET6 : AF_PACKET;
  Fd fd(socket(domain, SOCK_RAW | SOCK_CLOEXEC, kind == Kind::L2 ? 0 : IPPROTO_RAW));
  if (fd.get() < 0) throw make_error(env, send_facts(context, iface, "socket", errno));
  if (kind == Kind::Ip4) {
    int one = 1;
    // Broadcast destinations are refused without it (EACCES).
    setsockopt(fd.get(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  }
#ifdef IPV6_HDRINCL
  if (kind == Kind::Ip6) {
    // Already implied by IPPROTO_RAW; said explicitly where the headers know the option. Failure is harmless.
    int one = 1;
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof one);
  }
#endif
  if (batch > 1) {
    int size = 4 << 20;
    setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  if (!iface.empty()) {
    unsigned index = if_nametoindex(iface.c_str());
    if (index == 0) throw make_error(env, send_facts(context, iface, "if_nametoindex", ENODEV));
    if (kind == Kind::L2) {
      sockaddr_ll sll{};
      sll.sll_family = AF_PACKET;
      sll.sll_protocol = 0;  // receive nothing: this socket only sends
      sll.sll_ifindex = static_cast<int>(index);
      if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0) {
        throw make_error(env, send_facts(context, iface, "bind", errno));
      }
    } else if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(), static_cast<socklen_t>(iface.size())) <
               0) {
      throw make_error(env, send_facts(context, iface, "SO_BINDTODEVICE", errno));
    }
  }
  return fd.release();
}

}  // namespace

// sendPackets({ kind, iface, packets, total, inter, pps, mbps, batch }) → Promise<{ sent, bytes, seconds }>
Napi::Value send_packets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object spec = info[0].As<Napi::Object>();
  std::string kind_name = spec.Get("kind").As<Napi::String>();
  std::string iface =
      spec.Has("iface") && spec.Get("iface").IsString() ? spec.Get("iface").As<Napi::String>().Utf8Value() : "";
  std::string context = spec.Get("context").IsString() ? spec.Get("context").As<Napi::String>().Utf8Value() : "send";
  SendJob job;
  job.kind = kind_name == "ip4" ? Kind::Ip4 : kind_name == "ip6" ? Kind::Ip6 : Kind::L2;
  job.total = spec.Get("total").As<Napi::Number>().DoubleValue();
  job.inter = spec.Get("inter").As<Napi::Number>().DoubleValue();
  job.pps = spec.Get("pps").As<Napi::Number>().DoubleValue();
  job.mbps = spec.Get("mbps").As<Napi::Number>().DoubleValue();
  job.batch = static_cast<size_t>(spec.Get("batch").As<Napi::Number>().Uint32Value());
  unsigned scope = iface.empty() ? 0 : if_nametoindex(iface.c_str());

  Napi::Array list = spec.Get("packets").As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Uint8Array bytes = list.Get(i).As<Napi::Uint8Array>();
    job.packets.emplace_back(bytes.Data(), bytes.Data() + bytes.ByteLength());
    const std::vector<uint8_t>& p = job.packets.back();
    if (job.kind == Kind::L2) continue;
    // The destination comes from the header itself, so the bytes must hold one.
    sockaddr_storage ss{};
    if (job.kind == Kind::Ip4) {
      if (p.size() < 20 || (p[0] >> 4) != 4) {
        throw make_error(env, not_ip_facts(context, i, "4"));
      }
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, p.data() + 16, 4);
      job.dest_len = sizeof(sockaddr_in);
    } else {
      if (p.size() < 40 || (p[0] >> 4) != 6) {
        throw make_error(env, not_ip_facts(context, i, "6"));
      }
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      std::memcpy(&sin6->sin6_addr, p.data() + 24, 16);
      // Link-local and multicast destinations need to know the link.
      if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) || IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr))
        sin6->sin6_scope_id = scope;
      job.dest_len = sizeof(sockaddr_in6);
    }
    job.dests.push_back(ss);
  }
  int fd = open_socket(env, job.kind, iface, job.batch, context);
  auto* worker = new SendWorker(env, fd, std::move(job), context, iface);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace pktkit
