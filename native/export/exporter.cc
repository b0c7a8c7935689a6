#include "exporter.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../record.h"
#include "flow_table.h"

namespace pktkit {

namespace {

using exporter::Flow;
using exporter::FlowTable;

// ---- The ended-flow layout JS reads (lib/flow/table.ts decodes it by these names) ----
//          name           offset  type
#define FLOW_LAYOUT(X)                                                 \
  X(firstNs, 0)        /* u64 */                                       \
  X(lastNs, 8)         /* u64 */                                       \
  X(packetsToDst, 16)  /* u64 */                                       \
  X(bytesToDst, 24)    /* u64 */                                       \
  X(packetsToSrc, 32)  /* u64 */                                       \
  X(bytesToSrc, 40)    /* u64 */                                       \
  X(src, 48)           /* 16 bytes, IPv4-mapped for IPv4 */            \
  X(dst, 64)           /* 16 bytes */                                  \
  X(retransToDst, 80)  /* u32 */                                       \
  X(retransToSrc, 84)  /* u32 */                                       \
  X(sport, 88)         /* u16 */                                       \
  X(dport, 90)         /* u16 */                                       \
  X(tcpFlagsToDst, 92) /* u16 */                                       \
  X(tcpFlagsToSrc, 94) /* u16 */                                       \
  X(icmpId, 96)        /* u16 */                                       \
  X(vlan, 98)          /* u16, 0xffff untagged */                      \
  X(ipVersion, 100)    /* u8 */                                        \
  X(proto, 101)        /* u8 */                                        \
  X(icmpType, 102)     /* u8 */                                        \
  X(icmpCode, 103)     /* u8 */                                        \
  X(open, 104)         /* u8: Open */                                  \
  X(close, 105)        /* u8: Close */                                 \
  X(isIcmp, 106)       /* u8: 1 when icmpType/icmpCode/icmpId apply */ \
  X(communityId, 108)  /* 28 base64 characters */
constexpr uint32_t kFlowOutSize = 136;
#define X(name, off) constexpr uint32_t k_##name = off;
FLOW_LAYOUT(X)
#undef X
static_assert(k_communityId + 28 <= kFlowOutSize, "the Community ID lies outside the flow layout");

inline void le16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline void le32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void le64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
inline void be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24), p[1] = static_cast<uint8_t>(v >> 16), p[2] = static_cast<uint8_t>(v >> 8),
  p[3] = static_cast<uint8_t>(v);
}

// 16 address bytes from words; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).
inline void address16(uint8_t* p, uint8_t version, const uint32_t* w) {
  be32(p, w[0]);
  be32(p + 4, w[1]);
  be32(p + 8, version == 4 ? 0xffffu : w[2]);
  be32(p + 12, w[3]);
}

void write_flow_out(uint8_t* p, const Flow& f) {
  std::memset(p, 0, kFlowOutSize);
  le64(p + k_firstNs, f.first_ns);
  le64(p + k_lastNs, f.last_ns);
  le64(p + k_packetsToDst, f.pkts_ab);
  le64(p + k_bytesToDst, f.bytes_ab);
  le64(p + k_packetsToSrc, f.pkts_ba);
  le64(p + k_bytesToSrc, f.bytes_ba);
  address16(p + k_src, f.version, f.a);
  address16(p + k_dst, f.version, f.b);
  le32(p + k_retransToDst, f.retrans_ab);
  le32(p + k_retransToSrc, f.retrans_ba);
  le16(p + k_sport, f.sport);
  le16(p + k_dport, f.dport);
  le16(p + k_tcpFlagsToDst, f.flags_ab);
  le16(p + k_tcpFlagsToSrc, f.flags_ba);
  le16(p + k_icmpId, f.icmp_id);
  le16(p + k_vlan, f.vlan < 0 ? 0xffff : static_cast<uint16_t>(f.vlan));
  p[k_ipVersion] = f.version;
  p[k_proto] = f.proto;
  p[k_icmpType] = f.icmp_type < 0 ? 0 : static_cast<uint8_t>(f.icmp_type);
  p[k_icmpCode] = f.icmp_code;
  p[k_open] = f.open;
  p[k_close] = f.close;
  p[k_isIcmp] = f.icmp_type >= 0 ? 1 : 0;
  std::memcpy(p + k_communityId, f.cid, 28);
}

