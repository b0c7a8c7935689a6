// The dissector, callable from JS on bytes already in memory: for tests that
// compare it with tshark, and for the benchmark of the dissector alone.
#pragma once
#include <napi.h>

namespace pktkit {
// dissect(bytes: Uint8Array, linkType: number, wireLen?: number) → Uint8Array (one record)
Napi::Value dissect_one(const Napi::CallbackInfo& info);
// dissectLoop(packed: Uint8Array, linkType, rounds) → nanoseconds spent.
// packed: repeated [u32 caplen][u32 wirelen][bytes, padded to 4], host order.
Napi::Value dissect_loop(const Napi::CallbackInfo& info);
}  // namespace pktkit
