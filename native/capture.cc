#include "capture.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "addon_data.h"
#include "dissect/dissect.h"

namespace pktkit {

// The thread-safe function's context. It outlives the NativeCapture when a
// wake is still queued as the capture is closed or collected: `capture` is then
// null and the queued call does nothing. Touched on the JS thread only.
struct NativeCapture::WakeTarget {
  NativeCapture* capture;
};

namespace {

constexpr int kFileBatch = 1024;           // packets per pcap_dispatch on a savefile (then published)
constexpr size_t kFileBuffer = 1 << 20;    // stdio buffer of a savefile
constexpr uint64_t kBatchShareOfRing = 4;  // a batch holds at most 1/4 of the ring
constexpr int kLivePollMs = 250;           // upper bound on a poll() with nothing to do
constexpr uint64_t kStatsEveryNs = 100'000'000;

uint64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string get_string(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}
int64_t get_int(const Napi::Object& o, const char* key, int64_t fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int64Value() : fallback;
}
bool get_bool(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
}

}  // namespace

Napi::Function NativeCapture::define_class(Napi::Env env) {
  return DefineClass(env, "NativeCapture",
                     {
                         InstanceMethod<&NativeCapture::acquire>("acquire"),
                         InstanceMethod<&NativeCapture::release>("release"),
                         InstanceMethod<&NativeCapture::ref>("ref"),
                         InstanceMethod<&NativeCapture::unref>("unref"),
                         InstanceMethod<&NativeCapture::stats>("stats"),
                         InstanceMethod<&NativeCapture::finished>("finished"),
                         InstanceMethod<&NativeCapture::take_error>("takeError"),
                         InstanceMethod<&NativeCapture::close>("close"),
                     });
}

NativeCapture::NativeCapture(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeCapture>(info) {
  try {
    open(info);
  } catch (const Napi::Error& error) {
    // Release what was opened, then hand the error to JS with plain C calls:
    // rethrowing lets node-addon-api throw again, from its own catch, when the
    // environment can no longer run JS (a worker being terminated), and that
    // aborts the process. Then there is nobody to tell and we return quietly.
    shut_down();
    napi_value value = nullptr;
    if (napi_get_reference_value(info.Env(), static_cast<napi_ref>(error), &value) == napi_ok && value != nullptr) {
      napi_throw(info.Env(), value);
    }
  }
}

void NativeCapture::open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].As<Napi::Object>();
  if (get_string(options, "kind") == "live") {
    open_live(env, options);
  } else {
    open_file(env, options);
  }
  std::string filter = get_string(options, "filter");
  if (!filter.empty()) apply_filter(env, filter);

  link_type_ = pcap_datalink(pcap_);
  Napi::Object self = info.This().As<Napi::Object>();
  self.Set("linkType", link_type_);
  const char* dlt_name = pcap_datalink_val_to_name(link_type_);
  self.Set("linkTypeName", dlt_name ? dlt_name : "UNKNOWN");
  self.Set("snaplen", pcap_snapshot(pcap_));
  nanosecond_ = pcap_get_tstamp_precision(pcap_) == PCAP_TSTAMP_PRECISION_NANO;
  self.Set("nanosecond", nanosecond_);
  if (!warning_.empty()) self.Set("warning", warning_);

  // The ring must hold at least a few of the largest entries the source can give.
  size_t min_ring = 4 * size_t{Ring::entry_bytes(static_cast<u32>(pcap_snapshot(pcap_)))};
  size_t ring_size = static_cast<size_t>(get_int(options, "ringSize", 32 << 20));
  if (ring_size < min_ring) ring_size = min_ring;
  self.Set("ring", start(env, options.Get("onWake").As<Napi::Function>(), ring_size));
}

