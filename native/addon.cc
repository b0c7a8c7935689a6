// pktkit.node: module initialisation and exports only.
#include <napi.h>
#include <pcap/pcap.h>

#include "addon_data.h"
#include "capture.h"
#include "dissect_js.h"
#include "errors.h"
#include "export/exporter.h"
#include "interfaces.h"
#include "record.h"
#include "route.h"
#include "send.h"

namespace pktkit {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted by Node when this environment ends
  Napi::Function capture_class = NativeCapture::define_class(env);
  data->capture_class = Napi::Persistent(capture_class);

  exports.Set("NativeCapture", capture_class);
  exports.Set("setErrorFactory", Napi::Function::New(env, set_error_factory, "setErrorFactory"));
  exports.Set("interfaces", Napi::Function::New(env, list_interfaces, "interfaces"));
  exports.Set("interfaceInfo", Napi::Function::New(env, interface_info, "interfaceInfo"));
  exports.Set("routeGet", Napi::Function::New(env, route_get, "routeGet"));
  exports.Set("sendPackets", Napi::Function::New(env, send_packets, "sendPackets"));
  exports.Set("dissect", Napi::Function::New(env, dissect_one, "dissect"));
  exports.Set("dissectLoop", Napi::Function::New(env, dissect_loop, "dissectLoop"));
  exports.Set("layoutHash", Napi::Number::New(env, rec::kLayoutHash));
  exports.Set("recordSize", Napi::Number::New(env, rec::RECORD_SIZE));
  exports.Set("libpcapVersion", Napi::String::New(env, pcap_lib_version()));
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  exports.Set("externalBuffers", Napi::Boolean::New(env, false));  // captures copy into JS's own buffers
#else
  exports.Set("externalBuffers", Napi::Boolean::New(env, true));  // JS reads the kernel's and the file's memory
#endif
  init_exporter(env, exports);  // NativeExporter and flowLayout (native/export/exporter.cc)
  return exports;
}

}  // namespace pktkit

static Napi::Object InitPktkit(Napi::Env env, Napi::Object exports) { return pktkit::init(env, exports); }
NODE_API_MODULE(pktkit, InitPktkit)
