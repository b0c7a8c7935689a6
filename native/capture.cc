#include "capture.h"

#include <poll.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/afpacket_source.h"
#include "engine/file_source.h"
#include "engine/pcap_source.h"
#include "pcap_dump.h"

namespace pktkit {

namespace {

// Records per batch: enough that the per-batch cost (one N-API call, one
// promise) vanishes, few enough that a batch's records stay in cache.
constexpr u32 kSlots = 2048;

// The longest JS reads batches without letting the event loop turn (timers, I/O, signals, an
// AbortSignal among them), however fast packets arrive.
constexpr uint64_t kTurnEveryMs = 20;
// What acquire() returns instead of a batch when the event loop is due a turn.
constexpr int kTurnDue = -2;

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

// The record slots, then the columns the sink writes beside them (engine/columns.h): one buffer, one
// ArrayBuffer for JS.
constexpr size_t kSlotBytes = size_t{kSlots} * rec::RECORD_SIZE;
constexpr size_t kRecordsBytes = kSlotBytes + columns::total_bytes(kSlots);

struct NativeCapture::Slots {
  Slots() : data(static_cast<u8*>(std::aligned_alloc(64, kRecordsBytes))) {}
  ~Slots() { std::free(data); }
  u8* const data;
};

// The libuv handles that wake JS: a poll on the source's descriptor, and a
// timer for a source without one. They outlive NativeCapture until libuv has
// closed both.
struct NativeCapture::Poller {
  uv_poll_t handle;
  uv_timer_t timer;
  NativeCapture* owner = nullptr;
  bool poll_ready = false;   // handle initialised
  bool timer_ready = false;  // timer initialised
  bool started = false;      // the poll is armed
  bool waiting = false;      // JS awaits a wake-up
  int open_handles = 0;
};

#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
// Where JS may not see memory it did not allocate (Electron's sandbox), JS gets
// its own copy: of the records once (the slots then live in JS's buffer), and of
// each batch's packet bytes (the copying path).
Napi::ArrayBuffer NativeCapture::js_buffer(Napi::Env env, const ByteBuffer& memory) {
  Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, memory.size);
  std::memcpy(copy.Data(), memory.data, memory.size);
  return copy;
}

// Copies the batch's packet bytes into a buffer JS owns, one after another, and
// points the records there.
void NativeCapture::copy_out(Napi::Env env, Napi::Object self) {
  u8* slots = slots_->data;
  size_t total = 0;
  for (u32 i = 0; i < sink_->count(); ++i)
    total += (rec::get32(slots + size_t{i} * rec::RECORD_SIZE, rec::capLen) + 7) & ~size_t{7};
  if (copy_.IsEmpty() || copy_.Value().ByteLength() < total) {
    copy_ = Napi::Persistent(Napi::ArrayBuffer::New(env, total < (1u << 20) ? (1u << 20) : total));
    self.Set("bytes", copy_.Value());
  }
  const u8* from = source_->buffer().data;
  u8* to = static_cast<u8*>(copy_.Value().Data());
  size_t at = 0;
  for (u32 i = 0; i < sink_->count(); ++i) {
    u8* rec = slots + size_t{i} * rec::RECORD_SIZE;
    u32 caplen = rec::get32(rec, rec::capLen);
    std::memcpy(to + at, from + rec::get32(rec, rec::dataOff), caplen);
    rec::put32(rec, rec::dataOff, static_cast<u32>(at));
    at += (caplen + 7) & ~size_t{7};
  }
  // The records JS reads are in its own copy of the slots, and so are the columns.
  u8* js = static_cast<u8*>(records_.Value().Data());
  std::memcpy(js, slots, size_t{sink_->count()} * rec::RECORD_SIZE);
  std::memcpy(js + kSlotBytes, slots + kSlotBytes, columns::total_bytes(kSlots));
}
#else
// An external ArrayBuffer over memory that `owner` keeps alive for as long as
// the ArrayBuffer lives, whichever of JS and the source lets go last.
Napi::ArrayBuffer NativeCapture::js_buffer(Napi::Env env, const ByteBuffer& memory) {
  auto* keep = new std::shared_ptr<const void>(memory.owner);
  return Napi::ArrayBuffer::New(
      env, const_cast<u8*>(memory.data), memory.size,
      [](Napi::Env, void*, std::shared_ptr<const void>* hint) { delete hint; }, keep);
}
#endif

Napi::Function NativeCapture::define_class(Napi::Env env) {
  return DefineClass(env, "NativeCapture",
                     {
                         InstanceMethod<&NativeCapture::acquire>("acquire"),
                         InstanceMethod<&NativeCapture::turn_due_js>("turnDue"),
                         InstanceMethod<&NativeCapture::wait>("wait"),
                         InstanceMethod<&NativeCapture::stats>("stats"),
                         InstanceMethod<&NativeCapture::finished>("finished"),
                         InstanceMethod<&NativeCapture::want_columns>("wantColumns"),
                         InstanceMethod<&NativeCapture::take_error>("takeError"),
                         InstanceMethod<&NativeCapture::close>("close"),
                         InstanceMethod<&NativeCapture::write_pcap>("writePcap"),
                         InstanceMethod<&NativeCapture::drain_pcap>("drainPcap"),
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
  env_ = env;
  Napi::Object options = info[0].As<Napi::Object>();
  SourceError error;
  if (get_string(options, "kind") == "live") {
    LiveConfig config;
    config.device = get_string(options, "device");
    config.filter = get_string(options, "filter");
    config.snaplen = static_cast<uint32_t>(get_int(options, "snaplen", 262144));
    config.promisc = get_bool(options, "promisc", true);
    config.immediate = get_bool(options, "immediate", false);
    config.buffer_size = static_cast<uint32_t>(get_int(options, "bufferSize", 0));
    config.ring_size = static_cast<uint32_t>(get_int(options, "ringSize", 0));
    config.timeout_ms = static_cast<int>(get_int(options, "timeoutMs", 100));
    config.direction = get_string(options, "direction");
    if (config.direction.empty()) config.direction = "inout";
    config.linktype = static_cast<int>(get_int(options, "linkType", -1));
    config.fanout_group = static_cast<int>(get_int(options, "fanoutGroup", -1));
    config.fanout_mode = static_cast<int>(get_int(options, "fanoutMode", 0));
    std::string engine = get_string(options, "engine");
    if (engine != "libpcap") {
      std::unique_ptr<AfPacketSource> ring = AfPacketSource::open(config, &error);
      if (ring) {
        source_ = std::move(ring);
      } else if (!error.code.empty() || engine == "afpacket") {
        if (error.empty()) error = {ErrorKind::Pcap, "EENGINE", "engine", config.device};
        throw make_error(env, error);
      }
    }
    wait_in_place_ns_ = static_cast<uint64_t>(get_int(options, "waitInPlaceUs", 0)) * 1000;
    if (!source_) {
      if (config.fanout_group >= 0) {
        throw make_error(env, {ErrorKind::Pcap, "EENGINE", "fanout-engine", config.device});
      }
      source_ = PcapSource::open_live(config, &error);
    }
  } else {
    source_ = FileSource::open(get_string(options, "path"), get_string(options, "filter"),
                               get_string(options, "access"), &error);
  }
  if (!source_) throw make_error(env, error);

  slots_ = std::make_shared<Slots>();
  if (!slots_->data) {
    ErrorFacts f = errno_facts(ErrorKind::Resource, "alloc-slots", "", "aligned_alloc", ENOMEM);
    f.values = {{"bytes", std::to_string(kRecordsBytes)}};
    throw make_error(env, f);
  }
  sink_ = std::make_unique<RecordSink>(slots_->data, kSlots, slots_->data + kSlotBytes);
  sink_->set_decode(get_bool(options, "decode", true));

  Napi::Object self = info.This().As<Napi::Object>();
  Napi::ArrayBuffer records = js_buffer(env, {slots_->data, kRecordsBytes, slots_});
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  records_ = Napi::Persistent(records);
#endif
  self.Set("records", records);
  // Where each column lies in `records`: { name: [byte offset, bytes per value] } (lib/columns.ts).
  Napi::Object layout = Napi::Object::New(env);
  for (u32 c = 0; c < columns::kCount; ++c) {
    Napi::Array at = Napi::Array::New(env, 2);
    at.Set(0u, static_cast<double>(kSlotBytes + c * columns::region_bytes(kSlots)));
    at.Set(1u, static_cast<double>(columns::kDefs[c].type));
    layout.Set(columns::kDefs[c].name, at);
  }
  self.Set("columns", layout);
  self.Set("engine", source_->engine);
  describe_link(self);
  if (!source_->warning.empty()) self.Set("warning", source_->warning);

  on_wake_ = Napi::Weak(options.Get("onWake").As<Napi::Function>());
  napi_add_env_cleanup_hook(env, on_env_cleanup, this);
  cleanup_hook_added_ = true;
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
  release_on_wake();
  if (source_) {
    source_->stop(lent_);
    source_->counters(&final_);
  }
  if (poller_) {
    Poller* poller = poller_;
    poller_ = nullptr;
    poller->owner = nullptr;
    auto closed = [](uv_handle_t* handle) {
      auto* p = static_cast<Poller*>(handle->data);
      if (--p->open_handles == 0) delete p;
    };
    if (poller->poll_ready) uv_close(reinterpret_cast<uv_handle_t*>(&poller->handle), closed);
    if (poller->timer_ready) uv_close(reinterpret_cast<uv_handle_t*>(&poller->timer), closed);
    if (poller->open_handles == 0) delete poller;
  }
  if (cleanup_hook_added_) {
    napi_remove_env_cleanup_hook(env_, on_env_cleanup, this);
    cleanup_hook_added_ = false;
  }
}

// The link type, known at open except for a pipe, whose header comes later
// (-1 and UNKNOWN until then); lib/capture.ts reads these properties each time.
void NativeCapture::describe_link(Napi::Object self) {
  linktype_ = source_->linktype;
  self.Set("linkType", linktype_);
  const char* dlt_name = linktype_ >= 0 ? pcap_datalink_val_to_name(linktype_) : nullptr;
  self.Set("linkTypeName", dlt_name ? dlt_name : "UNKNOWN");
  self.Set("snaplen", source_->snaplen);
  self.Set("nanosecond", source_->nanosecond);
}

// Hands the batch JS held back to the source and fills the slots with the
// next one; returns its packet count (0: nothing now, or the source is done).
// acquire() and drainPcap() both take their batches here.
u32 NativeCapture::fill_next() {
  lent_ = false;
  if (shut_down_ || finished_ || !source_) return 0;
  sink_->begin(nullptr);  // empty, whatever the source does
  Source::Status status = source_->fill(*sink_);
  if (status == Source::Status::kEnd || status == Source::Status::kError) finished_ = true;
  const u32 count = sink_->count();
  lent_ = count > 0;
  return count;
}

// Whether JS has kept the event loop to itself for kTurnEveryMs since its last turn. A turn is a
// wake-up (the loop polled), or the turn JS gives the loop when told it is due: the call after a
// `true` comes after that turn. (Not uv_now(): Node refreshes the loop's time whenever JS reads a
// timer, so it does not say when the loop last turned.)
bool NativeCapture::turn_due() {
  const uint64_t now = uv_hrtime();
  if (turn_given_) {
    turn_given_ = false;
    last_turn_ns_ = now;
    return false;
  }
  if (ns_until_turn(now) > 0) return false;
  turn_given_ = true;
  return true;
}

// How long JS may still keep the event loop before the loop is due its turn (0: it is due).
uint64_t NativeCapture::ns_until_turn(uint64_t now) const {
  const uint64_t since = now - last_turn_ns_;
  return since < kTurnEveryMs * 1000000 ? kTurnEveryMs * 1000000 - since : 0;
}

Napi::Value NativeCapture::turn_due_js(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), turn_due());
}

Napi::Value NativeCapture::acquire(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // JS gives the loop its turn (setImmediate) and asks again; the batch it holds stays lent.
  if (!shut_down_ && !finished_ && turn_due()) return Napi::Number::New(env, kTurnDue);
  u32 count = fill_next();
  if (count == 0 && wait_in_place()) count = fill_next();
  if (!source_) return Napi::Number::New(env, 0);
  if (source_->linktype != linktype_) describe_link(info.This().As<Napi::Object>());  // a pipe's header arrived
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  if (count > 0) copy_out(env, info.This().As<Napi::Object>());
#else
  if (count > 0 && source_->buffer_id() != buffer_id_) {
    buffer_id_ = source_->buffer_id();
    info.This().As<Napi::Object>().Set("bytes", js_buffer(env, source_->buffer()));
  }
#endif
  return Napi::Number::New(env, count);
}

// Under load the next block is a millisecond or two away. Waiting for it here, in one ppoll(),
// costs the thread a C program's wake-up; going back to the event loop for it costs Node's
// (libuv's poll phase, the call into JS, a promise settled): on the bench machine 17 against
// ~70 µs of CPU a wake-up, and a live capture under load wakes once per block. The wait ends as
// soon as anything the event loop watches is ready (its epoll descriptor: sockets, signals, the
// thread pool's and workers' messages), and never runs past the loop's next timer or the turn it
// is owed (`waitInPlace`, bounded by `kTurnEveryMs`). True when the source became readable.
bool NativeCapture::wait_in_place() {
  if (wait_in_place_ns_ == 0 || shut_down_ || finished_ || !source_) return false;
  const int fd = source_->poll_fd();
  uv_loop_t* loop = nullptr;
  if (fd < 0 || napi_get_uv_event_loop(env_, &loop) != napi_ok || loop == nullptr) return false;
  // While JS reads, the capture's poll is unreferenced, and a loop with nothing else referenced
  // has no timeout to give (uv_backend_timeout() says 0, as for pending work): nothing is due then.
  const int timeout_ms = uv_loop_alive(loop) ? uv_backend_timeout(loop) : -1;  // 0: work is pending
  const int loop_fd = uv_backend_fd(loop);
  if (timeout_ms == 0 || loop_fd < 0) return false;
  const uint64_t now = uv_hrtime();
  const uint64_t until_turn = ns_until_turn(now);
  if (until_turn == 0) return false;
  uint64_t budget = std::min(wait_in_place_ns_, until_turn);
  if (timeout_ms > 0) {
    // The loop's clock is as old as its last turn: the timer is that much nearer than it says.
    const uint64_t timer_at = (uv_now(loop) + static_cast<uint64_t>(timeout_ms)) * 1000000;
    if (timer_at <= now) return false;
    budget = std::min(budget, timer_at - now);
  }
  pollfd fds[2] = {{fd, POLLIN, 0}, {loop_fd, POLLIN, 0}};
  const timespec limit{static_cast<time_t>(budget / 1000000000), static_cast<long>(budget % 1000000000)};
  return ppoll(fds, 2, &limit, nullptr) > 0 && fds[0].revents != 0;
}

// Arms one wake-up: `onWake` is called once the source's descriptor is
// readable, or on the next turn of the event loop for a source without one
// (it must not leave JS waiting forever). The poll stays armed between waits:
// a capture that keeps up waits once per block, and stopping and starting the
// poll each time would cost two epoll_ctl calls per wait. It is stopped when
// it fires while JS is not waiting (JS is reading, and lets the event loop
// turn), so that a readable descriptor does not spin the loop.
void NativeCapture::wait(const Napi::CallbackInfo& info) { arm_wait(info.Env()); }

void NativeCapture::arm_wait(Napi::Env env) {
  if (shut_down_ || finished_ || !source_) return;
  if (!poller_) {
    poller_ = new Poller();
    poller_->owner = this;
    poller_->handle.data = poller_;
    poller_->timer.data = poller_;
  }
  Poller* poller = poller_;
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env_, &loop);
  poller->waiting = true;
  int fd = source_->poll_fd();
  if (fd < 0) {
    if (!poller->timer_ready) {
      if (uv_timer_init(loop, &poller->timer) != 0) {
        ErrorFacts f{ErrorKind::Pcap, "EPCAP", "wake"};
        f.op = "uv_timer_init";
        throw make_error(env, f);
      }
      poller->timer_ready = true;
      ++poller->open_handles;
    }
    uv_timer_start(&poller->timer, on_timer, 0, 0);
    hold_on_wake();
    return;
  }
  if (!poller->poll_ready) {
    if (uv_poll_init(loop, &poller->handle, fd) != 0) {
      ErrorFacts f{ErrorKind::Pcap, "EPCAP", "watch"};
      f.op = "uv_poll_init";
      throw make_error(env, f);
    }
    poller->poll_ready = true;
    ++poller->open_handles;
  }
  if (!poller->started) {
    uv_poll_start(&poller->handle, UV_READABLE, on_readable);
    poller->started = true;
  }
  uv_ref(reinterpret_cast<uv_handle_t*>(&poller->handle));
  hold_on_wake();
}

