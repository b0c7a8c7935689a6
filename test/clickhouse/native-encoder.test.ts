/**
 * The native encoder (native/export/exporter.cc: Native blocks, rows in the
 * table's sorting-key order) against a real clickhouse-server: its blocks are
 * byte for byte what the server itself writes in the Native format for the
 * rows it stored, and the server stores them without sorting them again;
 * every column of every packet row, read back with the
 * server's own functions, equals what the Packet views say of that packet,
 * and its Community ID the one FlowTable.add() gives it (for TCP and UDP also
 * what the JS implementation, on node:crypto, computes from the addresses as
 * text; fragments without a transport header belong to the flow the table
 * keys them to); every flow row equals the FlowTable's record of that flow. Rows are compared as sorted multisets: the table's
 * order is its primary key, not the insertion order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ClickHouseSink } from '../../lib/clickhouse/sink';
import { openFile } from '../../lib/capture';
import { communityId } from '../../lib/flow/community-id';
import { FlowTable, type FlowRecord } from '../../lib/flow/table';
import { addon } from '../../lib/binding';
import type { Packet } from '../../lib/packet';
import { PACKET_COLUMNS, FLOW_COLUMNS, TABLES, schemaSql } from '../../lib/clickhouse/schema';
import { RECORD_SIZE } from '../../lib/record.gen';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse';
import { makeTempDir } from '../helpers/loopback';

const PCAP = path.join(__dirname, '../fixtures/pcap');
// IPv4/IPv6, TCP/UDP/ICMP/ICMPv6, ARP, VLAN tags, SLL/SLL2 links, packets cut by a 96-byte snap length, nanosecond stamps.
const FILES = [
  'http-lo.pcap',
  'veth-mixed.pcap',
  'veth-vlan.pcap',
  'any-sll.pcap',
  'any-sll2.pcap',
  'http-lo-snap96.pcap',
  'http-lo-nsec.pcap',
];

/** A POST to the server's HTTP interface with a binary body; resolves to the binary answer (status 200 only). */
function post(s: ClickHouseServer, query: string, body: Uint8Array = new Uint8Array(0)): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: s.httpPort,
        method: 'POST',
        path: `/?query=${encodeURIComponent(query)}`,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = Buffer.concat(chunks);
          if (res.statusCode === 200) resolve(out);
          else reject(new Error(`ClickHouse said ${res.statusCode} to ${query}: ${out.toString('utf8')}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every packet record of the files, packed one after another (RECORD_SIZE bytes each). */
async function records(files: readonly string[]): Promise<{ buffer: ArrayBuffer; count: number }> {
  const parts: Uint8Array[] = [];
  for (const name of files)
    for await (const p of openFile(path.join(PCAP, name))) parts.push(p.mem.u8.slice(p.base, p.base + RECORD_SIZE));
  const out = new Uint8Array(parts.length * RECORD_SIZE);
  parts.forEach((r, i) => out.set(r, i * RECORD_SIZE));
  return { buffer: out.buffer, count: parts.length };
}

const columnPairs = (cols: typeof PACKET_COLUMNS): Array<[string, string]> => cols.map((c) => [c.name, c.type]);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** 16 address bytes as the schema stores them, from the views (IPv4-mapped for IPv4, zeros without IP). */
function address(p: Packet, which: 'src' | 'dst'): string {
  const out = new Uint8Array(16);
  const ip = p.ip;
  const ip6 = p.ipv6;
  if (ip !== undefined) {
    out[10] = out[11] = 0xff;
    new DataView(out.buffer).setUint32(12, which === 'src' ? ip.srcInt : ip.dstInt);
  } else if (ip6 !== undefined) {
    for (let i = 0; i < 4; i++)
      new DataView(out.buffer).setUint32(4 * i, which === 'src' ? ip6.srcWord(i) : ip6.dstWord(i));
  }
  return hex(out);
}

/** The Community ID of a packet's flow from its tuple as text (node:crypto), '' without IP. */
function packetCommunityId(p: Packet): string {
  const ip = p.ip ?? p.ipv6;
  if (ip === undefined) return '';
  const proto = p.ip?.proto ?? p.ipv6!.nh;
  const l4 = p.tcp ?? p.udp;
  const icmp = proto === 1 ? p.icmp : proto === 58 ? p.icmpv6 : undefined;
  const sport = l4?.sport ?? icmp?.type ?? 0;
  const dport = l4?.dport ?? icmp?.code ?? 0;
  return communityId({ src: ip.src, dst: ip.dst, proto, sport, dport });
}

/** One packet row as TSV, from the views: the columns of the schema after sensor and batch_id. */
function expectedPacketRow(p: Packet, communityId: string): string {
  const l4 = p.tcp ?? p.udp;
  const icmp = p.icmp ?? p.icmpv6;
  return [
    p.tsSec,
    BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec),
    'lo0',
    p.length,
    p.caplen,
    p.etherType,
    p.vlan?.id ?? 0,
    p.ip !== undefined ? 4 : p.ipv6 !== undefined ? 6 : 0,
    address(p, 'src'),
    address(p, 'dst'),
    p.ip?.proto ?? p.ipv6?.nh ?? 0,
    p.ip?.ttl ?? p.ipv6?.hlim ?? 0,
    l4?.sport ?? 0,
    l4?.dport ?? 0,
    p.tcp?.flags ?? 0,
    p.tcp?.seq ?? 0,
    p.tcp?.ack ?? 0,
    p.tcp?.window ?? 0,
    icmp?.type ?? 0,
    icmp?.code ?? 0,
    p.payloadLength,
    communityId,
  ].join('\t');
}

function expectedFlowRow(f: FlowRecord): string {
  const words = (w: readonly number[]): string =>
    w
      .map((x) => x.toString(16).padStart(8, '0'))
      .join('')
      .toUpperCase();
  return [
    Number(f.firstNs / 1_000_000_000n),
    f.firstNs,
    f.lastNs,
    f.ipVersion,
    f.proto,
    words(f.srcWords),
    words(f.dstWords),
    f.sport,
    f.dport,
    f.icmpType ?? 0,
    f.icmpCode ?? 0,
    f.icmpId ?? 0,
    f.vlan ?? 0,
    f.packetsToDst,
    f.bytesToDst,
    f.packetsToSrc,
    f.bytesToSrc,
    f.tcpFlagsToDst,
    f.tcpFlagsToSrc,
    f.retransToDst,
    f.retransToSrc,
    f.open,
    f.close,
    f.communityId,
  ].join('\t');
}

/** Creates the documented tables in database `db` of server `s`, as the sink does on first use. */
async function createTables(s: ClickHouseServer, db: string): Promise<void> {
  for (const stmt of schemaSql(db)
    .split(';\n')
    .map((x) => x.trim())
    .filter(Boolean))
    await s.query(stmt);
}

/** The exporter's options as the sink gives them for the documented schema, packets and flows. */
function exporterOptions(over: { sensor: string; iface: string; batchBase: bigint }) {
  return {
    flows: true,
    idleNs: 60e9,
    activeNs: 1800e9,
    maxFlows: 1000,
    seed: 0,
    packetColumns: columnPairs(PACKET_COLUMNS),
    packetKey: TABLES.packets.orderBy,
    flowColumns: columnPairs(FLOW_COLUMNS),
    flowKey: TABLES.flows.orderBy,
    batchRows: 100_000,
    ...over,
  };
}

test('native encoder: every packet row and flow row read back from clickhouse-server equals the records (batches of 5 rows, by addBatch)', async (t) => {
  const s = await startClickHouse({ t });
  const sink = await ClickHouseSink.open(`clickhouse://127.0.0.1:${s.httpPort}/enc`, {
    sensor: 'sensor-é',
    iface: 'lo0',
    batchRows: 5,
  });
  const packets: string[] = [];
  const flows: FlowRecord[] = [];
  const table = new FlowTable((f) => flows.push(f));
  let n = 0;
  for (const name of FILES) {
    for await (const batch of openFile(path.join(PCAP, name)).batches()) {
      for (const p of batch) {
        const id = table.add(p) ?? '';
        if (p.tcp !== undefined || p.udp !== undefined) assert.equal(id, packetCommunityId(p));
        packets.push(expectedPacketRow(p, id));
      }
      n += batch.count;
      sink.addBatch(batch);
      if (sink.full) await sink.ready();
    }
  }
  table.flush();
  const st = await sink.close();
  assert.deepEqual([st.packets, st.packetRowsSent, st.flows, st.flowRowsSent], [n, n, flows.length, flows.length]);
  assert.ok(
    packets.some((r) => r.split('\t')[6] !== '0'),
    'a VLAN-tagged packet is among them',
  );
  assert.ok(
    packets.some((r) => r.split('\t')[7] === '0'),
    'a packet without IP is among them',
  );

  const got = await s.query(
    `SELECT toUInt32(ts), ts_ns, interface, wire_len, cap_len, eth_type, vlan, ip_version, hex(src), hex(dst), proto, ttl, sport, dport,
            tcp_flags, tcp_seq, tcp_ack, tcp_window, icmp_type, icmp_code, payload_len, community_id FROM enc.packets FORMAT TSV`,
  );
  assert.deepEqual(got.trim().split('\n').sort(), packets.sort());
  // The sensor string (UTF-8, its length in bytes) and batches of at most 5 rows with one id each.
  assert.equal((await s.query('SELECT DISTINCT sensor FROM enc.packets FORMAT TSV')).trim(), 'sensor-é');
  assert.equal(
    (await s.query('SELECT max(c) FROM (SELECT count() AS c FROM enc.packets GROUP BY batch_id)')).trim(),
    '5',
  );
  assert.equal(Number((await s.query('SELECT uniqExact(batch_id) FROM enc.packets')).trim()), Math.ceil(n / 5));

  const gotFlows = await s.query(
    `SELECT toUInt32(first_ts), first_ns, last_ns, ip_version, proto, hex(src), hex(dst), sport, dport, icmp_type, icmp_code, icmp_id, vlan,
            packets_to_dst, bytes_to_dst, packets_to_src, bytes_to_src, tcp_flags_to_dst, tcp_flags_to_src, retrans_to_dst, retrans_to_src,
            open, close, community_id FROM enc.flows FORMAT TSV`,
  );
  assert.deepEqual(gotFlows.trim().split('\n').sort(), flows.map(expectedFlowRow).sort());
  assert.ok(
    flows.some((f) => f.icmpType !== undefined) &&
      flows.some((f) => f.vlan !== undefined) &&
      flows.some((f) => f.ipVersion === 6),
  );
});

