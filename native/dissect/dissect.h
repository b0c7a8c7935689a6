// The one dissector: decodes a packet's header chain into a record (record.def).
// Runs on the capture thread for every packet, so it allocates nothing, takes no
// locks and never reads past caplen: every read goes through the Cursor in
// extract.h. Bytes from the wire are hostile; a short or self-contradicting
// header sets FLAG_TRUNCATED or FLAG_MALFORMED and stopLayer, and decoding stops
// there with everything before it kept.
#pragma once

#include "../record.h"

namespace pktkit {

// Fills every field of `rec` (RECORD_SIZE bytes) except entryLen, which belongs
// to the ring. `linktype` is the source's DLT_* value.
void dissect_packet(const u8* data, u32 caplen, u32 wirelen, int linktype, u8* rec);

}  // namespace pktkit