// While JS awaits a wake-up nothing else may refer to the capture: the awaiting code holds only a
// promise that the wake-up resolves. So the wake function (and through it the capture) is held
// strongly from wait() to the wake-up or the shut-down, and weakly otherwise, so that a capture
// nobody reads is collected. A reference count, not a JS collection: no allocation per wait.
void NativeCapture::hold_on_wake() {
  if (wake_held_ || on_wake_.IsEmpty()) return;
  wake_held_ = napi_reference_ref(env_, on_wake_, nullptr) == napi_ok;
}

void NativeCapture::release_on_wake() {
  if (!wake_held_) return;
  wake_held_ = false;
  napi_reference_unref(env_, on_wake_, nullptr);
}

void NativeCapture::on_readable(uv_poll_t* handle, int status, int events) {
  auto* poller = static_cast<Poller*>(handle->data);
  // An error on the descriptor (POLLERR: the interface went down) stops the
  // poll inside libuv; JS is woken to read, and the source reports the error.
  if (status < 0) poller->started = false;
  if (!poller->waiting) {
    uv_poll_stop(handle);
    poller->started = false;
    return;
  }
  if (poller->owner != nullptr && poller->owner->drain_between_wakes(status)) return;  // still armed
  wake(poller);
}

void NativeCapture::on_timer(uv_timer_t* handle) {
  auto* poller = static_cast<Poller*>(handle->data);
  if (!poller->waiting) return;
  if (poller->owner != nullptr && poller->owner->drain_between_wakes(0)) {
    uv_timer_start(handle, on_timer, 0, 0);  // a file: the next batches on the loop's next turn
    return;
  }
  wake(poller);
}

