// routeGet(dst): the kernel's route to an address (native/route.cc).
#pragma once

#include <napi.h>

namespace pktkit {

// routeGet(dst) → { type, iface?, ifindex?, src?, gateway? }
Napi::Value route_get(const Napi::CallbackInfo& info);

}  // namespace pktkit
