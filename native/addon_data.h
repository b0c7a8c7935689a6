// Per-environment state: the addon is context-aware, so each worker thread
// (each napi_env) gets its own classes and error composer.
#pragma once

#include <napi.h>

namespace pktkit {

struct AddonData {
  Napi::FunctionReference capture_class;
  Napi::FunctionReference error_factory;  // lib/errors.ts nativeError(facts)
};

inline AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace pktkit
