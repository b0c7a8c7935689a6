#include "errors.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

#include <cstring>

#include "addon_data.h"

namespace pktkit {

namespace {

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Pcap: return "pcap";
    case ErrorKind::Filter: return "filter";
    case ErrorKind::Permission: return "permission";
    case ErrorKind::Interface: return "interface";
    case ErrorKind::File: return "file";
    case ErrorKind::Send: return "send";
    case ErrorKind::Resource: return "resource";
    case ErrorKind::Argument: return "argument";
  }
  return "pcap";
}

}  // namespace

ErrorFacts errno_facts(ErrorKind kind, const std::string& what, const std::string& subject, const std::string& op,
                       int err) {
  ErrorFacts f;
  f.kind = kind;
  f.code = errno_name(err);
  f.what = what;
  f.subject = subject;
  f.op = op;
  f.sys_errno = err;
  f.detail = std::strerror(err);
  return f;
}

void classify_errno(ErrorFacts* f) {
  switch (f->sys_errno) {
    case EPERM:
    case EACCES:
      f->kind = ErrorKind::Permission;
      f->code = "EPERM";
      break;
    case ENODEV:
    case ENXIO:
      f->kind = ErrorKind::Interface;
      f->code = "ENODEV";
      break;
    case ENETDOWN:
      f->kind = ErrorKind::Interface;
      f->code = "EIFDOWN";
      break;
    default: break;
  }
}

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "E" + std::to_string(err);
}

void set_error_factory(const Napi::CallbackInfo& info) {
  addon_data(info.Env()).error_factory = Napi::Persistent(info[0].As<Napi::Function>());
}

Napi::Error make_error(Napi::Env env, const ErrorFacts& facts) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", kind_name(facts.kind));
  o.Set("code", facts.code);
  if (!facts.what.empty()) o.Set("what", facts.what);
  if (!facts.subject.empty()) o.Set("subject", facts.subject);
  if (!facts.detail.empty()) o.Set("detail", facts.detail);
  if (!facts.status.empty()) o.Set("pcapStatus", facts.status);
  if (facts.sys_errno != 0) o.Set("errno", facts.sys_errno);
  if (!facts.op.empty()) o.Set("op", facts.op);
  if (!facts.context.empty()) o.Set("context", facts.context);
  if (!facts.values.empty()) {
    Napi::Object values = Napi::Object::New(env);
    for (const auto& [key, value] : facts.values) values.Set(key, value);
    o.Set("values", values);
  }
  Napi::FunctionReference& factory = addon_data(env).error_factory;
  if (factory.IsEmpty()) {
    // Only before lib/binding.ts has run (a test loading the .node by hand): the facts, unworded.
    Napi::Error e = Napi::Error::New(env, facts.code + " " + facts.what + " " + facts.subject + ": " + facts.detail);
    e.Set("facts", o);
    return e;
  }
  return Napi::Error(env, factory.Call({o}));
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
