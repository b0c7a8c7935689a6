/**
 * The ClickHouse tables `packets` and `flows`, declared once: each column's
 * name, type, meaning and how its RowBinary value is written. The DDL
 * (`pktkit schema`), the check against an existing table and the encoders
 * all come from these lists.
 *
 * Types are those ClickHouse 18.16 already has (no DateTime64, no IPv6
 * domain, no LowCardinality): times are `DateTime` (seconds, for partitions
 * and the primary key) plus `UInt64` nanoseconds; addresses are
 * `FixedString(16)`, IPv4 as IPv4-mapped IPv6 (`IPv6NumToString(src)` shows
 * `::ffff:198.18.0.1`, `IPv4NumToString(toUInt32(reinterpretAsUInt32(reverse(substring(src, 13, 4)))))` the dotted quad).
 */
import type { FlowRecord } from '../flow/table';
import type { Packet } from '../packet';
import type { RowBinaryWriter } from './rowbinary';

/** What a packet row is written from. */
export interface PacketRow {
  /** The packet (a view: rows are encoded at once). */
  p: Packet;
  /** Its flow's Community ID ('' when it has no flow). */
  communityId: string;
  /** Interface name ('' for files). */
  iface: string;
  /** Batch this row goes in. */
  batchId: bigint;
  /** Sensor (host) name. */
  sensor: string;
}

/** What a flow row is written from. */
export interface FlowRow {
  f: FlowRecord;
  batchId: bigint;
  sensor: string;
}

/** One column: its name, ClickHouse type, meaning, and its RowBinary writer. */
export interface Column<Row> {
  name: string;
  type: string;
  doc: string;
  put: (w: RowBinaryWriter, row: Row) => void;
}

const addr = new Uint32Array(4);

function packetAddress(w: RowBinaryWriter, p: Packet, which: 'src' | 'dst'): void {
  const ip = p.ip;
  if (ip !== undefined) {
    addr[0] = addr[1] = 0;
    addr[2] = 0xffff;
    addr[3] = which === 'src' ? ip.srcInt : ip.dstInt;
  } else {
    const ip6 = p.ipv6;
    for (let i = 0; i < 4; i++) addr[i] = ip6 === undefined ? 0 : which === 'src' ? ip6.srcWord(i) : ip6.dstWord(i);
  }
  w.words16(addr);
}

