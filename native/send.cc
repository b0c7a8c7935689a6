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
// Errors are plain JS errors carrying the errno name in `code` (and `sent`);
// lib/send/errors.ts turns them into pktkit's error classes.
#include "send.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace pktkit {
namespace {

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "E" + std::to_string(err);
}

// An Error whose `code` is the errno name, the way Node's own errors look.
Napi::Error errno_error(Napi::Env env, const std::string& what, int err, double sent = 0) {
  Napi::Error e = Napi::Error::New(env, what + ": " + std::strerror(err));
  e.Set("code", errno_name(err));
  e.Set("errno", static_cast<double>(err));
  e.Set("sent", sent);
  return e;
}

// Closes the descriptor it holds on every path out.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

enum class Kind { Ip4, Ip6, L2 };

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
  double total = 0;       // packets to send, cycling through `packets`
  double inter = 0;       // seconds between packets (send/sendp's inter)
  double pps = 0;         // sendpfast's packets per second
  double mbps = 0;        // sendpfast's megabits per second
  size_t batch = 1;       // messages per sendmmsg
};

class SendWorker : public Napi::AsyncWorker {
 public:
  SendWorker(Napi::Env env, int fd, SendJob job)
      : Napi::AsyncWorker(env, "pktkit.send"), deferred_(Napi::Promise::Deferred::New(env)), fd_(fd), job_(std::move(job)) {}

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
      std::string what = syscall_ + " of packet " + std::to_string(sent_ + 1);
      deferred_.Reject(errno_error(env, what, error_, static_cast<double>(sent_)).Value());
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
  uint64_t sent_ = 0;
  uint64_t bytes_ = 0;
  double seconds_ = 0;
  int error_ = 0;
  std::string syscall_;
};

// Opens the socket for `kind` on the JS thread: these calls do not wait on
// the network, and failing here (EPERM, ENODEV) rejects before anything is queued.
int open_socket(Napi::Env env, Kind kind, const std::string& iface, size_t batch) {
  int domain = kind == Kind::Ip4 ? AF_INET : kind == Kind::Ip6 ? AF_INET6 : AF_PACKET;
  Fd fd(socket(domain, SOCK_RAW | SOCK_CLOEXEC, kind == Kind::L2 ? 0 : IPPROTO_RAW));
  if (fd.get() < 0) throw errno_error(env, "socket", errno);
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
    if (index == 0) throw errno_error(env, "interface '" + iface + "'", ENODEV);
    if (kind == Kind::L2) {
      sockaddr_ll sll{};
      sll.sll_family = AF_PACKET;
      sll.sll_protocol = 0;  // receive nothing: this socket only sends
      sll.sll_ifindex = static_cast<int>(index);
      if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0) {
        throw errno_error(env, "bind to '" + iface + "'", errno);
      }
    } else if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(),
                          static_cast<socklen_t>(iface.size())) < 0) {
      throw errno_error(env, "bind to device '" + iface + "'", errno);
    }
  }
  return fd.release();
}

// sendPackets({ kind, iface, packets, total, inter, pps, mbps, batch }) → Promise<{ sent, bytes, seconds }>
Napi::Value send_packets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object spec = info[0].As<Napi::Object>();
  std::string kind_name = spec.Get("kind").As<Napi::String>();
  std::string iface = spec.Has("iface") && spec.Get("iface").IsString() ? spec.Get("iface").As<Napi::String>().Utf8Value() : "";
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
        throw Napi::TypeError::New(env, "packet " + std::to_string(i) + " is not an IPv4 packet (send() needs IP headers)");
      }
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, p.data() + 16, 4);
      job.dest_len = sizeof(sockaddr_in);
    } else {
      if (p.size() < 40 || (p[0] >> 4) != 6) {
        throw Napi::TypeError::New(env, "packet " + std::to_string(i) + " is not an IPv6 packet (send() needs IPv6 headers)");
      }
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      std::memcpy(&sin6->sin6_addr, p.data() + 24, 16);
      // Link-local and multicast destinations need to know the link.
      if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) || IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr)) sin6->sin6_scope_id = scope;
      job.dest_len = sizeof(sockaddr_in6);
    }
    job.dests.push_back(ss);
  }
  int fd = open_socket(env, job.kind, iface, job.batch);
  auto* worker = new SendWorker(env, fd, std::move(job));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// routeGet(dst) → { iface, ifindex, src?, gateway?, type }: the kernel's answer to