void NativeCapture::wake(Poller* poller) {
  poller->waiting = false;
  // Armed but not awaited: the poll keeps the process alive only while JS awaits packets.
  if (poller->poll_ready) uv_unref(reinterpret_cast<uv_handle_t*>(&poller->handle));
  NativeCapture* self = poller->owner;
  if (self == nullptr) return;
  self->turn_given_ = true;  // the loop has turned
  if (self->on_wake_.IsEmpty()) return;
  // Plain C calls whose failures are ignored: this runs from the event loop,
  // outside any C++ try, also while a worker's environment is being torn down.
  napi_env env = self->env_;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    self->release_on_wake();
    return;
  }
  napi_value fn = nullptr;
  napi_valuetype type = napi_undefined;
  const bool got = napi_get_reference_value(env, self->on_wake_, &fn) == napi_ok && fn != nullptr;
  self->release_on_wake();  // from here `fn` is held by the handle scope, for the call
  if (got && napi_typeof(env, fn, &type) == napi_ok && type == napi_function) {  // else the facade was collected
    napi_value receiver, result;
    napi_get_global(env, &receiver);  // make_callback wants an object
    // make_callback, not call_function: promises resolved by the wake run now.
    if (napi_make_callback(env, nullptr, receiver, fn, 0, nullptr, &result) == napi_pending_exception) {
      napi_value exception;
      if (napi_get_and_clear_last_exception(env, &exception) == napi_ok) napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

Napi::Value NativeCapture::finished(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), shut_down_ || finished_);
}

