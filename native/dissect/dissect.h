// The one dissector: decodes a packet's header chain into a record (record.def).
// Runs for every packet on the thread that reads the batch, so it allocates
// nothing, takes no locks and never reads past caplen: every read goes through the Cursor in
// extract.h. Bytes from the wire are hostile; a short or self-contradicting
// header sets FLAG_TRUNCATED or FLAG_MALFORMED and stopLayer, and decoding stops
// there with everything before it kept.
#pragma once

#include "../record.h"

namespace pktkit {

// Fills every field of `rec` (RECORD_SIZE bytes) except those the source owns
// (dataOff, timestamps, iface). `linktype` is the source's DLT_* value.
void dissect_packet(const u8* data, u32 caplen, u32 wirelen, int linktype, u8* rec);

// The record dissect_packet() starts from: lengths and link type, no layer
// found, every offset absent. A source that skips decoding writes only this.
void start_record(u32 caplen, u32 wirelen, int linktype, u8* rec);

}  // namespace pktkit
