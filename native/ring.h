// Single-producer/single-consumer ring of variable-size entries in one buffer
// that JS reads in place (an external ArrayBuffer over the same memory).
//
// Entry: [record, RECORD_SIZE bytes][packet bytes, capLen] padded to 8 bytes.
// An entry never straddles the end of the buffer: when it would, the producer
// writes entryLen = 0 (the wrap marker) and continues at offset 0.
//
// Positions are monotonic byte counts; offset = position % capacity.
//   producer (capture thread): writes the entry, then write_pos_.store(release)
//   consumer (JS thread):      write_pos_.load(acquire), reads [read, write),
//                              then read_pos_.store(release)
//   producer, before reusing space: read_pos_.load(acquire)
// So every byte JS reads was fully written before the position that covers it
// was published, and the producer never overwrites bytes JS has not released.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "record.h"

namespace pktkit {

// The ring's memory, shared by the capture (producer) and the JS ArrayBuffer
// that views it: freed when both have let go, in whichever order GC and close()
// happen to run.
struct RingMemory {
  explicit RingMemory(size_t bytes) : data(static_cast<u8*>(std::calloc(bytes, 1))), size(bytes) {}
  ~RingMemory() { std::free(data); }
  RingMemory(const RingMemory&) = delete;
  RingMemory& operator=(const RingMemory&) = delete;
  u8* const data;
  const size_t size;
};

class Ring {
 public:
  static constexpr u32 kAlign = 8;
  static constexpr u32 entry_bytes(u32 caplen) {
    return (rec::RECORD_SIZE + caplen + kAlign - 1) & ~(kAlign - 1);
  }

  explicit Ring(std::shared_ptr<RingMemory> memory)
      : memory_(std::move(memory)), buf_(memory_->data), cap_(memory_->size & ~size_t{kAlign - 1}) {}

  const std::shared_ptr<RingMemory>& memory() const { return memory_; }
  size_t capacity() const { return cap_; }

  // Producer: space for one entry of `bytes` (from entry_bytes), or nullptr when
  // the consumer has not yet released enough. May write a wrap marker first.
  u8* reserve(u32 bytes) {
    if (bytes > cap_) return nullptr;
    size_t offset = local_write_ % cap_;
    size_t room_to_end = cap_ - offset;
    size_t needed = bytes + (room_to_end < bytes ? room_to_end : 0);
    if (local_write_ + needed - cached_read_ > cap_) {
      cached_read_ = read_pos_.load(std::memory_order_acquire);
      if (local_write_ + needed - cached_read_ > cap_) return nullptr;
    }
    if (room_to_end < bytes) {
      // room_to_end >= kAlign because offsets and capacity are multiples of it.
      rec::put32(buf_ + offset, rec::entryLen, 0);
      local_write_ += room_to_end;
      offset = 0;
    }
    return buf_ + offset;
  }

  // Producer: whether reserve(bytes) would succeed now (changes nothing).
  bool has_room(u32 bytes) const {
    size_t room_to_end = cap_ - local_write_ % cap_;
    size_t needed = bytes + (room_to_end < bytes ? room_to_end : 0);
    return local_write_ + needed - read_pos_.load(std::memory_order_acquire) <= cap_;
  }

  // Producer: the entry returned by reserve() is complete.
  void commit(u32 bytes) { local_write_ += bytes; }

  // Producer: make every committed entry visible to the consumer.
  // Returns true when there was anything new to publish.
  bool publish() {
    if (local_write_ == published_) return false;
    published_ = local_write_;
    write_pos_.store(local_write_, std::memory_order_release);
    return true;
  }

  // Producer: true when nothing is waiting for the consumer.
  bool drained() const { return read_pos_.load(std::memory_order_acquire) == published_; }

  // Consumer side.
  uint64_t write_pos() const { return write_pos_.load(std::memory_order_acquire); }
  uint64_t read_pos() const { return read_pos_.load(std::memory_order_relaxed); }
  void release(uint64_t pos) { read_pos_.store(pos, std::memory_order_release); }

  // Consumer: walks whole entries from `from` towards `to`, stopping at the
  // first entry boundary at or past `limit` (but taking at least one entry);
  // returns that boundary and adds the packets walked to `*count`. Used on the
  // consumer's thread for positions it may read, or after the producer stopped.
  uint64_t walk(uint64_t from, uint64_t to, uint64_t limit, uint64_t* count) const {
    uint64_t n = 0;
    while (from < to && (n == 0 || from < limit)) {
      size_t offset = from % cap_;
      u32 len = rec::get32(buf_ + offset, rec::entryLen);
      if (len == 0) {
        from += cap_ - offset;
      } else {
        from += len;
        ++n;
      }
    }
    *count += n;
    return from;
  }

  uint64_t count_entries(uint64_t from, uint64_t to) const {
    uint64_t n = 0;
    walk(from, to, to, &n);
    return n;
  }

 private:
  std::shared_ptr<RingMemory> memory_;
  u8* const buf_;
  const size_t cap_;
  // Producer-private.
  uint64_t local_write_ = 0;
  uint64_t published_ = 0;
  uint64_t cached_read_ = 0;
  // Shared, each on its own cache line so the two threads do not false-share.
  alignas(64) std::atomic<uint64_t> write_pos_{0};
  alignas(64) std::atomic<uint64_t> read_pos_{0};
};

}  // namespace pktkit
