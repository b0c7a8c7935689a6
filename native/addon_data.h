// Per-environment state: the addon is context-aware, so each worker thread
// (each napi_env) gets its own classes and error constructors.
#pragma once

#include <napi.h>

namespace pktkit {

struct AddonData {
  Napi::FunctionReference capture_class;
  Napi::FunctionReference pcap_error, filter_error, permission_error, interface_error, file_error;
};

inline AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace pktkit
