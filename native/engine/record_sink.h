// Where a source writes one batch: fixed-stride record slots that JS reads in
// place. Every packet goes through put(): the userland filter (when the kernel
// cannot filter), the one dissector, then the fields the source knows (where the
// bytes are, the stamp, the interface), and the columns once JS has asked for
// one. No allocation, no lock, no N-API.
#pragma once

#include <cstdint>
#include <cstring>

#include "../dissect/dissect.h"
#include "../record.h"
#include "columns.h"
#include "packet_filter.h"

namespace pktkit {

class RecordSink {
 public:
  // `columns`, when given, holds columns::total_bytes(capacity) bytes: the sink writes the hot
  // fields there too (native/engine/columns.h), from the moment write_columns() is called.
  RecordSink(u8* slots, u32 capacity, u8* columns = nullptr)
      : slots_(slots), column_area_(columns), capacity_(capacity) {}

  // Starts a batch whose bytes are in the buffer at `base`.
  void begin(const u8* base) {
    base_ = base;
    count_ = 0;
  }
  void set_filter(PacketFilter* filter) { filter_ = filter; }
  // Off: records hold the lengths, stamp, interface and where the bytes are,
  // no layers (a capture that only writes files has no use for them).
  void set_decode(bool on) { decode_ = on; }

  u32 count() const { return count_; }
  u32 capacity() const { return capacity_; }
  bool full() const { return count_ == capacity_; }
  // Packets the userland filter turned away, over the whole capture.
  uint64_t filtered() const { return filtered_; }
  // Packets delivered to JS, over the whole capture.
  uint64_t delivered() const { return delivered_; }
  const u8* slots() const { return slots_; }

  // From now on put() writes the columns too, and the batch in the slots gets them now. Until a
  // reader asks for a column, nobody reads them: writing them for every packet cost 3-5 ns of a
  // 64-byte frame's ~45 in the native half of a file read (alternating runs of 5 M packets).
  void write_columns() {
    if (column_area_ == nullptr || columns_ != nullptr) return;
    columns_ = column_area_;
    for (u32 i = 0; i < count_; ++i) columns::write(columns_, capacity_, i, slots_ + size_t{i} * rec::RECORD_SIZE);
  }

  // `data` lies in the batch's buffer. Returns false when the filter rejected it.
  bool put(const u8* data, u32 caplen, u32 wirelen, int linktype, u32 ts_sec, u32 ts_nsec, u16 iface) {
    if (filter_ != nullptr && !filter_->matches(linktype, data, caplen, wirelen)) {
      ++filtered_;
      return false;
    }
    u8* rec = slots_ + size_t{count_} * rec::RECORD_SIZE;
    if (decode_) {
      dissect_packet(data, caplen, wirelen, linktype, rec);
    } else {
      start_record(caplen, wirelen, linktype, rec);
    }
    rec::put32(rec, rec::dataOff, static_cast<u32>(data - base_));
    rec::put32(rec, rec::tsSec, ts_sec);
    rec::put32(rec, rec::tsNsec, ts_nsec);
    rec::put16(rec, rec::iface, iface);
    if (columns_ != nullptr) columns::write(columns_, capacity_, count_, rec);
    ++count_;
    ++delivered_;
    return true;
  }

 private:
  bool decode_ = true;
  u8* const slots_;
  u8* const column_area_;
  u8* columns_ = nullptr;  // column_area_ once a reader wants columns
  const u32 capacity_;
  const u8* base_ = nullptr;
  PacketFilter* filter_ = nullptr;
  u32 count_ = 0;
  uint64_t filtered_ = 0;
  uint64_t delivered_ = 0;
};

}  // namespace pktkit
