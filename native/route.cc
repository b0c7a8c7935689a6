// The kernel's route to one address, over rtnetlink: what `ip route get`
// prints. One request and one reply on a netlink socket, which never waits on
// the network, so it runs on the JS thread.
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "errors.h"
#include "fd.h"

namespace pktkit {
namespace {

// A failed look-up: `op` is the netlink step, or empty when the kernel answered with an error.
ErrorFacts route_facts(const std::string& dst, const std::string& op, int err) {
  ErrorFacts f = errno_facts(ErrorKind::Send, "route", dst, op, err);
  f.context = "route lookup for " + dst;
  return f;
}

}  // namespace

// routeGet(dst) → { iface, ifindex, src?, gateway?, type }: the kernel's answer to
// `ip route get dst` over rtnetlink (one request, one reply, no waiting on the network).
Napi::Value route_get(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string dst = info[0].As<Napi::String>();
  uint8_t addr[16];
  int family = AF_INET;
  size_t alen = 4;
  if (inet_pton(AF_INET, dst.c_str(), addr) != 1) {
    if (inet_pton(AF_INET6, dst.c_str(), addr) != 1) {
      ErrorFacts f{ErrorKind::Argument, "ERR_INVALID_ARG_VALUE", "address", dst};  // lib/send checks first
      f.context = "routeGet()";
      throw make_error(env, f);
    }
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
  if (fd.get() < 0) throw make_error(env, route_facts(dst, "socket", errno));
  if (send(fd.get(), &req, req.nh.nlmsg_len, 0) < 0) throw make_error(env, route_facts(dst, "send", errno));
  alignas(nlmsghdr) char buf[8192];
  ssize_t len = recv(fd.get(), buf, sizeof buf, 0);
  if (len < 0) throw make_error(env, route_facts(dst, "recv", errno));
  for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, static_cast<unsigned>(len));
       nh = NLMSG_NEXT(nh, len)) {
    if (nh->nlmsg_type == NLMSG_ERROR) {
      auto* e = static_cast<nlmsgerr*>(NLMSG_DATA(nh));
      if (e->error != 0) throw make_error(env, route_facts(dst, "", -e->error));
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
  ErrorFacts none = route_facts(dst, "recv", EPROTO);
  none.what = "route-no-answer";
  throw make_error(env, none);
}

}  // namespace pktkit