test("native encoder: a packet block and a flow block are byte for byte the server's own Native output of the rows it stored, and it stored them without sorting", async (t) => {
  const s = await startClickHouse({ t });
  await createTables(s, 'nat');
  const { NativeExporter } = addon();
  const options = exporterOptions({ sensor: 'sensor-é', iface: 'veth0', batchBase: 7n << 20n });
  const n = new NativeExporter(options);
  // IPv4 and IPv6, TCP, UDP, ICMP and ICMPv6, ARP (no IP: empty Community ID), 802.1Q tags.
  const r = await records(['veth-mixed.pcap', 'veth-vlan.pcap', 'http-lo.pcap']);
  assert.equal(n.add(r.buffer, 0, r.count), r.count);
  n.flush();
  n.drain();
  const packets = n.take(0)!;
  const flows = n.take(1)!;
  assert.equal(packets[1], r.count);
  assert.equal(n.take(0), undefined, 'taking starts a new, empty batch');
  // The same rows through a twin exporter, encoded into a spent block (written over, a view of it returned) or,
  // when that is too small, into new memory: the same bytes.
  const twin = new NativeExporter(options);
  assert.equal(twin.add(r.buffer, 0, r.count), r.count);
  twin.flush();
  twin.drain();
  const spare = new Uint8Array(packets[0].length + 100).fill(0xaa);
  const again = twin.take(0, spare)!;
  assert.equal(again[0].buffer, spare.buffer);
  assert.deepEqual([again[0].byteOffset, again[0].length], [0, packets[0].length]);
  assert.ok(Buffer.from(again[0]).equals(packets[0]));
  const tooSmall = new Uint8Array(100);
  const flowsAgain = twin.take(1, tooSmall)!;
  assert.notEqual(flowsAgain[0].buffer, tooSmall.buffer);
  assert.ok(Buffer.from(flowsAgain[0]).equals(flows[0]));
  assert.ok(
    tooSmall.every((b) => b === 0),
    'a spare too small is not written',
  );
  const events = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await s.query("SELECT event, value FROM system.events WHERE event LIKE 'MergeTreeDataWriterBlocks%' FORMAT TSV"))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.split('\t')[0]!, Number(l.split('\t')[1])]),
    );
  const before = await events();
  await post(s, 'INSERT INTO nat.packets FORMAT Native', packets[0]);
  await post(s, 'INSERT INTO nat.flows FORMAT Native', flows[0]);
  const after = await events();
  const delta = (e: string): number => (after[e] ?? 0) - (before[e] ?? 0);
  assert.equal(delta('MergeTreeDataWriterBlocks'), 2);
  assert.equal(delta('MergeTreeDataWriterBlocksAlreadySorted'), 2, 'the server found both blocks in its key order');
  // One part per table, read back in its stored order by one thread: the server's Native bytes are ours.
  for (const [table, block] of [
    ['packets', packets[0]],
    ['flows', flows[0]],
  ] as const) {
    const back = await post(s, `SELECT * FROM nat.${table} SETTINGS max_threads = 1 FORMAT Native`);
    assert.ok(back.equals(block), `${table}: ${back.length} bytes from the server, ${block.length} encoded`);
  }
  // The sort did something: the stored (key) order is not the capture's time order.
  const ns = (await s.query('SELECT ts_ns FROM nat.packets SETTINGS max_threads = 1 FORMAT TSV')).trim().split('\n');
  assert.notDeepEqual(
    ns,
    [...ns].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)),
  );
  assert.equal((await s.query("SELECT count() FROM nat.packets WHERE community_id = ''")).trim() !== '0', true);
  assert.equal(
    (await s.query('SELECT uniqExact(batch_id), any(batch_id) FROM nat.packets FORMAT TSV')).trim(),
    `1\t${packets[2]}`,
  );
});