void NativeCapture::open_live(Napi::Env env, const Napi::Object& options) {
  live_ = true;
  std::string device = get_string(options, "device");
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_ = pcap_create(device.c_str(), errbuf);
  if (!pcap_) throw make_error(env, ErrorKind::Pcap, std::string("cannot open ") + device + ": " + errbuf, "EPCAP");

  pcap_set_snaplen(pcap_, static_cast<int>(get_int(options, "snaplen", 262144)));
  pcap_set_promisc(pcap_, get_bool(options, "promisc", true) ? 1 : 0);
  pcap_set_timeout(pcap_, static_cast<int>(get_int(options, "timeoutMs", 100)));
  pcap_set_immediate_mode(pcap_, get_bool(options, "immediate", false) ? 1 : 0);
  int64_t buffer_size = get_int(options, "bufferSize", 0);
  if (buffer_size > 0) pcap_set_buffer_size(pcap_, static_cast<int>(buffer_size));
  // Nanosecond stamps where the platform has them; microseconds otherwise.
  if (pcap_set_tstamp_precision(pcap_, PCAP_TSTAMP_PRECISION_NANO) != 0) {
    pcap_set_tstamp_precision(pcap_, PCAP_TSTAMP_PRECISION_MICRO);
  }

  int status = pcap_activate(pcap_);
  if (status < 0) {
    std::string detail = pcap_geterr(pcap_);
    std::string status_name = pcap_status_name(status);
    pcap_close(pcap_);
    pcap_ = nullptr;
    switch (status) {
      case PCAP_ERROR_NO_SUCH_DEVICE:
        throw make_error(env, ErrorKind::Interface,
                         "no such interface '" + device + "': list them with `pktkit ifaces` or interfaces() (" +
                             detail + ")",
                         "ENODEV", status_name);
      case PCAP_ERROR_PERM_DENIED:
      case PCAP_ERROR_PROMISC_PERM_DENIED:
        throw make_error(env, ErrorKind::Permission,
                         "no permission to capture on '" + device +
                             "': run as root, or grant cap_net_raw,cap_net_admin (sudo setcap "
                             "cap_net_raw,cap_net_admin=eip $(command -v node)) (" + detail + ")",
                         "EPERM", status_name);
      case PCAP_ERROR_IFACE_NOT_UP:
        throw make_error(env, ErrorKind::Interface,
                         "interface '" + device + "' is down: bring it up (ip link set " + device + " up)", "EIFDOWN",
                         status_name);
      default:
        throw make_error(env, ErrorKind::Pcap, "cannot capture on '" + device + "': " + detail, "EPCAP", status_name);
    }
  }
  if (status > 0) {
    // A warning (e.g. PCAP_WARNING_PROMISC_NOTSUP) is an event, not a failure.
    warning_ = std::string(pcap_status_name(status)) + ": " + pcap_geterr(pcap_);
  }

  // Link type (tcpdump's -y). On `any`, prefer SLL2 as tcpdump does: it adds
  // the interface index and keeps the packet type.
  int64_t link_type = get_int(options, "linkType", -1);
  if (link_type >= 0) {
    if (pcap_set_datalink(pcap_, static_cast<int>(link_type)) != 0) {
      std::string detail = pcap_geterr(pcap_);
      throw make_error(env, ErrorKind::Pcap,
                       "cannot use link type " + std::to_string(link_type) + " on " + device + ": " + detail, "EPCAP");
    }
  } else if (device == "any") {
    pcap_set_datalink(pcap_, DLT_LINUX_SLL2);
  }

  std::string direction = get_string(options, "direction");
  if (!direction.empty() && direction != "inout") {
    if (pcap_setdirection(pcap_, direction == "in" ? PCAP_D_IN : PCAP_D_OUT) != 0) {
      std::string detail = pcap_geterr(pcap_);
      throw make_error(env, ErrorKind::Pcap, "cannot set direction '" + direction + "' on " + device + ": " + detail,
                       "EPCAP");
    }
  }
  if (pcap_setnonblock(pcap_, 1, errbuf) != 0) {
    throw make_error(env, ErrorKind::Pcap, std::string("cannot set non-blocking mode: ") + errbuf, "EPCAP");
  }
}

void NativeCapture::open_file(Napi::Env env, const Napi::Object& options) {
  std::string path = get_string(options, "path");
  // fopen first, so the error carries errno (ENOENT, EACCES, EISDIR) rather
  // than libpcap's prose.
  // "-" is standard input, as for tcpdump -r - (a duplicate, so closing the
  // capture does not close the process's stdin).
  struct stat info;
  int stdin_copy = path == "-" ? dup(STDIN_FILENO) : -1;
  FILE* file = path == "-"                                          ? (stdin_copy >= 0 ? fdopen(stdin_copy, "rb") : nullptr)
               : stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) ? (errno = EISDIR, nullptr)
                                                                      : std::fopen(path.c_str(), "rb");
  if (!file) {
    int err = errno;
    const char* code = err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : err == EISDIR ? "EISDIR" : "EIO";
    throw make_error(env, ErrorKind::File, "cannot open capture file '" + path + "': " + std::strerror(err), code);
  }
  // libpcap reads each record with fread(); stdio's default 4 KiB buffer
  // makes that a read() syscall every few packets. 1 MiB makes it rare.
  std::setvbuf(file, nullptr, _IOFBF, kFileBuffer);
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_ = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!pcap_) {
    std::fclose(file);
    throw make_error(env, ErrorKind::File,
                     "cannot read capture file '" + path + "': " + errbuf + " (expected pcap or pcapng)", "EFORMAT");
  }
}