// ---- RowBinary ----

// One batch being filled: little-endian integers, FixedString as bytes, String as LEB128 length + bytes.
// Plain malloc'd memory: it grows without being zeroed first (realloc moves large blocks by remapping),
// and a full batch is handed to JS as it is, without a copy.
struct RowBuffer {
  uint8_t* data = nullptr;
  size_t cap = 0;
  size_t len = 0;
  uint32_t rows = 0;
  uint64_t id = 0;
  RowBuffer() = default;
  RowBuffer(const RowBuffer&) = delete;
  RowBuffer& operator=(const RowBuffer&) = delete;
  ~RowBuffer() { std::free(data); }
  // Room for n more bytes, or nullptr when memory ran out.
  uint8_t* room(size_t n) {
    if (len + n > cap) {
      size_t c = std::max(cap * 2, len + n + (size_t{1} << 16));
      void* p = std::realloc(data, c);
      if (p == nullptr) return nullptr;
      data = static_cast<uint8_t*>(p);
      cap = c;
    }
    return data + len;
  }
};

// A string's RowBinary bytes (LEB128 length, then the bytes), made once.
std::string rowbinary_string(const std::string& s) {
  std::string out;
  size_t n = s.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  return out + s;
}

enum class Col : uint8_t {
  // both tables
  Sensor,
  BatchId,
  Src,
  Dst,
  Proto,
  IpVersion,
  Sport,
  Dport,
  IcmpType,
  IcmpCode,
  Vlan,
  CommunityId,
  // packets
  Ts,
  TsNs,
  Interface,
  WireLen,
  CapLen,
  EthType,
  Ttl,
  TcpFlags,
  TcpSeq,
  TcpAck,
  TcpWindow,
  PayloadLen,
  // flows
  FirstTs,
  FirstNs,
  LastNs,
  IcmpId,
  PacketsToDst,
  BytesToDst,
  PacketsToSrc,
  BytesToSrc,
  TcpFlagsToDst,
  TcpFlagsToSrc,
  RetransToDst,
  RetransToSrc,
  Open,
  Close,
};

struct ColumnDef {
  const char* name;
  const char* type;
  Col col;
};

const ColumnDef kPacketColumns[] = {
    {"sensor", "String", Col::Sensor},
    {"batch_id", "UInt64", Col::BatchId},
    {"ts", "DateTime", Col::Ts},
    {"ts_ns", "UInt64", Col::TsNs},
    {"interface", "String", Col::Interface},
    {"wire_len", "UInt32", Col::WireLen},
    {"cap_len", "UInt32", Col::CapLen},
    {"eth_type", "UInt16", Col::EthType},
    {"vlan", "UInt16", Col::Vlan},
    {"ip_version", "UInt8", Col::IpVersion},
    {"src", "FixedString(16)", Col::Src},
    {"dst", "FixedString(16)", Col::Dst},
    {"proto", "UInt8", Col::Proto},
    {"ttl", "UInt8", Col::Ttl},
    {"sport", "UInt16", Col::Sport},
    {"dport", "UInt16", Col::Dport},
    {"tcp_flags", "UInt16", Col::TcpFlags},
    {"tcp_seq", "UInt32", Col::TcpSeq},
    {"tcp_ack", "UInt32", Col::TcpAck},
    {"tcp_window", "UInt16", Col::TcpWindow},
    {"icmp_type", "UInt8", Col::IcmpType},
    {"icmp_code", "UInt8", Col::IcmpCode},
    {"payload_len", "UInt32", Col::PayloadLen},
    {"community_id", "String", Col::CommunityId},
};