/** Columns of `packets`, in table order. */
export const PACKET_COLUMNS: ReadonlyArray<Column<PacketRow>> = [
  { name: 'sensor', type: 'String', doc: 'sensor (host) that captured it', put: (w, r) => w.string(r.sensor) },
  { name: 'batch_id', type: 'UInt64', doc: 'insert batch; a retried batch is recognised by it', put: (w, r) => w.u64(r.batchId) },
  { name: 'ts', type: 'DateTime', doc: 'capture time, seconds (UTC)', put: (w, r) => w.u32(r.p.tsSec) },
  { name: 'ts_ns', type: 'UInt64', doc: 'capture time, ns since the epoch', put: (w, r) => w.u64ns(r.p.tsSec, r.p.tsNsec) },
  { name: 'interface', type: 'String', doc: 'interface name (empty for files)', put: (w, r) => w.string(r.iface) },
  { name: 'wire_len', type: 'UInt32', doc: 'length on the wire', put: (w, r) => w.u32(r.p.length) },
  { name: 'cap_len', type: 'UInt32', doc: 'bytes captured', put: (w, r) => w.u32(r.p.caplen) },
  { name: 'eth_type', type: 'UInt16', doc: 'ethertype after VLAN tags', put: (w, r) => w.u16(r.p.etherType) },
  { name: 'vlan', type: 'UInt16', doc: 'outer VLAN id, 0 when untagged', put: (w, r) => w.u16(r.p.vlan?.id ?? 0) },
  { name: 'ip_version', type: 'UInt8', doc: '4, 6, or 0 without IP', put: (w, r) => w.u8(r.p.ip !== undefined ? 4 : r.p.ipv6 !== undefined ? 6 : 0) },
  { name: 'src', type: 'FixedString(16)', doc: 'source address (IPv4-mapped for IPv4)', put: (w, r) => packetAddress(w, r.p, 'src') },
  { name: 'dst', type: 'FixedString(16)', doc: 'destination address', put: (w, r) => packetAddress(w, r.p, 'dst') },
  { name: 'proto', type: 'UInt8', doc: 'IP protocol (IPv6: after extension headers)', put: (w, r) => w.u8(r.p.ip?.proto ?? r.p.ipv6?.nh ?? 0) },
  { name: 'ttl', type: 'UInt8', doc: 'TTL / hop limit', put: (w, r) => w.u8(r.p.ip?.ttl ?? r.p.ipv6?.hlim ?? 0) },
  { name: 'sport', type: 'UInt16', doc: 'TCP/UDP source port', put: (w, r) => w.u16((r.p.tcp ?? r.p.udp)?.sport ?? 0) },
  { name: 'dport', type: 'UInt16', doc: 'TCP/UDP destination port', put: (w, r) => w.u16((r.p.tcp ?? r.p.udp)?.dport ?? 0) },
  { name: 'tcp_flags', type: 'UInt16', doc: 'TCP flags (FIN 0x01 ... NS 0x100)', put: (w, r) => w.u16(r.p.tcp?.flags ?? 0) },
  { name: 'tcp_seq', type: 'UInt32', doc: 'TCP sequence number', put: (w, r) => w.u32(r.p.tcp?.seq ?? 0) },
  { name: 'tcp_ack', type: 'UInt32', doc: 'TCP acknowledgment number', put: (w, r) => w.u32(r.p.tcp?.ack ?? 0) },
  { name: 'tcp_window', type: 'UInt16', doc: 'TCP window, unscaled', put: (w, r) => w.u16(r.p.tcp?.window ?? 0) },
  { name: 'icmp_type', type: 'UInt8', doc: 'ICMP/ICMPv6 type', put: (w, r) => w.u8((r.p.icmp ?? r.p.icmpv6)?.type ?? 0) },
  { name: 'icmp_code', type: 'UInt8', doc: 'ICMP/ICMPv6 code', put: (w, r) => w.u8((r.p.icmp ?? r.p.icmpv6)?.code ?? 0) },
  { name: 'payload_len', type: 'UInt32', doc: 'payload length as the headers declare it', put: (w, r) => w.u32(r.p.payloadLength) },
  { name: 'community_id', type: 'String', doc: "the packet's flow's Community ID v1", put: (w, r) => w.string(r.communityId) },
];

/** Columns of `flows`, in table order. */
export const FLOW_COLUMNS: ReadonlyArray<Column<FlowRow>> = [
  { name: 'sensor', type: 'String', doc: 'sensor (host) that saw it', put: (w, r) => w.string(r.sensor) },
  { name: 'batch_id', type: 'UInt64', doc: 'insert batch', put: (w, r) => w.u64(r.batchId) },
  { name: 'first_ts', type: 'DateTime', doc: 'first packet, seconds (UTC)', put: (w, r) => w.u32(Number(r.f.firstNs / 1_000_000_000n)) },
  { name: 'first_ns', type: 'UInt64', doc: 'first packet, ns since the epoch', put: (w, r) => w.u64(r.f.firstNs) },
  { name: 'last_ns', type: 'UInt64', doc: 'last packet, ns since the epoch', put: (w, r) => w.u64(r.f.lastNs) },
  { name: 'ip_version', type: 'UInt8', doc: '4 or 6', put: (w, r) => w.u8(r.f.ipVersion) },
  { name: 'proto', type: 'UInt8', doc: 'IP protocol', put: (w, r) => w.u8(r.f.proto) },
  { name: 'src', type: 'FixedString(16)', doc: 'initiator address (IPv4-mapped for IPv4)', put: (w, r) => w.words16(r.f.srcWords) },
  { name: 'dst', type: 'FixedString(16)', doc: 'responder address', put: (w, r) => w.words16(r.f.dstWords) },
  { name: 'sport', type: 'UInt16', doc: 'initiator port (TCP/UDP)', put: (w, r) => w.u16(r.f.sport) },
  { name: 'dport', type: 'UInt16', doc: 'responder port (TCP/UDP)', put: (w, r) => w.u16(r.f.dport) },
  { name: 'icmp_type', type: 'UInt8', doc: 'ICMP type of the first packet', put: (w, r) => w.u8(r.f.icmpType ?? 0) },
  { name: 'icmp_code', type: 'UInt8', doc: 'ICMP code of the first packet', put: (w, r) => w.u8(r.f.icmpCode ?? 0) },
  { name: 'icmp_id', type: 'UInt16', doc: 'ICMP echo identifier', put: (w, r) => w.u16(r.f.icmpId ?? 0) },
  { name: 'vlan', type: 'UInt16', doc: 'outer VLAN id of the first packet, 0 untagged', put: (w, r) => w.u16(r.f.vlan ?? 0) },
  { name: 'packets_to_dst', type: 'UInt64', doc: 'packets initiator → responder', put: (w, r) => w.u64n(r.f.packetsToDst) },
  { name: 'bytes_to_dst', type: 'UInt64', doc: 'bytes (on the wire) initiator → responder', put: (w, r) => w.u64n(r.f.bytesToDst) },
  { name: 'packets_to_src', type: 'UInt64', doc: 'packets responder → initiator', put: (w, r) => w.u64n(r.f.packetsToSrc) },
  { name: 'bytes_to_src', type: 'UInt64', doc: 'bytes responder → initiator', put: (w, r) => w.u64n(r.f.bytesToSrc) },
  { name: 'tcp_flags_to_dst', type: 'UInt16', doc: 'TCP flags seen from the initiator', put: (w, r) => w.u16(r.f.tcpFlagsToDst) },
  { name: 'tcp_flags_to_src', type: 'UInt16', doc: 'TCP flags seen from the responder', put: (w, r) => w.u16(r.f.tcpFlagsToSrc) },
  { name: 'retrans_to_dst', type: 'UInt32', doc: 'TCP retransmissions from the initiator', put: (w, r) => w.u32(r.f.retransToDst) },
  { name: 'retrans_to_src', type: 'UInt32', doc: 'TCP retransmissions from the responder', put: (w, r) => w.u32(r.f.retransToSrc) },
  { name: 'open', type: 'String', doc: 'handshake | syn | midstream | packet | continued', put: (w, r) => w.string(r.f.open) },
  { name: 'close', type: 'String', doc: 'fin | rst | idle-timeout | active-timeout | evicted | end', put: (w, r) => w.string(r.f.close) },
  { name: 'community_id', type: 'String', doc: 'Community ID v1', put: (w, r) => w.string(r.f.communityId) },
];