void NativeCapture::apply_filter(Napi::Env env, const std::string& filter) {
  bpf_program program;
  if (pcap_compile(pcap_, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    std::string detail = pcap_geterr(pcap_);
    throw make_error(env, ErrorKind::Filter, "bad filter '" + filter + "': " + detail, "EFILTER");
  }
  int status = pcap_setfilter(pcap_, &program);
  pcap_freecode(&program);
  if (status != 0) {
    std::string detail = pcap_geterr(pcap_);
    throw make_error(env, ErrorKind::Filter, "cannot apply filter '" + filter + "': " + detail, "EFILTER");
  }
}

Napi::ArrayBuffer NativeCapture::start(Napi::Env env, Napi::Function on_wake, size_t ring_size) {
  env_ = env;
  auto memory = std::make_shared<RingMemory>(ring_size);
  if (!memory->data) {
    throw make_error(env, ErrorKind::Argument, "cannot allocate a ring of " + std::to_string(ring_size) + " bytes", "");
  }
  ring_ = std::make_unique<Ring>(memory);

  // JS views the ring through an external ArrayBuffer that holds its own
  // reference to the memory, so a buffer that outlives the capture stays valid.
  auto* keep = new std::shared_ptr<RingMemory>(memory);
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, memory->data, ring_->capacity(), [](Napi::Env, void*, std::shared_ptr<RingMemory>* hint) { delete hint; },
      keep);

  // Weak: the facade in lib/capture.ts owns the function; a strong reference
  // here would keep a forgotten capture alive forever.
  on_wake_ = Napi::Weak(on_wake);
  wake_target_ = new WakeTarget{this};
  napi_value resource_name = Napi::String::New(env, "pktkit.capture");
  napi_status status = napi_create_threadsafe_function(
      env, nullptr, nullptr, resource_name, 0, 1, nullptr,
      [](napi_env, void* target, void*) { delete static_cast<WakeTarget*>(target); }, wake_target_, call_js_wake,
      &tsfn_);
  if (status != napi_ok) {
    delete wake_target_;
    wake_target_ = nullptr;
    throw Napi::Error::New(env, "cannot create the capture's wake-up function");
  }
  // A capture keeps the event loop alive only while JS awaits its packets
  // (lib/capture.ts calls ref()/unref() around each wait).
  napi_unref_threadsafe_function(env, tsfn_);
  napi_add_env_cleanup_hook(env, on_env_cleanup, this);
  cleanup_hook_added_ = true;

  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread(&NativeCapture::run, this);
  return buffer;
}

NativeCapture::~NativeCapture() { shut_down(); }

void NativeCapture::on_env_cleanup(void* self) {
  auto* capture = static_cast<NativeCapture*>(self);
  capture->cleanup_hook_added_ = false;  // the environment is removing it
  capture->shut_down();
}

void NativeCapture::shut_down() {
  if (shut_down_) return;
  shut_down_ = true;
  if (thread_.joinable()) {
    stop_.store(true);
    uint64_t one = 1;
    if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
    if (pcap_) pcap_breakloop(pcap_);
    {
      std::lock_guard<std::mutex> lock(space_mutex_);
    }
    space_freed_.notify_all();
    thread_.join();
  }
  if (pcap_ && live_) sample_pcap_stats(true);
  if (ring_) {
    // Packets still in the ring that JS never acquired were not delivered.
    uint64_t unread = ring_->count_entries(acquired_pos_, ring_->write_pos());
    dropped_by_ring_.store(dropped_by_ring_.load() + unread);
    acquired_pos_ = ring_->write_pos();
  }
  if (pcap_) {
    pcap_close(pcap_);
    pcap_ = nullptr;
  }
  if (wake_fd_ >= 0) {
    ::close(wake_fd_);
    wake_fd_ = -1;
  }
  if (tsfn_) {
    wake_target_->capture = nullptr;
    napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
    tsfn_ = nullptr;
    wake_target_ = nullptr;
  }
  if (cleanup_hook_added_) {
    napi_remove_env_cleanup_hook(env_, on_env_cleanup, this);
    cleanup_hook_added_ = false;
  }
}

