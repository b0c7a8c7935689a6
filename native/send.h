// Raw sockets for send / sendp / sendpfast, and the two kernel look-ups that
// filling a packet needs (route to a destination, an interface's index and
// MAC). lib/send/ validates every argument; this code trusts them but never
// the packet bytes.
#pragma once

#include <napi.h>

namespace pktkit {

// Adds sendPackets, routeGet and interfaceInfo to the exports.
void init_send(Napi::Env env, Napi::Object exports);

}  // namespace pktkit
