#include "exporter.h"

#include <algorithm>
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

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ClickHouse's formats are little-endian, as this host");
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

// ---- Native blocks ----
//
// A batch is staged column by column as records come (each column's values
// contiguous, in arrival order) and encoded when it is taken, as one block of
// ClickHouse's Native format, the columnar format clickhouse-client itself
// sends: varUInt number of columns, varUInt number of rows, then per column
// its name and type (Strings: varUInt length + bytes) and its values (numbers
// little-endian, FixedString(N) N bytes each, String each as varUInt length +
// bytes). As an INSERT's input format there is no block info and no
// serialization-kind byte, on 18.16 as on current releases. The rows go out
// in the order of the table's sorting key, so that the server finds the block
// already sorted and skips its own sort and permutation of every column.

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

// How a column's values are staged and written.
enum class Kind : uint8_t {
  Number,       // `width` bytes little-endian, staged as they go out
  Fixed16,      // FixedString(16), staged as they go out
  Sensor,       // String, the same in every row: not staged
  Interface,    // String, the same in every row: not staged
  BatchId,      // UInt64, the batch's id in every row: not staged
  CommunityId,  // String "1:" + 28 characters or '': staged as the 28 characters, first byte 0 for ''
  OpenName,     // String, one of kOpenNames: staged as its index
  CloseName,    // String, one of kCloseNames: staged as its index
};

struct ColumnDef {
  const char* name;
  const char* type;
  Col col;
  Kind kind;
  uint8_t width;  // staged bytes per row (0: not staged)
};

constexpr Kind kNum = Kind::Number;

const ColumnDef kPacketColumns[] = {
    {"sensor", "String", Col::Sensor, Kind::Sensor, 0},
    {"batch_id", "UInt64", Col::BatchId, Kind::BatchId, 0},
    {"ts", "DateTime", Col::Ts, kNum, 4},
    {"ts_ns", "UInt64", Col::TsNs, kNum, 8},
    {"interface", "String", Col::Interface, Kind::Interface, 0},
    {"wire_len", "UInt32", Col::WireLen, kNum, 4},
    {"cap_len", "UInt32", Col::CapLen, kNum, 4},
    {"eth_type", "UInt16", Col::EthType, kNum, 2},
    {"vlan", "UInt16", Col::Vlan, kNum, 2},
    {"ip_version", "UInt8", Col::IpVersion, kNum, 1},
    {"src", "FixedString(16)", Col::Src, Kind::Fixed16, 16},
    {"dst", "FixedString(16)", Col::Dst, Kind::Fixed16, 16},
    {"proto", "UInt8", Col::Proto, kNum, 1},
    {"ttl", "UInt8", Col::Ttl, kNum, 1},
    {"sport", "UInt16", Col::Sport, kNum, 2},
    {"dport", "UInt16", Col::Dport, kNum, 2},
    {"tcp_flags", "UInt16", Col::TcpFlags, kNum, 2},
    {"tcp_seq", "UInt32", Col::TcpSeq, kNum, 4},
    {"tcp_ack", "UInt32", Col::TcpAck, kNum, 4},
    {"tcp_window", "UInt16", Col::TcpWindow, kNum, 2},
    {"icmp_type", "UInt8", Col::IcmpType, kNum, 1},
    {"icmp_code", "UInt8", Col::IcmpCode, kNum, 1},
    {"payload_len", "UInt32", Col::PayloadLen, kNum, 4},
    {"community_id", "String", Col::CommunityId, Kind::CommunityId, 28},
};