// A reader asked for a native column: the sink writes them from now on, and for the batch JS holds.
void NativeCapture::want_columns(const Napi::CallbackInfo& info) {
  if (!sink_) return;
  sink_->write_columns();
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  // JS reads its own copy of the columns, made when the batch was handed over.
  if (lent_) {
    u8* js = static_cast<u8*>(records_.Value().Data());
    std::memcpy(js + kSlotBytes, slots_->data + kSlotBytes, columns::total_bytes(kSlots));
  }
#endif
}

Napi::Object NativeCapture::stats_object(Napi::Env env) {
  SourceCounters c = final_;
  if (!shut_down_ && source_) source_->counters(&c);
  const uint64_t delivered = sink_ ? sink_->delivered() : 0;
  const uint64_t filtered = sink_ ? sink_->filtered() : 0;
  uint64_t received = delivered;
  uint64_t dropped_unread = 0;
  if (c.from_kernel) {
    // What the kernel counted, less what it counted but was not ours.
    uint64_t not_ours = c.skipped + filtered;
    received = c.kernel_received > not_ours ? c.kernel_received - not_ours : 0;
    if (received < delivered + c.kernel_dropped) received = delivered + c.kernel_dropped;
    // At close, what the ring still held was never delivered.
    if (shut_down_) dropped_unread = received - delivered - c.kernel_dropped;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("received", static_cast<double>(received));
  out.Set("delivered", static_cast<double>(delivered));
  out.Set("droppedByRing", static_cast<double>(dropped_unread));
  out.Set("droppedByKernel", static_cast<double>(c.kernel_dropped));
  out.Set("droppedByInterface", static_cast<double>(c.interface_dropped));
  out.Set("receivedByFilter", static_cast<double>(c.kernel_received));
  return out;
}

Napi::Value NativeCapture::stats(const Napi::CallbackInfo& info) { return stats_object(info.Env()); }

Napi::Value NativeCapture::take_error(const Napi::CallbackInfo& info) {
  if (!finished_ || !source_ || source_->error().empty()) return info.Env().Undefined();
  Napi::Error error = make_error(info.Env(), source_->error());
  source_->clear_error();  // thrown once
  return error.Value();
}

// writePcap(fd, from, to, snaplen, nano, io): classic pcap records of the
// current batch's packets [from, to) written to `fd` from where their bytes
// are. io (Float64Array): [0] the file's bytes so far, updated; [1] -C's size
// limit and [2] -G's second limit (negative: none); [3] set to the first
// packet not written. lib/pcap-writer.ts validates the arguments.
void NativeCapture::write_pcap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array io = info[5].As<Napi::Float64Array>();
  PcapDumpRun run;
  run.slots = slots_->data;
  const u32 count = lent_ ? sink_->count() : 0;  // only the batch JS holds
  run.to = std::min(info[2].As<Napi::Number>().Uint32Value(), count);
  run.from = std::min(info[1].As<Napi::Number>().Uint32Value(), run.to);
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  // The records point into JS's copy of the batch's bytes.
  if (!copy_.IsEmpty()) {
    run.base = static_cast<const u8*>(copy_.Value().Data());
    run.size = copy_.Value().ByteLength();
  }
#else
  if (source_) {
    ByteBuffer buffer = source_->buffer();
    run.base = buffer.data;
    run.size = buffer.size;
  }
#endif
  if (run.base == nullptr) run.to = run.from;
  run.snaplen = info[3].As<Napi::Number>().Uint32Value();
  run.nano = info[4].As<Napi::Boolean>().Value();
  run.bytes = io[0];
  run.size_limit = io[1];
  run.ts_limit = io[2];
  dump_pcap_records(info[0].As<Napi::Number>().Int32Value(), &run);
  io[0] = run.bytes;
  io[3] = run.next;
  if (run.error != 0) throw make_error(env, errno_facts(ErrorKind::File, "write-pcap", "", "write", run.error));
}

