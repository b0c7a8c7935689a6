// One error path: native code says what happened, lib/errors.ts says it to the
// user. A failure is an ErrorFacts (kind, code, what failed, on what, errno or
// libpcap status, and the system's own text); make_error() hands it to the
// composer that lib/binding.ts gives the addon once per environment
// (better-sqlite3's way of handing over its error classes), which returns an
// instance of the right class of lib/errors.ts. No message is worded here.
#pragma once

#include <napi.h>

#include <string>
#include <utility>
#include <vector>

namespace pktkit {

// Which class of lib/errors.ts: PcapError, FilterError, PermissionError,
// InterfaceError, FileError, PktkitError (Resource: memory, descriptors), or a
// TypeError (Argument: a value native code was handed that it cannot use).
enum class ErrorKind { Pcap, Filter, Permission, Interface, File, Send, Resource, Argument };

struct ErrorFacts {
  // The facts most sites have, in order; the rest are set by name.
  ErrorFacts(ErrorKind kind_ = ErrorKind::Pcap, std::string code_ = {}, std::string what_ = {},
             std::string subject_ = {}, std::string detail_ = {}, std::string status_ = {})
      : kind(kind_),
        code(std::move(code_)),
        what(std::move(what_)),
        subject(std::move(subject_)),
        detail(std::move(detail_)),
        status(std::move(status_)) {}

  ErrorKind kind = ErrorKind::Pcap;
  std::string code;     // PktkitError.code: ENODEV, EPERM, EFILTER, ENOENT, ...
  std::string what;     // what failed, the key lib/errors.ts words it by: "capture", "ring", "open-file", ...
  std::string subject;  // what it concerns: an interface, a path, a filter, an address
  std::string detail;   // the system's or libpcap's own text (strerror, pcap_geterr, a reader's finding)
  std::string status;   // libpcap's status name, e.g. PCAP_ERROR_PERM_DENIED
  int sys_errno = 0;    // errno, when a system call failed
  std::string op;       // that system call, e.g. "socket", "bind", "sendmmsg"
  std::string context;  // the call it happened in, as the user wrote it: "send()", "sendp() on eth0"
  // Further facts the message names (a block count, a fanout group, a packet index).
  std::vector<std::pair<std::string, std::string>> values;

  bool empty() const { return code.empty(); }
};

// Facts about a failed system call: `op` failed with `err` (strerror is the detail).
ErrorFacts errno_facts(ErrorKind kind, const std::string& what, const std::string& subject, const std::string& op,
                       int err);

// Sending's errno classes: EPERM/EACCES → Permission (code EPERM), ENODEV/ENXIO →
// Interface (ENODEV), ENETDOWN → Interface (EIFDOWN); other errnos keep their kind and name.
void classify_errno(ErrorFacts* facts);

// Stores the composer given by lib/binding.ts: setErrorFactory(nativeError).
void set_error_factory(const Napi::CallbackInfo& info);

// The JS error lib/errors.ts composes from `facts`.
Napi::Error make_error(Napi::Env env, const ErrorFacts& facts);

// Name of a libpcap status code, e.g. -8 → "PCAP_ERROR_PERM_DENIED".
const char* pcap_status_name(int status);

// The errno's name, e.g. EPERM (E<number> when the C library has none).
std::string errno_name(int err);

}  // namespace pktkit