const ColumnDef kFlowColumns[] = {
    {"sensor", "String", Col::Sensor},
    {"batch_id", "UInt64", Col::BatchId},
    {"first_ts", "DateTime", Col::FirstTs},
    {"first_ns", "UInt64", Col::FirstNs},
    {"last_ns", "UInt64", Col::LastNs},
    {"ip_version", "UInt8", Col::IpVersion},
    {"proto", "UInt8", Col::Proto},
    {"src", "FixedString(16)", Col::Src},
    {"dst", "FixedString(16)", Col::Dst},
    {"sport", "UInt16", Col::Sport},
    {"dport", "UInt16", Col::Dport},
    {"icmp_type", "UInt8", Col::IcmpType},
    {"icmp_code", "UInt8", Col::IcmpCode},
    {"icmp_id", "UInt16", Col::IcmpId},
    {"vlan", "UInt16", Col::Vlan},
    {"packets_to_dst", "UInt64", Col::PacketsToDst},
    {"bytes_to_dst", "UInt64", Col::BytesToDst},
    {"packets_to_src", "UInt64", Col::PacketsToSrc},
    {"bytes_to_src", "UInt64", Col::BytesToSrc},
    {"tcp_flags_to_dst", "UInt16", Col::TcpFlagsToDst},
    {"tcp_flags_to_src", "UInt16", Col::TcpFlagsToSrc},
    {"retrans_to_dst", "UInt32", Col::RetransToDst},
    {"retrans_to_src", "UInt32", Col::RetransToSrc},
    {"open", "String", Col::Open},
    {"close", "String", Col::Close},
    {"community_id", "String", Col::CommunityId},
};

const char* const kOpenNames[] = {"handshake", "syn", "midstream", "packet", "continued"};
const char* const kCloseNames[] = {"fin", "rst", "idle-timeout", "active-timeout", "evicted", "end"};

// The schema's [name, type] pairs, checked against what this encoder can write.
template <size_t N>
std::vector<Col> columns_from(Napi::Env env, Napi::Value v, const ColumnDef (&known)[N], const char* table) {
  std::vector<Col> out;
  Napi::Array list = v.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Array pair = list.Get(i).As<Napi::Array>();
    std::string name = pair.Get(0u).As<Napi::String>().Utf8Value();
    std::string type = pair.Get(1u).As<Napi::String>().Utf8Value();
    const ColumnDef* def = nullptr;
    for (const ColumnDef& d : known)
      if (name == d.name) def = &d;
    if (def == nullptr)
      throw Napi::TypeError::New(env, std::string("the native encoder has no column ") + name + " for " + table);
    if (type != def->type)
      throw Napi::TypeError::New(env, std::string("column ") + table + "." + name + " is " + type +
                                          " in the schema but the native encoder writes " + def->type);
    out.push_back(def->col);
  }
  return out;
}

inline uint64_t ns_of(uint32_t sec, uint32_t nsec) { return uint64_t{sec} * 1000000000u + nsec; }

