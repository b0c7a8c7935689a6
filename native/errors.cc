#include "errors.h"

#include <pcap/pcap.h>

#include "addon_data.h"

namespace pktkit {

void set_error_classes(const Napi::CallbackInfo& info) {
  Napi::Object classes = info[0].As<Napi::Object>();
  AddonData& data = addon_data(info.Env());
  data.pcap_error = Napi::Persistent(classes.Get("PcapError").As<Napi::Function>());
  data.filter_error = Napi::Persistent(classes.Get("FilterError").As<Napi::Function>());
  data.permission_error = Napi::Persistent(classes.Get("PermissionError").As<Napi::Function>());
  data.interface_error = Napi::Persistent(classes.Get("InterfaceError").As<Napi::Function>());
  data.file_error = Napi::Persistent(classes.Get("FileError").As<Napi::Function>());
}

Napi::Error make_error(Napi::Env env, ErrorKind kind, const std::string& message, const std::string& code,
                       const std::string& status) {
  if (kind == ErrorKind::Argument) return Napi::TypeError::New(env, message);
  AddonData& data = addon_data(env);
  Napi::FunctionReference* cls = &data.pcap_error;
  switch (kind) {
    case ErrorKind::Filter: cls = &data.filter_error; break;
    case ErrorKind::Permission: cls = &data.permission_error; break;
    case ErrorKind::Interface: cls = &data.interface_error; break;
    case ErrorKind::File: cls = &data.file_error; break;
    default: break;
  }
  if (cls->IsEmpty()) return Napi::Error::New(env, message);
  Napi::Object details = Napi::Object::New(env);
  details.Set("code", code);
  if (!status.empty()) details.Set("pcapStatus", status);
  return Napi::Error(env, cls->New({Napi::String::New(env, message), details}));
}

const char* pcap_status_name(int status) {
  switch (status) {
    case PCAP_ERROR: return "PCAP_ERROR";
    case PCAP_ERROR_BREAK: return "PCAP_ERROR_BREAK";
    case PCAP_ERROR_NOT_ACTIVATED: return "PCAP_ERROR_NOT_ACTIVATED";
    case PCAP_ERROR_ACTIVATED: return "PCAP_ERROR_ACTIVATED";
    case PCAP_ERROR_NO_SUCH_DEVICE: return "PCAP_ERROR_NO_SUCH_DEVICE";
    case PCAP_ERROR_RFMON_NOTSUP: return "PCAP_ERROR_RFMON_NOTSUP";
    case PCAP_ERROR_NOT_RFMON: return "PCAP_ERROR_NOT_RFMON";
    case PCAP_ERROR_PERM_DENIED: return "PCAP_ERROR_PERM_DENIED";
    case PCAP_ERROR_IFACE_NOT_UP: return "PCAP_ERROR_IFACE_NOT_UP";
    case PCAP_ERROR_CANTSET_TSTAMP_TYPE: return "PCAP_ERROR_CANTSET_TSTAMP_TYPE";
    case PCAP_ERROR_PROMISC_PERM_DENIED: return "PCAP_ERROR_PROMISC_PERM_DENIED";
    case PCAP_ERROR_TSTAMP_PRECISION_NOTSUP: return "PCAP_ERROR_TSTAMP_PRECISION_NOTSUP";
    case PCAP_WARNING: return "PCAP_WARNING";
    case PCAP_WARNING_PROMISC_NOTSUP: return "PCAP_WARNING_PROMISC_NOTSUP";
    case PCAP_WARNING_TSTAMP_TYPE_NOTSUP: return "PCAP_WARNING_TSTAMP_TYPE_NOTSUP";
    default: return "PCAP_ERROR";
  }
}

}  // namespace pktkit