const ColumnDef kFlowColumns[] = {
    {"sensor", "String", Col::Sensor, Kind::Sensor, 0},
    {"batch_id", "UInt64", Col::BatchId, Kind::BatchId, 0},
    {"first_ts", "DateTime", Col::FirstTs, kNum, 4},
    {"first_ns", "UInt64", Col::FirstNs, kNum, 8},
    {"last_ns", "UInt64", Col::LastNs, kNum, 8},
    {"ip_version", "UInt8", Col::IpVersion, kNum, 1},
    {"proto", "UInt8", Col::Proto, kNum, 1},
    {"src", "FixedString(16)", Col::Src, Kind::Fixed16, 16},
    {"dst", "FixedString(16)", Col::Dst, Kind::Fixed16, 16},
    {"sport", "UInt16", Col::Sport, kNum, 2},
    {"dport", "UInt16", Col::Dport, kNum, 2},
    {"icmp_type", "UInt8", Col::IcmpType, kNum, 1},
    {"icmp_code", "UInt8", Col::IcmpCode, kNum, 1},
    {"icmp_id", "UInt16", Col::IcmpId, kNum, 2},
    {"vlan", "UInt16", Col::Vlan, kNum, 2},
    {"packets_to_dst", "UInt64", Col::PacketsToDst, kNum, 8},
    {"bytes_to_dst", "UInt64", Col::BytesToDst, kNum, 8},
    {"packets_to_src", "UInt64", Col::PacketsToSrc, kNum, 8},
    {"bytes_to_src", "UInt64", Col::BytesToSrc, kNum, 8},
    {"tcp_flags_to_dst", "UInt16", Col::TcpFlagsToDst, kNum, 2},
    {"tcp_flags_to_src", "UInt16", Col::TcpFlagsToSrc, kNum, 2},
    {"retrans_to_dst", "UInt32", Col::RetransToDst, kNum, 4},
    {"retrans_to_src", "UInt32", Col::RetransToSrc, kNum, 4},
    {"open", "String", Col::Open, Kind::OpenName, 1},
    {"close", "String", Col::Close, Kind::CloseName, 1},
    {"community_id", "String", Col::CommunityId, Kind::CommunityId, 28},
};

const char* const kOpenNames[] = {"handshake", "syn", "midstream", "packet", "continued"};
const char* const kCloseNames[] = {"fin", "rst", "idle-timeout", "active-timeout", "evicted", "end"};

inline size_t varuint_size(uint64_t n) {
  size_t k = 1;
  while (n >= 0x80) n >>= 7, k++;
  return k;
}

inline uint8_t* put_varuint(uint8_t* p, uint64_t n) {
  while (n >= 0x80) *p++ = static_cast<uint8_t>((n & 0x7f) | 0x80), n >>= 7;
  *p++ = static_cast<uint8_t>(n);
  return p;
}

// A String's bytes in Native (and RowBinary): varUInt length, then the bytes.
std::string native_string(const std::string& s) {
  std::string out(varuint_size(s.size()), '\0');
  put_varuint(reinterpret_cast<uint8_t*>(out.data()), s.size());
  return out + s;
}

// One table's batch being filled: the staged values of each column, `capacity` rows at most.
struct Stage {
  struct Column {
    const ColumnDef* def;
    uint8_t* data;  // capacity * def->width bytes (nullptr when not staged)
  };
  std::vector<Column> cols;  // table order
  std::vector<size_t> key;   // indexes into cols: the table's sorting key, in order
  size_t key_width = 0;      // bytes of one row's sort key
  uint8_t* mem = nullptr;    // every staged column's values, one block
  uint32_t capacity = 0;
  uint32_t rows = 0;
  uint64_t id = 0;
  size_t var_bytes = 0;  // Native bytes of the staged String values (community_id, open, close) so far

  Stage() = default;
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;
  ~Stage() { std::free(mem); }

  uint8_t* at(size_t c) const { return cols[c].data + size_t{rows} * cols[c].def->width; }
};

// The schema's [name, type] pairs and sorting key, checked against what this encoder writes.
template <size_t M>
void columns_from(Napi::Env env, Napi::Value v, Napi::Value key, const ColumnDef (&known)[M], const char* table,
                  Stage& stage) {
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
    stage.cols.push_back({def, nullptr});
  }
  Napi::Array names = key.IsArray() ? key.As<Napi::Array>() : Napi::Array::New(env, 0);
  for (uint32_t i = 0; i < names.Length(); i++) {
    std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    size_t c = 0;
    while (c < stage.cols.size() && name != stage.cols[c].def->name) c++;
    if (c == stage.cols.size() || (stage.cols[c].def->kind != Kind::Number && stage.cols[c].def->kind != Kind::Fixed16))
      throw Napi::TypeError::New(env, std::string("the native encoder sorts ") + table +
                                          " by columns of numbers or FixedString it has, not by " + name);
    stage.key.push_back(c);
    stage.key_width += stage.cols[c].def->width;
  }
}

// Memory for `capacity` rows of every staged column. Untouched pages cost nothing until rows fill them.
bool allocate(Stage& s, uint32_t capacity) {
  size_t row = 0;
  for (const Stage::Column& c : s.cols) row += c.def->width;
  s.mem = static_cast<uint8_t*>(std::malloc(std::max<size_t>(row * capacity, 1)));
  if (s.mem == nullptr) return false;
  s.capacity = capacity;
  uint8_t* p = s.mem;
  for (Stage::Column& c : s.cols) {
    c.data = c.def->width != 0 ? p : nullptr;
    p += size_t{c.def->width} * capacity;
  }
  return true;
}