void NativeCapture::call_js_wake(napi_env env, napi_value, void* context, void*) {
  // Plain C calls whose failures are ignored: this runs from the event loop,
  // outside any C++ try, also while a worker's environment is being torn down
  // (when every call into JS fails), and a C++ exception here would abort.
  if (env == nullptr) return;
  NativeCapture* capture = static_cast<WakeTarget*>(context)->capture;
  if (capture == nullptr || capture->on_wake_.IsEmpty()) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn = nullptr;
  napi_valuetype type = napi_undefined;
  if (napi_get_reference_value(env, capture->on_wake_, &fn) == napi_ok && fn != nullptr &&
      napi_typeof(env, fn, &type) == napi_ok && type == napi_function) {  // else the facade was collected
    napi_value receiver, result;
    napi_get_undefined(env, &receiver);
    napi_call_function(env, receiver, fn, 0, nullptr, &result);
  }
  napi_close_handle_scope(env, scope);
}

// ---- capture thread -------------------------------------------------------

void NativeCapture::run() {
  pthread_setname_np(pthread_self(), "pktkit-capture");  // so top, perf and gdb can tell it apart
  if (live_) {
    run_live();
  } else {
    run_file();
  }
  ring_->publish();
  finished_.store(true, std::memory_order_release);
  wake_js();
}

void NativeCapture::run_live() {
  pollfd fds[2] = {{pcap_get_selectable_fd(pcap_), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (!stop_.load(std::memory_order_relaxed)) {
    int ready = poll(fds, 2, kLivePollMs);
    if (stop_.load(std::memory_order_relaxed)) break;
    if (ready < 0 && errno != EINTR) {
      error_message_ = std::string("poll failed: ") + std::strerror(errno);
      error_code_ = "EPCAP";
      break;
    }
    int n = pcap_dispatch(pcap_, -1, on_packet, reinterpret_cast<u_char*>(this));
    if (n == PCAP_ERROR_BREAK) break;
    if (n < 0) {
      // e.g. the interface went away: "The interface disappeared"
      error_message_ = std::string("capture stopped: ") + pcap_geterr(pcap_);
      error_code_ = "EPCAP";
      break;
    }
    if (ring_->publish()) wake_js();
    sample_pcap_stats(false);
  }
}

void NativeCapture::run_file() {
  while (!stop_.load(std::memory_order_relaxed)) {
    int n = pcap_dispatch(pcap_, kFileBatch, on_packet, reinterpret_cast<u_char*>(this));
    if (n == 0 || n == PCAP_ERROR_BREAK) break;  // end of file, or close()
    if (n < 0) {
      // A file cut inside a record: every whole packet has been delivered.
      error_kind_ = ErrorKind::File;
      error_message_ = std::string("capture file is damaged: ") + pcap_geterr(pcap_);
      error_code_ = std::strstr(error_message_.c_str(), "truncated") ? "ETRUNCATED" : "EFORMAT";
      break;
    }
    if (ring_->publish()) wake_js();
  }
}

void NativeCapture::on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* self = reinterpret_cast<NativeCapture*>(user);
  self->received_.store(self->received_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  const u32 caplen = header->caplen;
  const u32 bytes_needed = Ring::entry_bytes(caplen);
  u8* entry = self->live_ ? self->ring_->reserve(bytes_needed) : self->reserve_or_wait(bytes_needed);
  if (entry == nullptr) {
    // Live and JS is behind (or the packet can never fit): drop, and say so.
    self->dropped_by_ring_.store(self->dropped_by_ring_.load(std::memory_order_relaxed) + 1,
                                 std::memory_order_relaxed);
    return;
  }
  dissect_packet(bytes, caplen, header->len, self->link_type_, entry);
  rec::put32(entry, rec::entryLen, bytes_needed);
  rec::put32(entry, rec::tsSec, static_cast<u32>(header->ts.tv_sec));
  // Savefiles are opened, and live handles activated, with nanosecond precision
  // where available; tv_usec then holds nanoseconds.
  rec::put32(entry, rec::tsNsec, static_cast<u32>(header->ts.tv_usec) * (self->nanosecond_ ? 1 : 1000));
  std::memcpy(entry + rec::RECORD_SIZE, bytes, caplen);
  self->ring_->commit(bytes_needed);
}

// A file can wait for JS: nothing is lost by reading it more slowly.
u8* NativeCapture::reserve_or_wait(u32 bytes) {
  if (bytes > ring_->capacity()) return nullptr;
  for (;;) {
    if (u8* entry = ring_->reserve(bytes)) return entry;
    if (ring_->publish()) wake_js();
    std::unique_lock<std::mutex> lock(space_mutex_);
    // The room is checked again under the lock that release() notifies under,
    // so a release between the failed reserve() and this wait is not missed.
    space_freed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_.load() || ring_->has_room(bytes); });
    if (stop_.load()) {
      pcap_breakloop(pcap_);
      return nullptr;
    }
  }
}

