// Bidirectional flows from packet records, the way NetFlow/IPFIX exporters
// keep them: one entry per 5-tuple (both directions in one entry), exported
// when it closes (TCP FIN both ways, RST), when it has been idle for the idle
// timeout, every active timeout while it lasts, or when the table is full and
// it is the least recently used (an eviction, counted). lib/flow/table.ts is
// the API over it; test/unit/flow/flow-table.test.ts is its specification.
//
// Keys come from the record's numbers (addresses as words, ports, ICMP type
// and id). TCP/UDP flows are keyed by ports; ICMP/ICMPv6 messages with a
// counterpart (echo <-> reply, ...) by the pair and the echo id; other ICMP
// messages (errors) by type and code, one direction only, as the Community ID
// treats them. IP packets without a transport header (non-first fragments,
// other protocols) form flows keyed by addresses and protocol.
//
// Memory: entries live in one pool that grows with the live flows and never
// beyond max_flows (at most 2^26, checked by the caller); the hash buckets
// double with the pool. No napi here.
#pragma once

#include <cstdint>
#include <vector>

namespace pktkit::exporter {

// How a flow record began / why it was exported: the order of lib/flow/table.ts's names.
enum Open : uint8_t { kOpenHandshake, kOpenSyn, kOpenMidstream, kOpenPacket, kOpenContinued };
enum Close : uint8_t { kCloseFin, kCloseRst, kCloseIdle, kCloseActive, kCloseEvicted, kCloseEnd };

// One flow: the live entry's exported part, and an ended flow as handed out.
// The key (version ... b_port) comes first: with the entry's links it fills the
// first cache line, the only one a lookup that does not match touches.
struct Flow {
  uint8_t version, proto;
  bool one_way, has_next_ab, has_next_ba;
  uint8_t open;
  uint8_t close;            // set when it ends
  uint32_t a[4], b[4];      // initiator / responder address, big-endian words (IPv4: words 0..2 are 0)
  uint32_t a_port, b_port;  // key ports (ICMP: type/code or type pair and id)
  uint64_t first_ns, last_ns;
  uint64_t pkts_ab, bytes_ab, pkts_ba, bytes_ba;
  uint32_t retrans_ab, retrans_ba;
  uint32_t next_ab, next_ba;  // next sequence number expected from each side (valid when has_next_*)
  uint16_t sport, dport;      // TCP/UDP ports, else 0
  uint16_t flags_ab, flags_ba;
  uint16_t icmp_id;
  int16_t icmp_type;  // -1: not ICMP
  uint8_t icmp_code;
  int32_t vlan;  // -1: untagged
  char cid[28];  // Community ID v1 without its "1:": base64 of the SHA-1
};

struct FlowOptions {
  uint64_t idle_ns;
  uint64_t active_ns;
  uint32_t max_flows;
  uint16_t seed;
};

struct FlowCounters {
  uint64_t packets = 0, non_ip = 0, exported = 0, evicted = 0;
};

class FlowTable {
 public:
  explicit FlowTable(const FlowOptions& options);

  // Accounts one packet record (RECORD_SIZE bytes, native/record.def). Returns
  // its flow's Community ID (28 characters, without "1:"; valid until the next
  // call), or nullptr when the packet belongs to no flow (not IP).
  const char* add(const uint8_t* record);
  // Exports the flows idle since before now_ns - idle.
  void expire(uint64_t now_ns);
  // Exports every flow still held (reason end), oldest first.
  void flush();

  // Flows that ended and were not taken yet, oldest first. The consumer erases what it took.
  std::vector<Flow>& ended() { return ended_; }
  const FlowCounters& counters() const { return counters_; }
  uint32_t active() const { return count_; }

 private:
  struct Entry {
    uint32_t hash;
    int32_t chain;  // next entry in the bucket
    int32_t older;  // LRU list, oldest first
    int32_t newer;
    Flow f;
  };

  int32_t find(uint32_t hash, uint8_t version, uint8_t proto, const uint32_t* s, const uint32_t* d, uint32_t sp,
               uint32_t dp, bool& forward) const;
  int32_t insert(uint32_t hash);
  void unlink_lru(int32_t i);
  void push_newest(int32_t i);
  void remove(int32_t i, uint8_t why);
  void export_flow(const Flow& f, uint8_t why);
  void grow_buckets();
  void community_id(Flow& f) const;

  FlowOptions options_;
  std::vector<Entry> pool_;
  std::vector<int32_t> free_;
  std::vector<int32_t> buckets_;
  uint32_t mask_ = 0;
  int32_t oldest_ = -1, newest_ = -1;
  uint32_t count_ = 0;
  FlowCounters counters_;
  std::vector<Flow> ended_;
  char last_cid_[28];
};

// Community ID v1 (corelight's specification) of a tuple given as words, as
// lib/flow/community-id.ts's communityIdFromWords: 28 base64 characters.
void community_id_words(uint8_t version, const uint32_t* src, const uint32_t* dst, uint8_t proto, uint32_t sport,
                        uint32_t dport, uint16_t seed, char out[28]);

// The counterpart of an ICMP (proto 1) or ICMPv6 (58) type, or -1 when it has none.
int icmp_counterpart(uint8_t proto, uint8_t type);

}  // namespace pktkit::exporter