test('spooled batches of an earlier run: a Native one the server already stored is recognised by its batch id, a RowBinary one of an earlier version is sent as RowBinary', async (t) => {
  const s = await startClickHouse({ t });
  const dir = makeTempDir('ch-spool-formats');
  t.after(() => dir.remove());
  await createTables(s, 'net');
  const { NativeExporter } = addon();
  const n = new NativeExporter(exporterOptions({ sensor: 'old', iface: '', batchBase: 3n << 20n }));
  const r = await records(['http-lo.pcap']);
  n.add(r.buffer, 0, r.count);
  const [block, rows, id] = n.take(0)!;
  // Stored, but the run ended before it removed the spool file.
  await post(s, 'INSERT INTO net.packets FORMAT Native', block);
  fs.writeFileSync(dir.file(`${id}-packets-${rows}.native`), block);
  // The same rows as another batch in RowBinary, written by the server itself.
  const other = id + 1n;
  const cols = PACKET_COLUMNS.map((c) => (c.name === 'batch_id' ? `toUInt64(${other}) AS batch_id` : c.name)).join(
    ', ',
  );
  fs.writeFileSync(
    dir.file(`${other}-packets-${rows}.rowbinary`),
    await post(s, `SELECT ${cols} FROM net.packets FORMAT RowBinary`),
  );
  const sink = await ClickHouseSink.open(`clickhouse://127.0.0.1:${s.httpPort}/net`, {
    sensor: 'old',
    flows: false,
    spool: { dir: dir.path, maxBytes: 1e9 },
  });
  const st = await sink.close();
  assert.deepEqual([st.deduplicated, st.batchesSent, st.packetRowsSent, st.spooledRows], [1, 2, 2 * rows, 0]);
  assert.deepEqual(fs.readdirSync(dir.path), []);
  assert.equal(
    (await s.query('SELECT batch_id, count() FROM net.packets GROUP BY batch_id ORDER BY batch_id FORMAT TSV')).trim(),
    `${id}\t${rows}\n${other}\t${rows}`,
  );
  const rest = PACKET_COLUMNS.filter((c) => c.name !== 'batch_id')
    .map((c) => c.name)
    .join(', ');
  const of = async (b: bigint): Promise<string> =>
    s.query(`SELECT ${rest} FROM net.packets WHERE batch_id = ${b} ORDER BY ts_ns, tcp_seq FORMAT TSV`);
  assert.equal(await of(other), await of(id));
});

