/**
 * The ClickHouse tables `packets` and `flows`, declared once: each column's
 * name, type and meaning, in table order, and its sorting key. The DDL
 * (`pktkit schema`), the check against an existing table, the columns of the
 * Native blocks the encoder writes and the order of their rows all come from
 * these lists.
 *
 * Types are those ClickHouse 18.16 already has (no DateTime64, no IPv6
 * domain, no LowCardinality): times are `DateTime` (seconds, for partitions
 * and the primary key) plus `UInt64` nanoseconds; addresses are
 * `FixedString(16)`, IPv4 as IPv4-mapped IPv6 (`IPv6NumToString(src)` shows
 * `::ffff:198.18.0.1`, `IPv4NumToString(toUInt32(reinterpretAsUInt32(reverse(substring(src, 13, 4)))))` the dotted quad).
 */
/** One column: its name, ClickHouse type and meaning. The native encoder (native/export/exporter.cc) writes each by name and refuses a type it does not write. */
export interface Column {
  name: string;
  type: string;
  doc: string;
}

/** Columns of `packets`, in table order. */
export const PACKET_COLUMNS: ReadonlyArray<Column> = [
  { name: 'sensor', type: 'String', doc: 'sensor (host) that captured it' },
  { name: 'batch_id', type: 'UInt64', doc: 'insert batch; a retried batch is recognised by it' },
  { name: 'ts', type: 'DateTime', doc: 'capture time, seconds (UTC)' },
  { name: 'ts_ns', type: 'UInt64', doc: 'capture time, ns since the epoch' },
  { name: 'interface', type: 'String', doc: 'interface name (empty for files)' },
  { name: 'wire_len', type: 'UInt32', doc: 'length on the wire' },
  { name: 'cap_len', type: 'UInt32', doc: 'bytes captured' },
  { name: 'eth_type', type: 'UInt16', doc: 'ethertype after VLAN tags' },
  { name: 'vlan', type: 'UInt16', doc: 'outer VLAN id, 0 when untagged' },
  { name: 'ip_version', type: 'UInt8', doc: '4, 6, or 0 without IP' },
  { name: 'src', type: 'FixedString(16)', doc: 'source address (IPv4-mapped for IPv4)' },
  { name: 'dst', type: 'FixedString(16)', doc: 'destination address' },
  { name: 'proto', type: 'UInt8', doc: 'IP protocol (IPv6: after extension headers)' },
  { name: 'ttl', type: 'UInt8', doc: 'TTL / hop limit' },
  { name: 'sport', type: 'UInt16', doc: 'TCP/UDP source port' },
  { name: 'dport', type: 'UInt16', doc: 'TCP/UDP destination port' },
  { name: 'tcp_flags', type: 'UInt16', doc: 'TCP flags (FIN 0x01 ... NS 0x100)' },
  { name: 'tcp_seq', type: 'UInt32', doc: 'TCP sequence number' },
  { name: 'tcp_ack', type: 'UInt32', doc: 'TCP acknowledgment number' },
  { name: 'tcp_window', type: 'UInt16', doc: 'TCP window, unscaled' },
  { name: 'icmp_type', type: 'UInt8', doc: 'ICMP/ICMPv6 type' },
  { name: 'icmp_code', type: 'UInt8', doc: 'ICMP/ICMPv6 code' },
  { name: 'payload_len', type: 'UInt32', doc: 'payload length as the headers declare it' },
  { name: 'community_id', type: 'String', doc: "the packet's flow's Community ID v1" },
];