class NativeExporter : public Napi::ObjectWrap<NativeExporter> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeExporter",
                       {
                           InstanceMethod("add", &NativeExporter::add),
                           InstanceMethod("addOne", &NativeExporter::add_one),
                           InstanceMethod("expire", &NativeExporter::expire),
                           InstanceMethod("flush", &NativeExporter::flush),
                           InstanceMethod("drain", &NativeExporter::drain),
                           InstanceMethod("rows", &NativeExporter::rows),
                           InstanceMethod("take", &NativeExporter::take),
                           InstanceMethod("takeEnded", &NativeExporter::take_ended),
                           InstanceMethod("stats", &NativeExporter::stats),
                       });
  }

  // new NativeExporter({ flows, idleNs, activeNs, maxFlows, seed, packetColumns?, flowColumns?, sensor, iface,
  // batchBase, batchRows }) lib/ validated every value.
  explicit NativeExporter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeExporter>(info) {
    Napi::Env env = info.Env();
    Napi::Object o = info[0].As<Napi::Object>();
    if (o.Get("flows").ToBoolean()) {
      exporter::FlowOptions fo;
      fo.idle_ns = static_cast<uint64_t>(o.Get("idleNs").As<Napi::Number>().Int64Value());
      fo.active_ns = static_cast<uint64_t>(o.Get("activeNs").As<Napi::Number>().Int64Value());
      fo.max_flows = o.Get("maxFlows").As<Napi::Number>().Uint32Value();
      fo.seed = static_cast<uint16_t>(o.Get("seed").As<Napi::Number>().Uint32Value());
      table_ = std::make_unique<FlowTable>(fo);
    }
    if (o.Has("packetColumns") && !o.Get("packetColumns").IsUndefined()) {
      packet_cols_ = columns_from(env, o.Get("packetColumns"), kPacketColumns, "packets");
      packets_on_ = true;
    }
    if (o.Has("flowColumns") && !o.Get("flowColumns").IsUndefined()) {
      flow_cols_ = columns_from(env, o.Get("flowColumns"), kFlowColumns, "flows");
      flow_rows_on_ = true;
    }
    if (packets_on_ || flow_rows_on_) {
      sensor_ = rowbinary_string(o.Get("sensor").As<Napi::String>().Utf8Value());
      iface_ = rowbinary_string(o.Get("iface").As<Napi::String>().Utf8Value());
      bool lossless = false;
      batch_base_ = o.Get("batchBase").As<Napi::BigInt>().Uint64Value(&lossless);
      batch_rows_ = o.Get("batchRows").As<Napi::Number>().Uint32Value();
      // Upper bound of one row: the fixed columns are at most 16 bytes each, the strings are known.
      packet_row_max_ = packet_cols_.size() * 16 + sensor_.size() + iface_.size() + 32;
      flow_row_max_ = flow_cols_.size() * 16 + sensor_.size() + 3 * 32;
    }
  }

 private:
  // add(records: ArrayBuffer, byteOffset, count): accounts records [byteOffset, + count * RECORD_SIZE),
  // writing rows; stops early when a batch is full. Returns how many records it took.
  Napi::Value add(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const uint8_t* base = records(info);
    uint32_t count = info[2].As<Napi::Number>().Uint32Value();
    check_range(info, count);
    uint32_t done = 0;
    for (; done < count && !out_of_memory_; done++) {
      if (full()) break;
      const uint8_t* r = base + size_t{done} * rec::RECORD_SIZE;
      const char* cid = table_ ? table_->add(r) : nullptr;
      if (packets_on_) write_packet(r, cid);
      if (flow_rows_on_) encode_ended();
    }
    check_memory(env);
    return Napi::Number::New(env, done);
  }

  // addOne(records, byteOffset): one record through the flow table; its Community ID, or undefined.
  Napi::Value add_one(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const uint8_t* r = records(info);
    check_range(info, 1);
    const char* cid = table_ ? table_->add(r) : nullptr;
    if (cid == nullptr) return env.Undefined();
    char text[30] = {'1', ':'};
    std::memcpy(text + 2, cid, 28);
    return Napi::String::New(env, text, 30);
  }

  // expire(nowSeconds): exports flows idle since before now - idleTimeout. Returns the ended flows waiting.
  Napi::Value expire(const Napi::CallbackInfo& info) {
    double now = info[0].As<Napi::Number>().DoubleValue();
    if (table_ && now > 0) table_->expire(static_cast<uint64_t>(now * 1e9));
    return drain(info);
  }

  Napi::Value flush(const Napi::CallbackInfo& info) {
    if (table_) table_->flush();
    return drain(info);
  }

  // Writes waiting ended flows as rows while the batch has room; returns how many still wait.
  Napi::Value drain(const Napi::CallbackInfo& info) {
    if (flow_rows_on_) encode_ended();
    check_memory(info.Env());
    return Napi::Number::New(info.Env(), table_ ? static_cast<double>(table_->ended().size()) : 0);
  }

  // rows(table): rows in the batch being filled (0 packets, 1 flows).
  Napi::Value rows(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), info[0].As<Napi::Number>().Uint32Value() == 0 ? packets_.rows : flows_.rows);
  }

  // take(table): [Buffer, rows, batchId] of the batch being filled, which starts anew; undefined when empty.
  Napi::Value take(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RowBuffer& b = info[0].As<Napi::Number>().Uint32Value() == 0 ? packets_ : flows_;
    if (b.rows == 0) return env.Undefined();
    Napi::Array out = Napi::Array::New(env, 3);
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
    out.Set(0u, Napi::Buffer<uint8_t>::Copy(env, b.data, b.len));
#else
    // The batch's memory becomes the Buffer's; the next batch gets a block of the same size
    // (untouched, so it costs pages only as rows fill it).
    const size_t cap = b.cap;
    Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(cap));
    out.Set(0u, Napi::Buffer<uint8_t>::New(env, b.data, b.len, [cap](Napi::Env e, uint8_t* d) {
              std::free(d);
              Napi::MemoryManagement::AdjustExternalMemory(e, -static_cast<int64_t>(cap));
            }));
    b.data = static_cast<uint8_t*>(std::malloc(cap));
    b.cap = b.data == nullptr ? 0 : cap;