/** The two tables: their columns and their MergeTree layout. */
export const TABLES = {
  packets: { columns: PACKET_COLUMNS, engine: 'MergeTree PARTITION BY toYYYYMMDD(ts) ORDER BY (ts, src, dst, sport, dport)' },
  flows: { columns: FLOW_COLUMNS, engine: 'MergeTree PARTITION BY toYYYYMMDD(first_ts) ORDER BY (first_ts, src, dst, sport, dport)' },
} as const;

/** Table names. */
export type TableName = keyof typeof TABLES;

function quoteIdent(name: string): string {
  return '`' + name.replace(/[`\\]/g, (c) => '\\' + c) + '`';
}

/** `CREATE TABLE IF NOT EXISTS db.table (...) ENGINE = ...` for one table. */
export function createTableSql(database: string, table: TableName, engine: string = TABLES[table].engine): string {
  const cols = TABLES[table].columns.map((c) => `    ${c.name} ${c.type}${' '.repeat(Math.max(1, 18 - c.name.length - c.type.length))}COMMENT '${c.doc.replace(/'/g, "\\'")}'`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(database)}.${table}\n(\n${cols.join(',\n')}\n)\nENGINE = ${engine}`;
}

/** The whole schema as SQL: the database and both tables (what `pktkit schema` prints). */
export function schemaSql(database = 'pktkit'): string {
  return `CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)};\n\n${createTableSql(database, 'packets')};\n\n${createTableSql(database, 'flows')};\n`;
}

/** Quotes a database or table name for SQL. */
export { quoteIdent };

/**
 * `Distributed` tables over the per-sensor tables: `packets_all` and
 * `flows_all` in `database`, reading `database.packets` / `database.flows`
 * on every shard of `cluster` (a `<remote_servers>` entry of the server
 * config). Run it on the server(s) you query; each sensor writes to its own
 * shard's local tables.
 */
export function distributedSql(database: string, cluster: string): string {
  const db = quoteIdent(database);
  return (['packets', 'flows'] as const)
    .map((t) => `CREATE TABLE IF NOT EXISTS ${db}.${t}_all AS ${db}.${t}\nENGINE = Distributed(${quoteIdent(cluster)}, ${db}, ${t}, rand());\n`)
    .join('\n');
}