// The row order of the table's sorting key, as ClickHouse compares (numbers as numbers, FixedString
// as unsigned bytes), ties in arrival order as its stable sort leaves them. Returns false (perm
// untouched) when the rows already are in that order, which a capture's time order often gives.
//
// Each row's key is its key columns' bytes, numbers big-endian, so that the bytes compare in
// ClickHouse's order; zero-padded to whole words and held as native 64-bit words (the first byte
// most significant), compared word by word.
bool sort_rows(const Stage& s, std::vector<uint64_t>& keys, std::vector<uint32_t>& perm) {
  const uint32_t n = s.rows;
  const size_t words = (s.key_width + 7) / 8;
  if (words == 0 || n < 2) return false;
  keys.assign(size_t{n} * words, 0);
  uint8_t* const kb = reinterpret_cast<uint8_t*>(keys.data());
  const size_t stride = words * 8;
  size_t off = 0;
  for (size_t k : s.key) {
    const Stage::Column& c = s.cols[k];
    const size_t w = c.def->width;
    const uint8_t* v = c.data;
    uint8_t* out = kb + off;
    if (c.def->kind == Kind::Fixed16)
      for (uint32_t i = 0; i < n; i++, v += w, out += stride) std::memcpy(out, v, w);
    else
      for (uint32_t i = 0; i < n; i++, v += w, out += stride)
        for (size_t b = 0; b < w; b++) out[b] = v[w - 1 - b];
    off += w;
  }
  for (uint64_t& word : keys) word = __builtin_bswap64(word);  // big-endian bytes -> comparable words
  const uint64_t* kd = keys.data();
  const auto less = [kd, words](uint32_t a, uint32_t b) {
    const uint64_t* x = kd + size_t{a} * words;
    const uint64_t* y = kd + size_t{b} * words;
    for (size_t j = 0; j < words; j++)
      if (x[j] != y[j]) return x[j] < y[j];
    return false;
  };
  bool sorted = true;
  for (uint32_t i = 1; i < n && sorted; i++) sorted = !less(i, i - 1);
  if (sorted) return false;
  perm.resize(n);
  for (uint32_t i = 0; i < n; i++) perm[i] = i;
  std::stable_sort(perm.begin(), perm.end(), less);
  return true;
}

// Writes n values of W bytes each in row order (perm, or arrival order when null).
template <size_t W>
uint8_t* gather(uint8_t* out, const uint8_t* v, const uint32_t* perm, uint32_t n) {
  if (perm == nullptr) {
    std::memcpy(out, v, W * n);
    return out + W * n;
  }
  for (uint32_t i = 0; i < n; i++, out += W) std::memcpy(out, v + size_t{perm[i]} * W, W);
  return out;
}

// The block's exact size: every value's size is known from the stage.
size_t block_size(const Stage& s, const std::string& sensor, const std::string& iface) {
  const uint32_t n = s.rows;
  size_t size = varuint_size(s.cols.size()) + varuint_size(n) + s.var_bytes;
  for (const Stage::Column& c : s.cols) {
    const size_t nl = std::strlen(c.def->name), tl = std::strlen(c.def->type);
    size += varuint_size(nl) + nl + varuint_size(tl) + tl;
    switch (c.def->kind) {
      case Kind::Number:
      case Kind::Fixed16: size += size_t{n} * c.def->width; break;
      case Kind::Sensor: size += size_t{n} * sensor.size(); break;
      case Kind::Interface: size += size_t{n} * iface.size(); break;
      case Kind::BatchId: size += size_t{n} * 8; break;
      default: break;  // staged Strings: in var_bytes
    }
  }
  return size;
}

