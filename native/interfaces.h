// The interfaces: pcap_findalldevs as plain JS objects, and one interface's
// index, MTU, state and MAC read with ioctls (what filling Ether/ARP needs).
#pragma once
#include <napi.h>

namespace pktkit {
// interfaces() → [{ name, description?, addresses, flags }]
Napi::Value list_interfaces(const Napi::CallbackInfo& info);
// interfaceInfo(name) → { index, mtu?, up?, mac? }
Napi::Value interface_info(const Napi::CallbackInfo& info);
}  // namespace pktkit
