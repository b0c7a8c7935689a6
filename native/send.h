// Raw sockets for send / sendp / sendpfast: the sendmmsg worker. lib/send/
// validates every argument; this code trusts them but never the packet bytes.
#pragma once

#include <napi.h>

namespace pktkit {

// sendPackets({ kind, iface?, packets, total, inter, pps, mbps, batch, context }) → Promise<{ sent, bytes, seconds }>
Napi::Value send_packets(const Napi::CallbackInfo& info);

}  // namespace pktkit