test('FlowTable.addBatch gives the same records as add() packet by packet', async () => {
  for (const name of FILES) {
    const one: FlowRecord[] = [];
    const many: FlowRecord[] = [];
    const a = new FlowTable((f) => one.push(f), { maxFlows: 3 });
    const b = new FlowTable((f) => many.push(f), { maxFlows: 3 });
    for await (const p of openFile(path.join(PCAP, name))) a.add(p);
    for await (const batch of openFile(path.join(PCAP, name)).batches()) b.addBatch(batch);
    a.flush();
    b.flush();
    assert.deepEqual(many, one, name);
    assert.deepEqual(b.stats(), a.stats());
  }
});

test('the native encoder refuses a schema it does not write: an unknown column, or a known one with another type', () => {
  const { NativeExporter } = addon();
  const base = {
    flows: false,
    idleNs: 1e9,
    activeNs: 1e9,
    maxFlows: 10,
    seed: 0,
    sensor: 's',
    iface: '',
    batchBase: 0n,
    batchRows: 10,
  };
  assert.throws(
    () =>
      new NativeExporter({
        ...base,
        packetColumns: [
          ['sensor', 'String'],
          ['color', 'String'],
        ],
      }),
    { name: 'TypeError', message: 'the native encoder has no column color for packets' },
  );
  assert.throws(() => new NativeExporter({ ...base, flowColumns: [['sport', 'UInt32']] }), {
    name: 'TypeError',
    message: 'column flows.sport is UInt32 in the schema but the native encoder writes UInt16',
  });
  const n = new NativeExporter({ ...base, packetColumns: [['sport', 'UInt16']] });
  assert.throws(() => n.add(new ArrayBuffer(100), 0, 1), {
    name: 'RangeError',
    message: "records out of the buffer's bounds",
  });
  assert.throws(() => n.add(new ArrayBuffer(256), 200, 1), RangeError);
});
