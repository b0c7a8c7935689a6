#include "flow_table.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../record.h"
#include "sha1.h"

namespace pktkit::exporter {

namespace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoIcmpv6 = 58;
constexpr uint8_t kProtoSctp = 132;

constexpr uint16_t kFin = 0x01;
constexpr uint16_t kSyn = 0x02;
constexpr uint16_t kRst = 0x04;
constexpr uint16_t kAck = 0x10;

inline uint32_t be32_at(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

inline uint32_t mix_words(const uint32_t* w, uint32_t port) {
  uint32_t h = (w[0] ^ 0x9e3779b9u) * 0x85ebca6bu;
  h = (h ^ w[1] ^ (h >> 13)) * 0xc2b2ae35u;
  h = (h ^ w[2] ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ w[3] ^ (h >> 13)) * 0xc2b2ae35u;
  h = (h ^ port ^ (h >> 16)) * 0x27d4eb2fu;
  return h ^ (h >> 15);
}

inline bool same4(const uint32_t* x, const uint32_t* y) {
  return x[3] == y[3] && x[2] == y[2] && x[1] == y[1] && x[0] == y[0];
}

// Zeek's ICMP4_counterpart / ICMP6_counterpart, index = type, -1 = none.
struct Counterparts {
  int16_t v4[256], v6[256];
  Counterparts() {
    std::fill(v4, v4 + 256, int16_t{-1});
    std::fill(v6, v6 + 256, int16_t{-1});
    const int p4[][2] = {{8, 0}, {13, 14}, {15, 16}, {10, 9}, {17, 18}};
    const int p6[][2] = {{128, 129}, {133, 134}, {135, 136}, {130, 131}, {139, 140}, {144, 145}};
    for (auto& p : p4) v4[p[0]] = static_cast<int16_t>(p[1]), v4[p[1]] = static_cast<int16_t>(p[0]);
    for (auto& p : p6) v6[p[0]] = static_cast<int16_t>(p[1]), v6[p[1]] = static_cast<int16_t>(p[0]);
  }
};
const Counterparts kCounterparts;

inline void put_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24), p[1] = static_cast<uint8_t>(v >> 16), p[2] = static_cast<uint8_t>(v >> 8),
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

int icmp_counterpart(uint8_t proto, uint8_t type) {
  return proto == kProtoIcmpv6 ? kCounterparts.v6[type] : kCounterparts.v4[type];
}

void community_id_words(uint8_t version, const uint32_t* src, const uint32_t* dst, uint8_t proto, uint32_t sport,
                        uint32_t dport, uint16_t seed, char out[28]) {
  bool one_way = false;
  if (proto == kProtoIcmp || proto == kProtoIcmpv6) {
    int other = icmp_counterpart(proto, static_cast<uint8_t>(sport));
    if (other < 0) one_way = true;
    else dport = static_cast<uint32_t>(other);
  }
  const uint32_t* a = src;
  const uint32_t* b = dst;
  uint32_t pa = sport, pb = dport;
  int cmp = 0;
  for (int i = 0; i < 4 && cmp == 0; i++) cmp = src[i] == dst[i] ? 0 : src[i] < dst[i] ? -1 : 1;
  if (!one_way && (cmp > 0 || (cmp == 0 && sport > dport))) a = dst, b = src, pa = dport, pb = sport;
  uint8_t in[40];
  size_t n = 0;
  in[n++] = static_cast<uint8_t>(seed >> 8);
  in[n++] = static_cast<uint8_t>(seed);
  for (const uint32_t* addr : {a, b}) {
    if (version == 4) {
      put_be32(in + n, addr[3]);
      n += 4;
    } else {
      for (int i = 0; i < 4; i++, n += 4) put_be32(in + n, addr[i]);
    }
  }
  in[n++] = proto;
  in[n++] = 0;
  if (proto == kProtoTcp || proto == kProtoUdp || proto == kProtoSctp || proto == kProtoIcmp || proto == kProtoIcmpv6) {
    in[n++] = static_cast<uint8_t>(pa >> 8), in[n++] = static_cast<uint8_t>(pa);
    in[n++] = static_cast<uint8_t>(pb >> 8), in[n++] = static_cast<uint8_t>(pb);
  }
  uint8_t digest[20];
  sha1(in, n, digest);
  base64_20(digest, out);
}

FlowTable::FlowTable(const FlowOptions& options) : options_(options) {
  buckets_.assign(1024, -1);
  mask_ = 1023;
}

void FlowTable::community_id(Flow& f) const {
  bool icmp = f.icmp_type >= 0;
  community_id_words(f.version, f.a, f.b, f.proto, icmp ? static_cast<uint32_t>(f.icmp_type) : f.a_port,
                     icmp ? f.icmp_code : f.b_port, options_.seed, f.cid);
}

int32_t FlowTable::find(uint32_t hash, uint8_t version, uint8_t proto, const uint32_t* s, const uint32_t* d,
                        uint32_t sp, uint32_t dp, bool& forward) const {
  for (int32_t i = buckets_[hash & mask_]; i >= 0; i = pool_[i].chain) {
    const Entry& e = pool_[i];
    if (e.hash != hash || e.f.proto != proto || e.f.version != version) continue;
    static_assert(offsetof(Entry, f) + offsetof(Flow, b_port) + 4 <= 64,
                  "the key lies in the entry's first cache line");
    if (e.f.a_port == sp && e.f.b_port == dp && same4(e.f.a, s) && same4(e.f.b, d)) {
      forward = true;
      return i;
    }
    if (!e.f.one_way && e.f.a_port == dp && e.f.b_port == sp && same4(e.f.a, d) && same4(e.f.b, s)) {
      forward = false;
      return i;
    }
  }
  return -1;
}

void FlowTable::grow_buckets() {
  size_t size = buckets_.size() * 2;
  buckets_.assign(size, -1);
  mask_ = static_cast<uint32_t>(size - 1);
  for (int32_t i = oldest_; i >= 0; i = pool_[i].newer) {
    int32_t& head = buckets_[pool_[i].hash & mask_];
    pool_[i].chain = head;
    head = i;
  }
}

int32_t FlowTable::insert(uint32_t hash) {
  int32_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else {
    i = static_cast<int32_t>(pool_.size());
    pool_.emplace_back();
  }
  Entry& e = pool_[i];
  std::memset(&e, 0, sizeof e);
  e.hash = hash;
  e.older = e.newer = -1;
  count_++;
  if (count_ > buckets_.size()) grow_buckets();
  int32_t& head = buckets_[hash & mask_];
  e.chain = head;
  head = i;
  return i;
}

void FlowTable::unlink_lru(int32_t i) {
  Entry& e = pool_[i];
  if (e.older >= 0) pool_[e.older].newer = e.newer;
  else oldest_ = e.newer;
  if (e.newer >= 0) pool_[e.newer].older = e.older;
  else newest_ = e.older;
  e.older = e.newer = -1;
}

void FlowTable::push_newest(int32_t i) {
  Entry& e = pool_[i];
  e.older = newest_;
  e.newer = -1;
  if (newest_ >= 0) pool_[newest_].newer = i;
  else oldest_ = i;
  newest_ = i;
}

void FlowTable::export_flow(const Flow& f, uint8_t why) {
  counters_.exported++;
  ended_.push_back(f);
  ended_.back().close = why;
}

void FlowTable::remove(int32_t i, uint8_t why) {
  unlink_lru(i);
  Entry& e = pool_[i];
  int32_t* link = &buckets_[e.hash & mask_];
  while (*link >= 0 && *link != i) link = &pool_[*link].chain;
  if (*link == i) *link = e.chain;
  e.chain = -1;
  count_--;
  free_.push_back(i);
  export_flow(e.f, why);
}

void FlowTable::expire(uint64_t now_ns) {
  const int64_t now = static_cast<int64_t>(now_ns);
  const int64_t idle = static_cast<int64_t>(options_.idle_ns);
  while (oldest_ >= 0 && static_cast<int64_t>(pool_[oldest_].f.last_ns) + idle < now) {
    const Flow& f = pool_[oldest_].f;
    bool finished = f.proto == kProtoTcp && (f.flags_ab & kFin) && (f.flags_ba & kFin);
    remove(oldest_, finished ? kCloseFin : kCloseIdle);
  }
}

void FlowTable::flush() {
  while (oldest_ >= 0) remove(oldest_, kCloseEnd);
}

const char* FlowTable::add(const uint8_t* r) {
  counters_.packets++;
  const uint32_t ts_sec = rec::get32(r, rec::tsSec);
  const uint32_t ts_nsec = rec::get32(r, rec::tsNsec);
  const uint64_t now = uint64_t{ts_sec} * 1000000000u + ts_nsec;
  expire(now);

  const uint32_t layers = rec::get32(r, rec::layers);
  uint8_t version;
  uint32_t s[4], d[4];
  if (layers & rec::layer_bit(rec::LAYER_IPV4)) {
    version = 4;
    s[0] = s[1] = s[2] = d[0] = d[1] = d[2] = 0;
    s[3] = be32_at(r + rec::ipSrc);
    d[3] = be32_at(r + rec::ipDst);
  } else if (layers & rec::layer_bit(rec::LAYER_IPV6)) {
    version = 6;
    for (int i = 0; i < 4; i++) s[i] = be32_at(r + rec::ipSrc + 4 * i), d[i] = be32_at(r + rec::ipDst + 4 * i);
  } else {
    counters_.non_ip++;
    return nullptr;
  }
  const uint8_t proto = r[rec::ipProto];

  // Key ports, and for ICMP the message's own numbers.
  uint32_t sp = 0, dp = 0;
  bool one_way = false;
  int icmp_type = -1;
  uint8_t icmp_code = 0;
  uint16_t icmp_id = 0;
  const bool tcp = layers & rec::layer_bit(rec::LAYER_TCP);
  const bool udp = !tcp && (layers & rec::layer_bit(rec::LAYER_UDP));
  uint16_t tcp_flags = 0;
  if (tcp || udp) {
    sp = rec::get16(r, rec::sport);
    dp = rec::get16(r, rec::dport);
    if (tcp) tcp_flags = rec::get16(r, rec::tcpFlags);
  } else if ((proto == kProtoIcmp && (layers & rec::layer_bit(rec::LAYER_ICMP))) ||
             (proto == kProtoIcmpv6 && (layers & rec::layer_bit(rec::LAYER_ICMPV6)))) {
    icmp_type = r[rec::icmpType];
    icmp_code = r[rec::icmpCode];
    icmp_id = rec::get16(r, rec::icmpId);
    int other = icmp_counterpart(proto, static_cast<uint8_t>(icmp_type));
    if (other < 0) {
      one_way = true;
      sp = static_cast<uint32_t>(icmp_type) << 8 | icmp_code;
    } else {
      // Both directions share the key: the lower type of the pair and the echo id.
      sp = dp = static_cast<uint32_t>(std::min(icmp_type, other)) << 16 | icmp_id;
    }
  }

  const uint32_t hs = mix_words(s, sp);
  const uint32_t hash =
      ((proto + 1u) * 0x01000193u) ^ (uint32_t{version} << 9) ^ (one_way ? hs * 3 : hs + mix_words(d, dp));
  bool forward = true;
  int32_t i = find(hash, version, proto, s, d, sp, dp, forward);
  // ICMP between an address and itself: the direction is the message type.
  if (i >= 0 && icmp_type >= 0 && !one_way && same4(pool_[i].f.a, pool_[i].f.b))
    forward = icmp_type == pool_[i].f.icmp_type;

  if (i >= 0 && static_cast<int64_t>(now) - static_cast<int64_t>(pool_[i].f.first_ns) >=
                    static_cast<int64_t>(options_.active_ns)) {
    Flow& f = pool_[i].f;
    export_flow(f, kCloseActive);
    f.pkts_ab = f.bytes_ab = f.pkts_ba = f.bytes_ba = 0;
    f.flags_ab = f.flags_ba = 0;
    f.retrans_ab = f.retrans_ba = 0;
    f.first_ns = now;
    f.open = kOpenContinued;
  }

  if (i < 0) {
    if (count_ >= options_.max_flows) {
      counters_.evicted++;
      remove(oldest_, kCloseEvicted);
    }
    i = insert(hash);
    Flow& f = pool_[i].f;
    // A SYN-ACK seen first: the initiator is its destination.
    const bool flip = tcp && (tcp_flags & (kSyn | kAck)) == (kSyn | kAck);
    forward = !flip;
    f.version = version;
    f.proto = proto;
    f.one_way = one_way;
    std::memcpy(f.a, flip ? d : s, 16);
    std::memcpy(f.b, flip ? s : d, 16);
    f.a_port = flip ? dp : sp;
    f.b_port = flip ? sp : dp;
    f.sport = tcp || udp ? static_cast<uint16_t>(f.a_port) : 0;
    f.dport = tcp || udp ? static_cast<uint16_t>(f.b_port) : 0;
    f.icmp_type = static_cast<int16_t>(icmp_type);
    f.icmp_code = icmp_code;
    f.icmp_id = icmp_id;
    f.vlan = layers & rec::layer_bit(rec::LAYER_VLAN) ? rec::get16(r, rec::vlanTci0) & 0x0fff : -1;
    f.first_ns = now;
    f.open = !tcp ? kOpenPacket : (tcp_flags & (kSyn | kAck)) == kSyn ? kOpenSyn : kOpenMidstream;
    community_id(f);
  } else {
    unlink_lru(i);
  }
  push_newest(i);

  Flow& f = pool_[i].f;
  f.last_ns = now;
  const uint32_t len = rec::get32(r, rec::wireLen);
  if (forward) f.pkts_ab++, f.bytes_ab += len;
  else f.pkts_ba++, f.bytes_ba += len;
  if (tcp) {
    if (forward) f.flags_ab |= tcp_flags;
    else f.flags_ba |= tcp_flags;
    if (!forward && f.open == kOpenSyn && (tcp_flags & (kSyn | kAck)) == (kSyn | kAck)) f.open = kOpenHandshake;
    // Sequence space this segment covers: payload, plus one each for SYN and FIN.
    const uint32_t seg = rec::get32(r, rec::payloadLen) + ((tcp_flags & kSyn) ? 1 : 0) + ((tcp_flags & kFin) ? 1 : 0);
    if (seg > 0) {
      const uint32_t seq = rec::get32(r, rec::tcpSeq);
      const uint32_t end = seq + seg;
      bool& has = forward ? f.has_next_ab : f.has_next_ba;
      uint32_t& next = forward ? f.next_ab : f.next_ba;
      if (has && static_cast<int32_t>(seq - next) < 0) (forward ? f.retrans_ab : f.retrans_ba)++;
      if (!has || static_cast<int32_t>(end - next) > 0) next = end, has = true;
    }
    std::memcpy(last_cid_, f.cid, sizeof last_cid_);
    if (tcp_flags & kRst) {
      remove(i, kCloseRst);
      return last_cid_;
    }
    // Both sides sent FIN: the flow ends with the first packet after both that carries no FIN (the last ACK).
    if ((f.flags_ab & kFin) && (f.flags_ba & kFin) && !(tcp_flags & (kFin | kSyn))) {
      remove(i, kCloseFin);
      return last_cid_;
    }
    return last_cid_;
  }
  std::memcpy(last_cid_, f.cid, sizeof last_cid_);
  return last_cid_;
}

}  // namespace pktkit::exporter