// Writes the block into buf (block_size bytes), one pass per column.
void encode_block(const Stage& s, const uint32_t* perm, const std::string& sensor, const std::string& iface,
                  uint8_t* buf) {
  const uint32_t n = s.rows;
  uint8_t* p = put_varuint(buf, s.cols.size());
  p = put_varuint(p, n);
  for (const Stage::Column& c : s.cols) {
    const size_t nl = std::strlen(c.def->name), tl = std::strlen(c.def->type);
    p = put_varuint(p, nl), std::memcpy(p, c.def->name, nl), p += nl;
    p = put_varuint(p, tl), std::memcpy(p, c.def->type, tl), p += tl;
    const uint8_t* v = c.data;
    switch (c.def->kind) {
      case Kind::Number:
        switch (c.def->width) {
          case 1: p = gather<1>(p, v, perm, n); break;
          case 2: p = gather<2>(p, v, perm, n); break;
          case 4: p = gather<4>(p, v, perm, n); break;
          default: p = gather<8>(p, v, perm, n); break;
        }
        break;
      case Kind::Fixed16: p = gather<16>(p, v, perm, n); break;
      case Kind::Sensor:
      case Kind::Interface: {
        const std::string& str = c.def->kind == Kind::Sensor ? sensor : iface;
        for (uint32_t i = 0; i < n; i++, p += str.size()) std::memcpy(p, str.data(), str.size());
        break;
      }
      case Kind::BatchId:
        for (uint32_t i = 0; i < n; i++, p += 8) le64(p, s.id);
        break;
      case Kind::CommunityId:
        for (uint32_t i = 0; i < n; i++) {
          const uint8_t* cid = v + size_t{perm ? perm[i] : i} * 28;
          if (cid[0] == 0) {
            *p++ = 0;
          } else {
            *p++ = 30, *p++ = '1', *p++ = ':';
            std::memcpy(p, cid, 28), p += 28;
          }
        }
        break;
      case Kind::OpenName:
      case Kind::CloseName:
        for (uint32_t i = 0; i < n; i++) {
          const uint8_t k = v[perm ? perm[i] : i];
          const char* name = c.def->kind == Kind::OpenName ? kOpenNames[k] : kCloseNames[k];
          const size_t len = std::strlen(name);
          *p++ = static_cast<uint8_t>(len), std::memcpy(p, name, len), p += len;
        }
        break;
    }
  }
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

  // new NativeExporter({ flows, idleNs, activeNs, maxFlows, seed, packetColumns?, packetKey?, flowColumns?,
  // flowKey?, sensor, iface, batchBase, batchRows }) lib/ validated every value.
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
      columns_from(env, o.Get("packetColumns"), o.Get("packetKey"), kPacketColumns, "packets", packets_);
      packets_on_ = true;
    }
    if (o.Has("flowColumns") && !o.Get("flowColumns").IsUndefined()) {
      columns_from(env, o.Get("flowColumns"), o.Get("flowKey"), kFlowColumns, "flows", flows_);
      flow_rows_on_ = true;
    }
    if (packets_on_ || flow_rows_on_) {
      sensor_ = native_string(o.Get("sensor").As<Napi::String>().Utf8Value());
      iface_ = native_string(o.Get("iface").As<Napi::String>().Utf8Value());
      bool lossless = false;
      batch_base_ = o.Get("batchBase").As<Napi::BigInt>().Uint64Value(&lossless);
      batch_rows_ = o.Get("batchRows").As<Napi::Number>().Uint32Value();
      if ((packets_on_ && !allocate(packets_, batch_rows_)) || (flow_rows_on_ && !allocate(flows_, batch_rows_)))
        throw Napi::Error::New(env, "out of memory for a batch of rows (batchRows is too large for this machine)");
    }
  }

 private:
  // add(records: ArrayBuffer, byteOffset, count): accounts records [byteOffset, + count * RECORD_SIZE),
  // staging rows; stops early when a batch is full. Returns how many records it took.
  Napi::Value add(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const uint8_t* base = records(info);
    uint32_t count = info[2].As<Napi::Number>().Uint32Value();
    check_range(info, count);
    uint32_t done = 0;
    for (; done < count; done++) {
      if (full()) break;
      const uint8_t* r = base + size_t{done} * rec::RECORD_SIZE;
      const char* cid = table_ ? table_->add(r) : nullptr;
      if (packets_on_) stage_packet(r, cid);
      if (flow_rows_on_) stage_ended();
    }
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

  // Stages waiting ended flows as rows while the batch has room; returns how many still wait.
  Napi::Value drain(const Napi::CallbackInfo& info) {
    if (flow_rows_on_) stage_ended();
    return Napi::Number::New(info.Env(), table_ ? static_cast<double>(table_->ended().size()) : 0);
  }

  // rows(table): rows in the batch being filled (0 packets, 1 flows).
  Napi::Value rows(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), info[0].As<Napi::Number>().Uint32Value() == 0 ? packets_.rows : flows_.rows);
  }

  // take(table, spare?): [bytes, rows, batchId] of the batch being filled, encoded as one Native block
  // (into spare's first bytes when it is large enough, else into new memory); the next batch starts in
  // the same stage. Undefined when empty.
  Napi::Value take(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Stage& s = info[0].As<Napi::Number>().Uint32Value() == 0 ? packets_ : flows_;
    if (s.rows == 0) return env.Undefined();
    const bool permuted = sort_rows(s, keys_, perm_);
    const size_t len = block_size(s, sensor_, iface_);
    Napi::Array out = Napi::Array::New(env, 3);
    if (info[1].IsTypedArray() && info[1].As<Napi::Uint8Array>().ByteLength() >= len) {
      // A block JS has done with: its pages are already mapped, the new block costs no page faults.
      Napi::Uint8Array spare = info[1].As<Napi::Uint8Array>();
      encode_block(s, permuted ? perm_.data() : nullptr, sensor_, iface_, spare.Data());
      out.Set(0u, Napi::Uint8Array::New(env, len, spare.ArrayBuffer(), spare.ByteOffset()));
    } else {
      uint8_t* data = static_cast<uint8_t*>(std::malloc(std::max<size_t>(len, 1)));
      if (data == nullptr)
        throw Napi::Error::New(env, "out of memory for a batch of rows (batchRows is too large for this machine)");
      encode_block(s, permuted ? perm_.data() : nullptr, sensor_, iface_, data);
#ifdef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
      out.Set(0u, Napi::Buffer<uint8_t>::Copy(env, data, len));
      std::free(data);
#else
      Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(len));
      out.Set(0u, Napi::Buffer<uint8_t>::New(env, data, len, [len](Napi::Env e, uint8_t* d) {
                std::free(d);
                Napi::MemoryManagement::AdjustExternalMemory(e, -static_cast<int64_t>(len));
              }));
#endif
    }
    out.Set(1u, Napi::Number::New(env, s.rows));
    out.Set(2u, Napi::BigInt::New(env, s.id));
    s.rows = 0;
    s.var_bytes = 0;
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

  bool full() const {
    return (packets_on_ && packets_.rows >= batch_rows_) ||
           (flow_rows_on_ && (flows_.rows >= batch_rows_ || (table_ && !table_->ended().empty())));
  }

  void start_row(Stage& s) {
    if (s.rows == 0) s.id = batch_base_ | (seq_++ & 0xfffff);
  }

  void stage_ended() {
    if (!table_) return;
    auto& ended = table_->ended();
    size_t i = 0;
    for (; i < ended.size() && flows_.rows < batch_rows_; i++) stage_flow(ended[i]);
    if (i == ended.size()) ended.clear();
    else if (i > 0) ended.erase(ended.begin(), ended.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void stage_packet(const uint8_t* r, const char* cid) {
    Stage& s = packets_;
    start_row(s);
    const uint32_t layers = rec::get32(r, rec::layers);
    const bool v4 = layers & rec::layer_bit(rec::LAYER_IPV4);
    const bool v6 = !v4 && (layers & rec::layer_bit(rec::LAYER_IPV6));
    const bool tcp = layers & rec::layer_bit(rec::LAYER_TCP);
    const bool ports = tcp || (layers & rec::layer_bit(rec::LAYER_UDP));
    const bool icmp = layers & (rec::layer_bit(rec::LAYER_ICMP) | rec::layer_bit(rec::LAYER_ICMPV6));
    for (size_t c = 0; c < s.cols.size(); c++) {
      uint8_t* p = s.at(c);
      switch (s.cols[c].def->col) {
        case Col::Ts: std::memcpy(p, r + rec::tsSec, 4); break;
        case Col::TsNs: le64(p, ns_of(rec::get32(r, rec::tsSec), rec::get32(r, rec::tsNsec))); break;
        case Col::WireLen: std::memcpy(p, r + rec::wireLen, 4); break;
        case Col::CapLen: std::memcpy(p, r + rec::capLen, 4); break;
        case Col::EthType: std::memcpy(p, r + rec::etherType, 2); break;
        case Col::Vlan:
          le16(p, layers & rec::layer_bit(rec::LAYER_VLAN) ? rec::get16(r, rec::vlanTci0) & 0x0fff : 0);
          break;
        case Col::IpVersion: *p = v4 ? 4 : v6 ? 6 : 0; break;
        case Col::Src:
        case Col::Dst: {
          const uint8_t* a = r + (s.cols[c].def->col == Col::Src ? rec::ipSrc : rec::ipDst);
          if (v4) std::memset(p, 0, 10), p[10] = p[11] = 0xff, std::memcpy(p + 12, a, 4);
          else if (v6) std::memcpy(p, a, 16);
          else std::memset(p, 0, 16);
          break;
        }
        case Col::Proto: *p = v4 || v6 ? r[rec::ipProto] : 0; break;
        case Col::Ttl: *p = v4 || v6 ? r[rec::ipTtl] : 0; break;
        case Col::Sport: le16(p, ports ? rec::get16(r, rec::sport) : 0); break;
        case Col::Dport: le16(p, ports ? rec::get16(r, rec::dport) : 0); break;
        case Col::TcpFlags: le16(p, tcp ? rec::get16(r, rec::tcpFlags) : 0); break;
        case Col::TcpSeq: le32(p, tcp ? rec::get32(r, rec::tcpSeq) : 0); break;
        case Col::TcpAck: le32(p, tcp ? rec::get32(r, rec::tcpAck) : 0); break;
        case Col::TcpWindow: le16(p, tcp ? rec::get16(r, rec::tcpWindow) : 0); break;
        case Col::IcmpType: *p = icmp ? r[rec::icmpType] : 0; break;
        case Col::IcmpCode: *p = icmp ? r[rec::icmpCode] : 0; break;
        case Col::PayloadLen: std::memcpy(p, r + rec::payloadLen, 4); break;
        case Col::CommunityId:
          if (cid != nullptr) std::memcpy(p, cid, 28), s.var_bytes += 31;
          else p[0] = 0, s.var_bytes += 1;
          break;
        default: break;  // not staged (sensor, interface, batch_id); flow-only columns are refused at construction
      }
    }
    s.rows++;
  }

  void stage_flow(const Flow& f) {
    Stage& s = flows_;
    start_row(s);
    const bool icmp = f.icmp_type >= 0;
    for (size_t c = 0; c < s.cols.size(); c++) {
      uint8_t* p = s.at(c);
      switch (s.cols[c].def->col) {
        case Col::FirstTs: le32(p, static_cast<uint32_t>(f.first_ns / 1000000000u)); break;
        case Col::FirstNs: le64(p, f.first_ns); break;
        case Col::LastNs: le64(p, f.last_ns); break;
        case Col::IpVersion: *p = f.version; break;
        case Col::Proto: *p = f.proto; break;
        case Col::Src: address16(p, f.version, f.a); break;
        case Col::Dst: address16(p, f.version, f.b); break;
        case Col::Sport: le16(p, f.sport); break;
        case Col::Dport: le16(p, f.dport); break;
        case Col::IcmpType: *p = icmp ? static_cast<uint8_t>(f.icmp_type) : 0; break;
        case Col::IcmpCode: *p = icmp ? f.icmp_code : 0; break;
        case Col::IcmpId: le16(p, icmp ? f.icmp_id : 0); break;
        case Col::Vlan: le16(p, f.vlan < 0 ? 0 : static_cast<uint16_t>(f.vlan)); break;
        case Col::PacketsToDst: le64(p, f.pkts_ab); break;
        case Col::BytesToDst: le64(p, f.bytes_ab); break;
        case Col::PacketsToSrc: le64(p, f.pkts_ba); break;
        case Col::BytesToSrc: le64(p, f.bytes_ba); break;
        case Col::TcpFlagsToDst: le16(p, f.flags_ab); break;
        case Col::TcpFlagsToSrc: le16(p, f.flags_ba); break;
        case Col::RetransToDst: le32(p, f.retrans_ab); break;
        case Col::RetransToSrc: le32(p, f.retrans_ba); break;
        case Col::Open: *p = f.open, s.var_bytes += 1 + std::strlen(kOpenNames[f.open]); break;
        case Col::Close: *p = f.close, s.var_bytes += 1 + std::strlen(kCloseNames[f.close]); break;
        case Col::CommunityId: std::memcpy(p, f.cid, 28), s.var_bytes += 31; break;
        default: break;  // not staged; packet-only columns are refused at construction
      }
    }
    s.rows++;
  }

  std::unique_ptr<FlowTable> table_;
  bool packets_on_ = false, flow_rows_on_ = false;
  std::string sensor_, iface_;
  uint64_t batch_base_ = 0, seq_ = 0;
  uint32_t batch_rows_ = 0;
  Stage packets_, flows_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> perm_;
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