// `ip route get dst` over rtnetlink (one request, one reply, no waiting on the network).
Napi::Value route_get(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string dst = info[0].As<Napi::String>();
  uint8_t addr[16];
  int family = AF_INET;
  size_t alen = 4;
  if (inet_pton(AF_INET, dst.c_str(), addr) != 1) {
    if (inet_pton(AF_INET6, dst.c_str(), addr) != 1) throw Napi::TypeError::New(env, "not an IP address: " + dst);
    family = AF_INET6;
    alen = 16;
  }
  struct {
    nlmsghdr nh;
    rtmsg rt;
    char attrs[64];
  } req{};
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.rt.rtm_family = static_cast<unsigned char>(family);
  req.rt.rtm_dst_len = static_cast<unsigned char>(alen * 8);
  auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + NLMSG_ALIGN(req.nh.nlmsg_len));
  rta->rta_type = RTA_DST;
  rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(alen));
  std::memcpy(RTA_DATA(rta), addr, alen);
  req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);

  Fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (fd.get() < 0) throw errno_error(env, "netlink socket", errno);
  if (send(fd.get(), &req, req.nh.nlmsg_len, 0) < 0) throw errno_error(env, "route lookup", errno);
  alignas(nlmsghdr) char buf[8192];
  ssize_t len = recv(fd.get(), buf, sizeof buf, 0);
  if (len < 0) throw errno_error(env, "route lookup", errno);
  for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, static_cast<unsigned>(len)); nh = NLMSG_NEXT(nh, len)) {
    if (nh->nlmsg_type == NLMSG_ERROR) {
      auto* e = static_cast<nlmsgerr*>(NLMSG_DATA(nh));
      if (e->error != 0) throw errno_error(env, "no route to " + dst, -e->error);
      continue;
    }
    if (nh->nlmsg_type != RTM_NEWROUTE) continue;
    auto* rt = static_cast<rtmsg*>(NLMSG_DATA(nh));
    Napi::Object out = Napi::Object::New(env);
    out.Set("type", rt->rtm_type == RTN_LOCAL       ? "local"
                    : rt->rtm_type == RTN_BROADCAST ? "broadcast"
                    : rt->rtm_type == RTN_MULTICAST ? "multicast"
                    : rt->rtm_type == RTN_UNICAST   ? "unicast"
                                                    : "other");
    int attr_len = static_cast<int>(RTM_PAYLOAD(nh));
    for (auto* a = RTM_RTA(rt); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
      char text[INET6_ADDRSTRLEN];
      switch (a->rta_type) {
        case RTA_OIF: {
          int index = *static_cast<int*>(RTA_DATA(a));
          char name[IF_NAMESIZE];
          out.Set("ifindex", index);
          if (if_indextoname(static_cast<unsigned>(index), name)) out.Set("iface", name);
          break;
        }
        case RTA_PREFSRC:
          if (inet_ntop(family, RTA_DATA(a), text, sizeof text)) out.Set("src", text);
          break;
        case RTA_GATEWAY:
          if (inet_ntop(family, RTA_DATA(a), text, sizeof text)) out.Set("gateway", text);
          break;
        default: break;
      }
    }
    return out;
  }
  throw errno_error(env, "route lookup for " + dst + " got no answer", EPROTO);
}

// interfaceInfo(name) → { index, mtu, mac?, up }: what filling Ether/ARP
// sources needs, read with ioctls in the caller's namespace.
Napi::Value interface_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>();
  if (name.size() >= IF_NAMESIZE) throw errno_error(env, "interface '" + name + "'", ENODEV);
  Fd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw errno_error(env, "socket", errno);
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  if (ioctl(fd.get(), SIOCGIFINDEX, &ifr) < 0) throw errno_error(env, "interface '" + name + "'", errno);
  Napi::Object out = Napi::Object::New(env);
  out.Set("index", ifr.ifr_ifindex);
  if (ioctl(fd.get(), SIOCGIFMTU, &ifr) == 0) out.Set("mtu", ifr.ifr_mtu);
  if (ioctl(fd.get(), SIOCGIFFLAGS, &ifr) == 0) out.Set("up", (ifr.ifr_flags & IFF_UP) != 0);
  if (ioctl(fd.get(), SIOCGIFHWADDR, &ifr) == 0 && ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
    const auto* m = reinterpret_cast<const uint8_t*>(ifr.ifr_hwaddr.sa_data);
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    out.Set("mac", mac);
  }
  return out;
}

}  // namespace

void init_send(Napi::Env env, Napi::Object exports) {
  exports.Set("sendPackets", Napi::Function::New(env, send_packets, "sendPackets"));
  exports.Set("routeGet", Napi::Function::New(env, route_get, "routeGet"));
  exports.Set("interfaceInfo", Napi::Function::New(env, interface_info, "interfaceInfo"));
}

}  // namespace pktkit