// drainPcap(fd, snaplen, nano, io, limit): every packet the source has now,
// written to `fd` as classic pcap records, and from then on the packets of
// every wake-up, written here in the poll's callback without calling JS: onWake
// runs only when `limit` packets are written (negative: no limit), the source
// has ended or failed, a write failed, or JS closed the capture. Each call
// returns the packets written since the first, sets io[0] to the file's bytes
// so far (io[0] as given to the first call, plus what went since), and throws a
// write error it has kept. `pktkit -w FILE` with nothing else to do: no JS per
// batch, so V8 has nothing to compile while the first packets arrive
// (bench/LIVE-LOSS.md), and a wake-up costs no call into JS (bench/LIVE-LOSS.md,
// "the rest of a live packet's CPU is per wake-up").
Napi::Value NativeCapture::drain_pcap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array io = info[3].As<Napi::Float64Array>();
  if (!drain_.active) {
    drain_.active = true;
    drain_.fd = info[0].As<Napi::Number>().Int32Value();
    drain_.snaplen = info[1].As<Napi::Number>().Uint32Value();
    drain_.nano = info[2].As<Napi::Boolean>().Value();
    drain_.limit = info[4].As<Napi::Number>().DoubleValue();
    drain_.bytes = io[0];
    drain_.packets = 0;
    drain_.error = 0;
  }
  drain_ready();
  io[0] = drain_.bytes;
  if (drain_.error != 0) {
    const int err = drain_.error;
    drain_.active = false;
    throw make_error(env, errno_facts(ErrorKind::File, "write-pcap", "", "write", err));
  }
  if (shut_down_ || finished_ || !source_ || drain_done()) {
    drain_.active = false;
  } else {
    arm_wait(env);
  }
  return Napi::Number::New(env, drain_.packets);
}