#endif
    out.Set(1u, Napi::Number::New(env, b.rows));
    out.Set(2u, Napi::BigInt::New(env, b.id));
    b.len = 0;
    b.rows = 0;
    return out;
  }

  // takeEnded(): the ended flows in the flow layout (flowLayout.size bytes each), oldest first; undefined when none.
  Napi::Value take_ended(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!table_ || table_->ended().empty()) return env.Undefined();
    auto& ended = table_->ended();
    Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, ended.size() * kFlowOutSize);
    uint8_t* p = static_cast<uint8_t*>(ab.Data());
    for (size_t i = 0; i < ended.size(); i++) write_flow_out(p + i * kFlowOutSize, ended[i]);
    ended.clear();
    return ab;
  }

  Napi::Value stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    const exporter::FlowCounters c = table_ ? table_->counters() : exporter::FlowCounters{};
    o.Set("packets", Napi::Number::New(env, static_cast<double>(c.packets)));
    o.Set("nonIp", Napi::Number::New(env, static_cast<double>(c.non_ip)));
    o.Set("active", Napi::Number::New(env, table_ ? table_->active() : 0));
    o.Set("exported", Napi::Number::New(env, static_cast<double>(c.exported)));
    o.Set("evicted", Napi::Number::New(env, static_cast<double>(c.evicted)));
    return o;
  }

  const uint8_t* records(const Napi::CallbackInfo& info) {
    Napi::ArrayBuffer ab = info[0].As<Napi::ArrayBuffer>();
    records_len_ = ab.ByteLength();
    offset_ = info[1].As<Napi::Number>().Uint32Value();
    return static_cast<const uint8_t*>(ab.Data()) + offset_;
  }

  void check_range(const Napi::CallbackInfo& info, uint32_t count) {
    if (offset_ > records_len_ || size_t{count} * rec::RECORD_SIZE > records_len_ - offset_)
      throw Napi::RangeError::New(info.Env(), "records out of the buffer's bounds");
  }

  // A batch that could not grow is a typed error, once; the rows written so far stay.
  void check_memory(Napi::Env env) {
    if (!out_of_memory_) return;
    out_of_memory_ = false;
    throw Napi::Error::New(env, "out of memory for a batch of rows (batchRows is too large for this machine)");
  }

  bool full() const {
    return (packets_on_ && packets_.rows >= batch_rows_) ||
           (flow_rows_on_ && (flows_.rows >= batch_rows_ || (table_ && !table_->ended().empty())));
  }

  void start_row(RowBuffer& b) {
    if (b.rows == 0) b.id = batch_base_ | (seq_++ & 0xfffff);
    b.rows++;
  }

  void encode_ended() {
    if (!table_) return;
    auto& ended = table_->ended();
    size_t i = 0;
    while (i < ended.size() && flows_.rows < batch_rows_ && write_flow(ended[i])) i++;
    if (i == ended.size()) ended.clear();
    else if (i > 0) ended.erase(ended.begin(), ended.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void write_packet(const uint8_t* r, const char* cid) {
    uint8_t* p = packets_.room(packet_row_max_);
    if (p == nullptr) {
      out_of_memory_ = true;
      return;
    }
    start_row(packets_);
    uint8_t* const start = p;
    const uint32_t layers = rec::get32(r, rec::layers);
    const bool v4 = layers & rec::layer_bit(rec::LAYER_IPV4);
    const bool v6 = !v4 && (layers & rec::layer_bit(rec::LAYER_IPV6));
    const bool tcp = layers & rec::layer_bit(rec::LAYER_TCP);
    const bool ports = tcp || (layers & rec::layer_bit(rec::LAYER_UDP));
    const bool icmp = layers & (rec::layer_bit(rec::LAYER_ICMP) | rec::layer_bit(rec::LAYER_ICMPV6));
    for (Col c : packet_cols_) {
      switch (c) {
        case Col::Sensor: std::memcpy(p, sensor_.data(), sensor_.size()), p += sensor_.size(); break;
        case Col::BatchId: le64(p, packets_.id), p += 8; break;
        case Col::Ts: std::memcpy(p, r + rec::tsSec, 4), p += 4; break;
        case Col::TsNs: le64(p, ns_of(rec::get32(r, rec::tsSec), rec::get32(r, rec::tsNsec))), p += 8; break;
        case Col::Interface: std::memcpy(p, iface_.data(), iface_.size()), p += iface_.size(); break;
        case Col::WireLen: std::memcpy(p, r + rec::wireLen, 4), p += 4; break;
        case Col::CapLen: std::memcpy(p, r + rec::capLen, 4), p += 4; break;
        case Col::EthType: std::memcpy(p, r + rec::etherType, 2), p += 2; break;
        case Col::Vlan:
          le16(p, layers & rec::layer_bit(rec::LAYER_VLAN) ? rec::get16(r, rec::vlanTci0) & 0x0fff : 0), p += 2;
          break;
        case Col::IpVersion: *p++ = v4 ? 4 : v6 ? 6 : 0; break;
        case Col::Src:
        case Col::Dst: {
          const uint8_t* a = r + (c == Col::Src ? rec::ipSrc : rec::ipDst);
          if (v4) {
            std::memset(p, 0, 10), p[10] = p[11] = 0xff, std::memcpy(p + 12, a, 4);
          } else if (v6) {
            std::memcpy(p, a, 16);
          } else {
            std::memset(p, 0, 16);
          }
          p += 16;
          break;
        }
        case Col::Proto: *p++ = v4 || v6 ? r[rec::ipProto] : 0; break;
        case Col::Ttl: *p++ = v4 || v6 ? r[rec::ipTtl] : 0; break;
        case Col::Sport: le16(p, ports ? rec::get16(r, rec::sport) : 0), p += 2; break;
        case Col::Dport: le16(p, ports ? rec::get16(r, rec::dport) : 0), p += 2; break;
        case Col::TcpFlags: le16(p, tcp ? rec::get16(r, rec::tcpFlags) : 0), p += 2; break;
        case Col::TcpSeq: le32(p, tcp ? rec::get32(r, rec::tcpSeq) : 0), p += 4; break;
        case Col::TcpAck: le32(p, tcp ? rec::get32(r, rec::tcpAck) : 0), p += 4; break;
        case Col::TcpWindow: le16(p, tcp ? rec::get16(r, rec::tcpWindow) : 0), p += 2; break;
        case Col::IcmpType: *p++ = icmp ? r[rec::icmpType] : 0; break;
        case Col::IcmpCode: *p++ = icmp ? r[rec::icmpCode] : 0; break;
        case Col::PayloadLen: std::memcpy(p, r + rec::payloadLen, 4), p += 4; break;
        case Col::CommunityId:
          if (cid != nullptr) *p++ = 30, *p++ = '1', *p++ = ':', std::memcpy(p, cid, 28), p += 28;
          else *p++ = 0;
          break;
        default: break;  // flow-only columns are refused at construction
      }
    }
    packets_.len += static_cast<size_t>(p - start);
  }

  bool write_flow(const Flow& f) {
    uint8_t* p = flows_.room(flow_row_max_);
    if (p == nullptr) {
      out_of_memory_ = true;
      return false;
    }
    start_row(flows_);
    uint8_t* const start = p;
    const bool icmp = f.icmp_type >= 0;
    for (Col c : flow_cols_) {
      switch (c) {
        case Col::Sensor: std::memcpy(p, sensor_.data(), sensor_.size()), p += sensor_.size(); break;
        case Col::BatchId: le64(p, flows_.id), p += 8; break;
        case Col::FirstTs: le32(p, static_cast<uint32_t>(f.first_ns / 1000000000u)), p += 4; break;
        case Col::FirstNs: le64(p, f.first_ns), p += 8; break;
        case Col::LastNs: le64(p, f.last_ns), p += 8; break;
        case Col::IpVersion: *p++ = f.version; break;
        case Col::Proto: *p++ = f.proto; break;
        case Col::Src: address16(p, f.version, f.a), p += 16; break;
        case Col::Dst: address16(p, f.version, f.b), p += 16; break;
        case Col::Sport: le16(p, f.sport), p += 2; break;
        case Col::Dport: le16(p, f.dport), p += 2; break;
        case Col::IcmpType: *p++ = icmp ? static_cast<uint8_t>(f.icmp_type) : 0; break;
        case Col::IcmpCode: *p++ = icmp ? f.icmp_code : 0; break;
        case Col::IcmpId: le16(p, icmp ? f.icmp_id : 0), p += 2; break;
        case Col::Vlan: le16(p, f.vlan < 0 ? 0 : static_cast<uint16_t>(f.vlan)), p += 2; break;
        case Col::PacketsToDst: le64(p, f.pkts_ab), p += 8; break;
        case Col::BytesToDst: le64(p, f.bytes_ab), p += 8; break;
        case Col::PacketsToSrc: le64(p, f.pkts_ba), p += 8; break;
        case Col::BytesToSrc: le64(p, f.bytes_ba), p += 8; break;
        case Col::TcpFlagsToDst: le16(p, f.flags_ab), p += 2; break;
        case Col::TcpFlagsToSrc: le16(p, f.flags_ba), p += 2; break;
        case Col::RetransToDst: le32(p, f.retrans_ab), p += 4; break;
        case Col::RetransToSrc: le32(p, f.retrans_ba), p += 4; break;
        case Col::Open:
        case Col::Close: {
          const char* s = c == Col::Open ? kOpenNames[f.open] : kCloseNames[f.close];
          size_t n = std::strlen(s);
          *p++ = static_cast<uint8_t>(n), std::memcpy(p, s, n), p += n;
          break;
        }
        case Col::CommunityId: *p++ = 30, *p++ = '1', *p++ = ':', std::memcpy(p, f.cid, 28), p += 28; break;
        default: break;  // packet-only columns are refused at construction
      }
    }
    flows_.len += static_cast<size_t>(p - start);
    return true;
  }

  std::unique_ptr<FlowTable> table_;
  std::vector<Col> packet_cols_, flow_cols_;
  bool packets_on_ = false, flow_rows_on_ = false;
  std::string sensor_, iface_;
  uint64_t batch_base_ = 0, seq_ = 0;
  uint32_t batch_rows_ = 0;
  size_t packet_row_max_ = 0, flow_row_max_ = 0;
  RowBuffer packets_, flows_;
  bool out_of_memory_ = false;
  size_t records_len_ = 0;
  uint32_t offset_ = 0;
};

}  // namespace

void init_exporter(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeExporter", NativeExporter::define(env));
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("size", Napi::Number::New(env, kFlowOutSize));
#define X(name, off) layout.Set(#name, Napi::Number::New(env, off));
  FLOW_LAYOUT(X)
#undef X
  exports.Set("flowLayout", layout);
}

}  // namespace pktkit
