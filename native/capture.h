// NativeCapture: one libpcap handle (live interface or savefile), its capture
// thread, and the ring that thread fills for JS. lib/capture.ts is the only
// user; it validates arguments, so this class trusts them.
#pragma once

#include <napi.h>
#include <pcap/pcap.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "errors.h"
#include "ring.h"

namespace pktkit {

class NativeCapture : public Napi::ObjectWrap<NativeCapture> {
 public:
  static Napi::Function define_class(Napi::Env env);
  explicit NativeCapture(const Napi::CallbackInfo& info);
  ~NativeCapture() override;

 private:
  // JS methods; each is called once per batch or less, never per packet.
  Napi::Value acquire(const Napi::CallbackInfo& info);
  void release(const Napi::CallbackInfo& info);
  void ref(const Napi::CallbackInfo& info);
  void unref(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value finished(const Napi::CallbackInfo& info);
  Napi::Value take_error(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);

  void open(const Napi::CallbackInfo& info);
  void open_live(Napi::Env env, const Napi::Object& options);
  void open_file(Napi::Env env, const Napi::Object& options);
  void apply_filter(Napi::Env env, const std::string& filter);
  Napi::ArrayBuffer start(Napi::Env env, Napi::Function on_wake, size_t ring_size);

  // Capture thread.
  void run();
  void run_live();
  void run_file();
  static void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes);
  u8* reserve_or_wait(u32 bytes);
  void wake_js();
  // Reads libpcap's kernel counters: at most every 100 ms on the capture
  // thread (it is a syscall), or at once (`now_or_never`) after it stopped.
  void sample_pcap_stats(bool now_or_never);

  // Stops the thread, closes the handle, releases the wake function. Calls no
  // JS, so the destructor and the environment's cleanup hook can use it too.
  void shut_down();
  static void on_env_cleanup(void* self);
  static void call_js_wake(napi_env env, napi_value, void* context, void*);

  struct WakeTarget;  // what the thread-safe function calls into; see capture.cc

  pcap_t* pcap_ = nullptr;
  bool live_ = false;
  int link_type_ = 0;
  bool nanosecond_ = false;
  std::string warning_;
  std::unique_ptr<Ring> ring_;
  std::thread thread_;
  int wake_fd_ = -1;
  napi_env env_ = nullptr;
  napi_threadsafe_function tsfn_ = nullptr;
  WakeTarget* wake_target_ = nullptr;
  Napi::FunctionReference on_wake_;  // weak: the JS facade owns the function
  bool cleanup_hook_added_ = false;
  bool shut_down_ = false;

  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> wake_pending_{false};
  std::mutex space_mutex_;
  std::condition_variable space_freed_;

  // Written by the capture thread only (relaxed); read by stats().
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> dropped_by_ring_{0};
  std::atomic<uint64_t> kernel_received_{0};
  std::atomic<uint64_t> kernel_dropped_{0};
  std::atomic<uint64_t> interface_dropped_{0};
  uint64_t last_stats_ns_ = 0;

  // JS-thread only.
  uint64_t acquired_pos_ = 0;
  uint64_t delivered_ = 0;

  // Set by the thread when it stops on an error; read after `finished_`.
  ErrorKind error_kind_ = ErrorKind::Pcap;
  std::string error_message_;
  std::string error_code_;
};

}  // namespace pktkit