void NativeCapture::wake_js() {
  // One wake-up per batch that JS has not yet acquired: acquire() clears the flag.
  if (!wake_pending_.exchange(true)) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
}

void NativeCapture::sample_pcap_stats(bool now_or_never) {
  uint64_t now = monotonic_ns();
  if (!now_or_never && now - last_stats_ns_ < kStatsEveryNs) return;
  last_stats_ns_ = now;
  pcap_stat ps{};
  if (pcap_stats(pcap_, &ps) == 0) {
    kernel_received_.store(ps.ps_recv, std::memory_order_relaxed);
    kernel_dropped_.store(ps.ps_drop, std::memory_order_relaxed);
    interface_dropped_.store(ps.ps_ifdrop, std::memory_order_relaxed);
  }
}

// ---- JS methods -----------------------------------------------------------

Napi::Value NativeCapture::acquire(const Napi::CallbackInfo& info) {
  if (!ring_) return Napi::Number::New(info.Env(), 0);
  wake_pending_.store(false);
  // At most a quarter of the ring per batch: JS releases a batch only when it
  // asks for the next one, and a batch of the whole ring would leave the
  // capture thread nothing to fill meanwhile (the two threads would take turns).
  const uint64_t limit = acquired_pos_ + ring_->capacity() / kBatchShareOfRing;
  acquired_pos_ = ring_->walk(acquired_pos_, ring_->write_pos(), limit, &delivered_);
  return Napi::Number::New(info.Env(), static_cast<double>(acquired_pos_));
}

void NativeCapture::release(const Napi::CallbackInfo& info) {
  if (!ring_) return;
  ring_->release(static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue()));
  if (!live_) {
    std::lock_guard<std::mutex> lock(space_mutex_);
    space_freed_.notify_one();
  }
}

void NativeCapture::ref(const Napi::CallbackInfo& info) {
  if (tsfn_) napi_ref_threadsafe_function(info.Env(), tsfn_);
}

void NativeCapture::unref(const Napi::CallbackInfo& info) {
  if (tsfn_) napi_unref_threadsafe_function(info.Env(), tsfn_);
}

Napi::Value NativeCapture::finished(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), shut_down_ || finished_.load(std::memory_order_acquire));
}

Napi::Value NativeCapture::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("received", static_cast<double>(received_.load()));
  out.Set("delivered", static_cast<double>(delivered_));
  out.Set("droppedByRing", static_cast<double>(dropped_by_ring_.load()));
  out.Set("droppedByKernel", static_cast<double>(kernel_dropped_.load()));
  out.Set("droppedByInterface", static_cast<double>(interface_dropped_.load()));
  out.Set("receivedByFilter", static_cast<double>(kernel_received_.load()));
  return out;
}

Napi::Value NativeCapture::take_error(const Napi::CallbackInfo& info) {
  if (!finished_.load(std::memory_order_acquire) || error_message_.empty()) return info.Env().Undefined();
  Napi::Error error = make_error(info.Env(), error_kind_, error_message_, error_code_);
  error_message_.clear();
  return error.Value();
}

Napi::Value NativeCapture::close(const Napi::CallbackInfo& info) {
  shut_down();
  return stats(info);
}

}  // namespace pktkit