/** Columns of `flows`, in table order. */
export const FLOW_COLUMNS: ReadonlyArray<Column> = [
  { name: 'sensor', type: 'String', doc: 'sensor (host) that saw it' },
  { name: 'batch_id', type: 'UInt64', doc: 'insert batch' },
  { name: 'first_ts', type: 'DateTime', doc: 'first packet, seconds (UTC)' },
  { name: 'first_ns', type: 'UInt64', doc: 'first packet, ns since the epoch' },
  { name: 'last_ns', type: 'UInt64', doc: 'last packet, ns since the epoch' },
  { name: 'ip_version', type: 'UInt8', doc: '4 or 6' },
  { name: 'proto', type: 'UInt8', doc: 'IP protocol' },
  { name: 'src', type: 'FixedString(16)', doc: 'initiator address (IPv4-mapped for IPv4)' },
  { name: 'dst', type: 'FixedString(16)', doc: 'responder address' },
  { name: 'sport', type: 'UInt16', doc: 'initiator port (TCP/UDP)' },
  { name: 'dport', type: 'UInt16', doc: 'responder port (TCP/UDP)' },
  { name: 'icmp_type', type: 'UInt8', doc: 'ICMP type of the first packet' },
  { name: 'icmp_code', type: 'UInt8', doc: 'ICMP code of the first packet' },
  { name: 'icmp_id', type: 'UInt16', doc: 'ICMP echo identifier' },
  { name: 'vlan', type: 'UInt16', doc: 'outer VLAN id of the first packet, 0 untagged' },
  { name: 'packets_to_dst', type: 'UInt64', doc: 'packets initiator → responder' },
  { name: 'bytes_to_dst', type: 'UInt64', doc: 'bytes (on the wire) initiator → responder' },
  { name: 'packets_to_src', type: 'UInt64', doc: 'packets responder → initiator' },
  { name: 'bytes_to_src', type: 'UInt64', doc: 'bytes responder → initiator' },
  { name: 'tcp_flags_to_dst', type: 'UInt16', doc: 'TCP flags seen from the initiator' },
  { name: 'tcp_flags_to_src', type: 'UInt16', doc: 'TCP flags seen from the responder' },
  { name: 'retrans_to_dst', type: 'UInt32', doc: 'TCP retransmissions from the initiator' },
  { name: 'retrans_to_src', type: 'UInt32', doc: 'TCP retransmissions from the responder' },
  { name: 'open', type: 'String', doc: 'handshake | syn | midstream | packet | continued' },
  { name: 'close', type: 'String', doc: 'fin | rst | idle-timeout | active-timeout | evicted | end' },
  { name: 'community_id', type: 'String', doc: 'Community ID v1' },
];

/** The two tables: their columns, their MergeTree sorting key and partitioning. */
export const TABLES = {
  packets: {
    columns: PACKET_COLUMNS,
    orderBy: ['ts', 'src', 'dst', 'sport', 'dport'],
    partitionBy: 'toYYYYMMDD(ts)',
  },
  flows: {
    columns: FLOW_COLUMNS,
    orderBy: ['first_ts', 'src', 'dst', 'sport', 'dport'],
    partitionBy: 'toYYYYMMDD(first_ts)',
  },
} as const;

/** The MergeTree engine clause of a table. */
export function engineSql(table: TableName): string {
  const t = TABLES[table];
  return `MergeTree PARTITION BY ${t.partitionBy} ORDER BY (${t.orderBy.join(', ')})`;
}

/** Table names. */
export type TableName = keyof typeof TABLES;

function quoteIdent(name: string): string {
  return '`' + name.replace(/[`\\]/g, (c) => '\\' + c) + '`';
}

/** `CREATE TABLE IF NOT EXISTS db.table (...) ENGINE = ...` for one table. */
export function createTableSql(database: string, table: TableName, engine: string = engineSql(table)): string {
  const cols = TABLES[table].columns.map(
    (c) =>
      `    ${c.name} ${c.type}${' '.repeat(Math.max(1, 18 - c.name.length - c.type.length))}COMMENT '${c.doc.replace(/'/g, "\\'")}'`,
  );
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
    .map(
      (t) =>
        `CREATE TABLE IF NOT EXISTS ${db}.${t}_all AS ${db}.${t}\nENGINE = Distributed(${quoteIdent(cluster)}, ${db}, ${t}, rand());\n`,
    )
    .join('\n');
}