// Writes the batches the source has now (at most kDrainBatches, so that a file
// source or a busy link hands the event loop back between calls).
void NativeCapture::drain_ready() {
  constexpr int kDrainBatches = 32;
  for (int batch = 0; batch < kDrainBatches && drain_.error == 0 && !drain_done(); ++batch) {
    const u32 count = fill_next();  // the batch before this one is written: hand it back
    if (count == 0) break;
    PcapDumpRun run;
    run.slots = slots_->data;
    run.from = 0;
    // -c: the batch's packets past the limit are not written, as tcpdump -c writes none past it.
    run.to = drain_.limit >= 0 && drain_.packets + count > drain_.limit
                 ? static_cast<u32>(drain_.limit - drain_.packets)
                 : count;
    ByteBuffer buffer = source_->buffer();  // the records point into it, in both builds
    run.base = buffer.data;
    run.size = buffer.size;
    run.snaplen = drain_.snaplen;
    run.nano = drain_.nano;
    run.bytes = drain_.bytes;
    dump_pcap_records(drain_.fd, &run);
    drain_.bytes = run.bytes;
    drain_.packets += run.next;
    drain_.error = run.error;
  }
}

// The poll fired (or a file's timer) while drainPcap() writes by itself: writes what is there.
// True when the wake-up stays armed with no call into JS; false when JS must hear of it (-c's
// count is written, the source ended or failed, a write failed, or the poll reported an error).
bool NativeCapture::drain_between_wakes(int poll_status) {
  if (!drain_.active || shut_down_) return false;
  try {
    drain_ready();
  } catch (...) {
    // Nothing may leave a libuv callback. A source that throws (it allocates only on its error
    // paths) is left for JS's next drainPcap() call, where node-addon-api turns it into a JS error.
    return false;
  }
  return drain_.error == 0 && !finished_ && !drain_done() && poll_status >= 0;
}

bool NativeCapture::drain_done() const { return drain_.limit >= 0 && drain_.packets >= drain_.limit; }

Napi::Value NativeCapture::close(const Napi::CallbackInfo& info) {
  shut_down();
  return stats_object(info.Env());
}

}  // namespace pktkit
