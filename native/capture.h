// NativeCapture: one packet source (AF_PACKET ring, a file, or libpcap), the
// record slots it fills for JS, and the libuv poll that wakes JS when a source
// that had nothing has packets again. Everything runs on the JS thread: JS
// asks for a batch (one N-API call), the source dissects it into the slots,
// JS reads records and bytes in place. lib/capture.ts is the only user; it
// validates arguments, so this class trusts them.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <string>

#include "engine/record_sink.h"
#include "engine/source.h"
#include "errors.h"

namespace pktkit {

class NativeCapture : public Napi::ObjectWrap<NativeCapture> {
 public:
  static Napi::Function define_class(Napi::Env env);
  explicit NativeCapture(const Napi::CallbackInfo& info);
  ~NativeCapture() override;

 private:
  struct Slots;   // the record slots' memory, shared with JS's ArrayBuffer
  struct Poller;  // the uv_poll_t, which outlives this object until libuv closes it

  // JS methods; each is called once per batch or less, never per packet (turnDue: once every 16
  // packets of a for-await loop).
  Napi::Value acquire(const Napi::CallbackInfo& info);
  Napi::Value turn_due_js(const Napi::CallbackInfo& info);  // turnDue()
  void wait(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value finished(const Napi::CallbackInfo& info);
  void want_columns(const Napi::CallbackInfo& info);
  Napi::Value take_error(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  void write_pcap(const Napi::CallbackInfo& info);
  Napi::Value drain_pcap(const Napi::CallbackInfo& info);
  void drain_ready();
  bool drain_between_wakes(int poll_status);
  bool drain_done() const;
  void arm_wait(Napi::Env env);

  u32 fill_next();
  bool wait_in_place();
  bool turn_due();
  uint64_t ns_until_turn(uint64_t now) const;
  void open(const Napi::CallbackInfo& info);
  static Napi::ArrayBuffer js_buffer(Napi::Env env, const ByteBuffer& memory);
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  void copy_out(Napi::Env env, Napi::Object self);
  Napi::Reference<Napi::ArrayBuffer> records_;  // JS's copy of the slots
  Napi::Reference<Napi::ArrayBuffer> copy_;     // JS's copy of the batch's bytes
#endif
  Napi::Object stats_object(Napi::Env env);
  void describe_link(Napi::Object self);
  // Stops the source and the poll. Calls no JS, so the destructor and the
  // environment's cleanup hook can use it too.
  void shut_down();
  static void on_env_cleanup(void* self);
  static void on_readable(uv_poll_t* handle, int status, int events);
  static void on_timer(uv_timer_t* handle);
  static void wake(Poller* poller);
  void hold_on_wake();
  void release_on_wake();

  napi_env env_ = nullptr;
  uint64_t last_turn_ns_ = 0;  // uv_hrtime() of the event loop's last turn (turn_due())
  bool turn_given_ = true;     // the loop has turned since: the start, a wake-up, or JS's turn
  std::unique_ptr<Source> source_;
  std::shared_ptr<Slots> slots_;
  std::unique_ptr<RecordSink> sink_;
  const void* buffer_id_ = nullptr;
  uint64_t wait_in_place_ns_ = 0;  // a live capture's `waitInPlace`; 0: never (and files)
  Poller* poller_ = nullptr;
  Napi::FunctionReference on_wake_;  // weak (the JS facade owns it), strong while JS awaits it
  napi_async_context async_context_ = nullptr;
  int linktype_ = -1;      // as last told to JS
  bool lent_ = false;      // JS holds the records of the last batch
  bool finished_ = false;  // the source ended or failed
  bool cleanup_hook_added_ = false;
  bool shut_down_ = false;
  bool wake_held_ = false;  // on_wake_ is strong: JS awaits a wake-up
  // The pcap file drainPcap() writes to, by itself on every wake-up until the source ends or a
  // write fails: only then is JS woken (`pktkit -w FILE` runs no JS per batch).
  struct Drain {
    bool active = false;
    int fd = -1;
    u32 snaplen = 0;
    bool nano = false;
    double bytes = 0;    // the file's bytes so far
    double packets = 0;  // written since drainPcap() was first called
    double limit = -1;   // stop after this many packets (-c); negative: no limit
    int error = 0;       // errno of a failed write, thrown by the next drainPcap()
  };
  Drain drain_;
  SourceCounters final_{};
};

}  // namespace pktkit
