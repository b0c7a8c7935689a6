// Native failures surface as the JS error classes of lib/errors.ts, which the
// loader hands over once per environment (better-sqlite3's way), so that
// `instanceof FilterError` works on what the addon throws.
#pragma once

#include <napi.h>

#include <string>

namespace pktkit {

enum class ErrorKind { Pcap, Filter, Permission, Interface, File, Argument };

// Stores the classes given by lib/binding.ts: setErrorClasses({ PcapError, ... }).
void set_error_classes(const Napi::CallbackInfo& info);

// A JS error of the class for `kind`. `code` is PktkitError.code; `status` is
// libpcap's status name (PCAP_ERROR_PERM_DENIED ...) when libpcap gave one.
Napi::Error make_error(Napi::Env env, ErrorKind kind, const std::string& message, const std::string& code,
                       const std::string& status = "");

// Name of a libpcap status code, e.g. -8 → "PCAP_ERROR_PERM_DENIED".
const char* pcap_status_name(int status);

}  // namespace pktkit
