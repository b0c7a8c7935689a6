// interfaces(): pcap_findalldevs as plain JS objects.
#pragma once
#include <napi.h>

namespace pktkit {
Napi::Value list_interfaces(const Napi::CallbackInfo& info);
}
