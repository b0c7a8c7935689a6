#include "interfaces.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#ifdef __linux__
#include <netpacket/packet.h>
#endif

#include <cstdio>
#include <string>

#include "errors.h"
#include "fd.h"

namespace pktkit {
namespace {

// A failed interface look-up, classified like every interface error (ENODEV → InterfaceError ...).
ErrorFacts interface_facts(const std::string& name, const std::string& op, int err) {
  ErrorFacts f = errno_facts(ErrorKind::Send, "lookup", name, op, err);
  classify_errno(&f);
  f.context = "interface lookup";
  return f;
}

// "" for families we do not name; link-layer addresses as aa:bb:cc:dd:ee:ff.
std::string format_sockaddr(const sockaddr* sa, const char** family) {
  char text[INET6_ADDRSTRLEN] = "";
  *family = nullptr;
  if (sa == nullptr) return "";
  if (sa->sa_family == AF_INET) {
    *family = "IPv4";
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    *family = "IPv6";
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
#ifdef __linux__
  } else if (sa->sa_family == AF_PACKET) {
    const auto* ll = reinterpret_cast<const sockaddr_ll*>(sa);
    *family = "link";
    std::string mac;
    for (int i = 0; i < ll->sll_halen && i < 8; ++i) {
      char byte[4];
      std::snprintf(byte, sizeof byte, i ? ":%02x" : "%02x", ll->sll_addr[i]);
      mac += byte;
    }
    return mac;
#endif
  }
  return text;
}

}  // namespace

Napi::Value list_interfaces(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pcap_if_t* devices = nullptr;
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  if (pcap_findalldevs(&devices, errbuf) != 0) {
    throw make_error(env, {ErrorKind::Pcap, "EPCAP", "list-interfaces", "", errbuf});
  }
  Napi::Array list = Napi::Array::New(env);
  uint32_t index = 0;
  for (pcap_if_t* d = devices; d; d = d->next) {
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", d->name);
    if (d->description) entry.Set("description", d->description);
    Napi::Array addresses = Napi::Array::New(env);
    uint32_t n = 0;
    for (pcap_addr_t* a = d->addresses; a; a = a->next) {
      const char* family = nullptr;
      std::string address = format_sockaddr(a->addr, &family);
      if (!family) continue;
      Napi::Object addr = Napi::Object::New(env);
      addr.Set("family", family);
      addr.Set("address", address);
      const char* ignored = nullptr;
      if (a->netmask) addr.Set("netmask", format_sockaddr(a->netmask, &ignored));
      if (a->broadaddr) addr.Set("broadcast", format_sockaddr(a->broadaddr, &ignored));
      if (a->dstaddr) addr.Set("destination", format_sockaddr(a->dstaddr, &ignored));
      addresses.Set(n++, addr);
    }
    entry.Set("addresses", addresses);
    Napi::Object flags = Napi::Object::New(env);
    flags.Set("loopback", (d->flags & PCAP_IF_LOOPBACK) != 0);
    flags.Set("up", (d->flags & PCAP_IF_UP) != 0);
    flags.Set("running", (d->flags & PCAP_IF_RUNNING) != 0);
    flags.Set("wireless", (d->flags & PCAP_IF_WIRELESS) != 0);
    const u_int status = d->flags & PCAP_IF_CONNECTION_STATUS;
    flags.Set("connection", status == PCAP_IF_CONNECTION_STATUS_CONNECTED        ? "connected"
                            : status == PCAP_IF_CONNECTION_STATUS_DISCONNECTED   ? "disconnected"
                            : status == PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE ? "not applicable"
                                                                                 : "unknown");
    entry.Set("flags", flags);
    list.Set(index++, entry);
  }
  pcap_freealldevs(devices);
  return list;
}

// interfaceInfo(name) → { index, mtu, mac?, up }: what filling Ether/ARP
// sources needs, read with ioctls in the caller's namespace.
Napi::Value interface_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>();
  if (name.size() >= IF_NAMESIZE) throw make_error(env, interface_facts(name, "", ENODEV));
  Fd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw make_error(env, interface_facts(name, "socket", errno));
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  if (ioctl(fd.get(), SIOCGIFINDEX, &ifr) < 0) throw make_error(env, interface_facts(name, "SIOCGIFINDEX", errno));
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

}  // namespace pktkit
