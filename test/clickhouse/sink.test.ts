import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { ClickHouseSink, parseClickHouseUrl } from '../../lib/clickhouse/sink';
import { schemaSql } from '../../lib/clickhouse/schema';
import { openFile } from '../../lib/capture';
import { FlowTable, type FlowRecord } from '../../lib/flow/table';
import { PktkitError } from '../../lib/errors';
import { startClickHouse } from '../helpers/clickhouse';
import { makeTempDir } from '../helpers/loopback';
import { assertSameAsTshark, flowRows, tsharkConversations } from '../helpers/flows';

const PCAP = path.join(__dirname, '../fixtures/pcap');

async function feed(sink: ClickHouseSink, file: string, times = 1): Promise<number> {
  let n = 0;
  for (let i = 0; i < times; i++) {
    for await (const p of openFile(file)) {
      sink.add(p);
      n++;
      if (sink.full) await sink.ready();
    }
  }
  return n;
}

test('parseClickHouseUrl: clickhouse://user:pass@host:port/db, defaults, and one clear TypeError for a bad URL', () => {
  assert.deepEqual(parseClickHouseUrl('clickhouse://u:p%40ss@127.0.0.1:9123/net'), {
    url: 'http://127.0.0.1:9123',
    database: 'net',
    username: 'u',
    password: 'p@ss',
  });
  assert.deepEqual(parseClickHouseUrl('clickhouse://127.0.0.1'), {
    url: 'http://127.0.0.1:8123',
    database: 'pktkit',
    username: 'default',
    password: process.env.PKTKIT_CLICKHOUSE_PASSWORD ?? '',
  });
  assert.throws(() => parseClickHouseUrl('mysql://x/db'), {
    name: 'TypeError',
    message: "Expected a clickhouse://, http:// or https:// URL for url but received 'mysql://x/db' of type string",
  });
  assert.throws(() => parseClickHouseUrl('clickhouse://h/bad-name'), /a database name of letters, digits and _/);
  assert.throws(() => parseClickHouseUrl('not a url'), /Expected a URL like clickhouse:/);
});

test('files into a real ClickHouse: tables made on first use; packet rows = packets; flows per tshark conv; community ids join packets to flows', async (t) => {
  const s = await startClickHouse({ t });
  const sink = await ClickHouseSink.open(`clickhouse://127.0.0.1:${s.httpPort}/net`, {
    sensor: 'sensor-a',
    batchRows: 7,
  });
  let n = 0;
  for (const f of ['http-lo.pcap', 'veth-mixed.pcap']) n += await feed(sink, path.join(PCAP, f));
  const stats = await sink.close();
  assert.equal(stats.packets, n);
  assert.equal(stats.packetRowsSent, n);
  assert.equal(Number((await s.query('SELECT count() FROM net.packets')).trim()), n);
  // Batches of at most 7 rows (the timer may cut a batch short), every row with its sensor.
  assert.ok(
    Number((await s.query("SELECT uniqExact(batch_id) FROM net.packets WHERE sensor = 'sensor-a'")).trim()) >=
      Math.ceil(n / 7),
  );
  assert.equal(
    (await s.query('SELECT max(c) FROM (SELECT count() AS c FROM net.packets GROUP BY batch_id)')).trim(),
    '7',
  );
  assert.equal(Number((await s.query('SELECT count() FROM net.flows')).trim()), stats.flows);
  assert.equal(stats.flowRowsSent, stats.flows);

  // Flows, per file, against tshark's conversations (the two files share no tuple).
  const rows = await flowRows(s, 'net');
  for (const f of ['http-lo.pcap', 'veth-mixed.pcap']) {
    const file = path.join(PCAP, f);
    const tcp = await tsharkConversations(file, 'tcp');
    const udp = await tsharkConversations(file, 'udp');
    const mine = rows.filter((r) =>
      tcp.concat(udp).some((c) => c.a.startsWith(r.src + ':') || c.b.startsWith(r.src + ':')),
    );
    assertSameAsTshark(mine, tcp, 6);
    assertSameAsTshark(mine, udp, 17);
  }
  // The same flows as the flow table computes in memory.
  const expected: FlowRecord[] = [];
  const table = new FlowTable((f) => expected.push(f));
  for (const f of ['http-lo.pcap', 'veth-mixed.pcap']) for await (const p of openFile(path.join(PCAP, f))) table.add(p);
  table.flush();
  const key = (f: FlowRecord): string =>
    [
      f.communityId,
      f.src,
      f.sport,
      f.dst,
      f.dport,
      f.packetsToDst,
      f.bytesToDst,
      f.packetsToSrc,
      f.bytesToSrc,
      f.open,
      f.close,
    ].join(' ');
  assert.deepEqual(rows.map(key).sort(), expected.map(key).sort());
  // Every packet with a flow carries its flow's id: summing packets per id gives the flow sums.
  const perId = await s.query(
    "SELECT community_id, count() FROM net.packets WHERE community_id != '' GROUP BY community_id ORDER BY community_id FORMAT TSV",
  );
  const flowsPerId = await s.query(
    'SELECT community_id, sum(packets_to_dst + packets_to_src) FROM net.flows GROUP BY community_id ORDER BY community_id FORMAT TSV',
  );
  assert.equal(perId, flowsPerId);
  // Times and addresses survive exactly: the first packet of http-lo.pcap.
  const first = (
    await s.query(
      'SELECT ts_ns, IPv6NumToString(src), sport, tcp_flags, wire_len FROM net.packets ORDER BY ts_ns LIMIT 1 FORMAT TSV',
    )
  ).trim();
  let p0: string | undefined;
  for await (const p of openFile(path.join(PCAP, 'http-lo.pcap'))) {
    p0 ??= [
      BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec),
      `::ffff:${p.ip!.src}`,
      p.tcp!.sport,
      p.tcp!.flags,
      p.length,
    ].join('\t');
  }
  assert.equal(first, p0);
});

test('--flows-only (packets: false) stores flows and no packet rows; a second open checks the existing tables', async (t) => {
  const s = await startClickHouse({ t });
  const url = `clickhouse://127.0.0.1:${s.httpPort}/only`;
  const sink = await ClickHouseSink.open(url, { packets: false });
  await feed(sink, path.join(PCAP, 'http-lo.pcap'));
  const st = await sink.close();
  assert.deepEqual([st.packetRowsSent, st.flowRowsSent, st.flows], [0, 3, 3]);
  assert.equal((await s.query('SELECT count() FROM only.packets')).trim(), '0');
  assert.equal((await s.query('SELECT sum(packets_to_dst + packets_to_src) FROM only.flows')).trim(), '30');
  // Existing tables with the right columns are accepted.
  await (await ClickHouseSink.open(url)).close();
});

test('a table with other columns is one clear schema error; refused credentials are one clear auth error; no server is one clear error', async (t) => {
  const s = await startClickHouse({ t, password: 'secret' });
  await s.query('CREATE DATABASE other');
  await s.query('CREATE TABLE other.packets (x UInt8) ENGINE = MergeTree ORDER BY x');
  await assert.rejects(
    ClickHouseSink.open(`clickhouse://default:secret@127.0.0.1:${s.httpPort}/other`),
    (e: unknown) => {
      assert.ok(e instanceof PktkitError);
      assert.equal(e.code, 'ECLICKHOUSE_SCHEMA');
      assert.equal(
        e.message,
        "ClickHouse table other.packets does not have pktkit's schema: column 1 is x UInt8, expected sensor String (see pktkit schema)",
      );
      return true;
    },
  );
  await assert.rejects(ClickHouseSink.open(`clickhouse://default:wrong@127.0.0.1:${s.httpPort}/net`), (e: unknown) => {
    assert.ok(e instanceof PktkitError);
    assert.equal(e.code, 'ECLICKHOUSE_AUTH');
    assert.match(e.message, /^ClickHouse at http:\/\/127\.0\.0\.1:\d+ refused the credentials of user 'default': /);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  const closed = await new Promise<number>((r) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => r(port));
    });
  });
  await assert.rejects(ClickHouseSink.open(`clickhouse://127.0.0.1:${closed}/net`), {
    code: 'ECLICKHOUSE',
    message: new RegExp(`^ClickHouse at http://127.0.0.1:${closed}: .*ECONNREFUSED`),
  });
});

test('the server killed (SIGKILL) mid-stream and restarted: reading waits, then every row is stored exactly once', async (t) => {
  const dir = makeTempDir('ch-restart');
  let s = await startClickHouse({ dir });
  // One hook, in this order: the server (whichever of the two is running) stops before its directory goes.
  t.after(async () => {
    await s.stop(true);
    dir.remove();
  });
  const { httpPort, tcpPort } = s;
  const sink = await ClickHouseSink.open(`clickhouse://127.0.0.1:${httpPort}/net`, {
    batchRows: 20,
    maxPending: 2,
    retryForMs: 120_000,
  });
  let n = await feed(sink, path.join(PCAP, 'http-lo.pcap'), 5);
  // Wait until the server has some rows, so that the kill falls between batches or in one.
  while (sink.stats().packetRowsSent === 0) await new Promise((r) => setTimeout(r, 20));
  await s.kill();
  // While it is down, adding goes on until backpressure holds the reader.
  const more = feed(sink, path.join(PCAP, 'http-lo.pcap'), 10);
  // Until the sink has tried and failed (however slow the machine is).
  for (let i = 0; i < 600 && sink.stats().retries === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(sink.stats().retries > 0, 'the sink noticed');
  s = await startClickHouse({ dir, httpPort, tcpPort });
  n += await more;
  const st = await sink.close();
  assert.equal(st.packetRowsSent, n);
  assert.equal(Number((await s.query('SELECT count() FROM net.packets')).trim()), n);
  // None doubled: no batch id holds more rows than a batch has (20; the 1 s timer may cut one shorter).
  assert.equal(
    (
      await s.query('SELECT max(c) <= 20 FROM (SELECT batch_id, count() AS c FROM net.packets GROUP BY batch_id)')
    ).trim(),
    '1',
  );
  assert.equal(Number((await s.query('SELECT sum(packets_to_dst + packets_to_src) FROM net.flows')).trim()), n);
});

test('an insert whose answer is lost (the connection cut after the server stored it) is recognised by its batch id, not stored twice', async (t) => {
  const s = await startClickHouse({ t });
  // A proxy that passes everything but cuts the client off after the server answered the first INSERT.
  let cut = 0;
  const proxy = net.createServer((client) => {
    const server = net.connect(s.httpPort, '127.0.0.1');
    let isInsert = false;
    client.on('data', (d: Buffer) => {
      if (d.includes('INSERT')) isInsert = true;
      server.write(d);
    });
    server.on('data', (d: Buffer) => {
      if (isInsert && cut === 0) {
        cut++;
        client.destroy();
        server.destroy();
        return;
      }
      client.write(d);
    });
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.on('close', () => server.end());
    server.on('close', () => client.end());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => proxy.close());
  const port = (proxy.address() as net.AddressInfo).port;
  const sink = await ClickHouseSink.open(`clickhouse://127.0.0.1:${port}/net`, { flows: false });
  const n = await feed(sink, path.join(PCAP, 'http-lo.pcap'));
  const st = await sink.close();
  assert.equal(cut, 1, 'the proxy cut one answer');
  assert.deepEqual([st.retries, st.deduplicated, st.packetRowsSent], [1, 1, n]);
  assert.equal(Number((await s.query('SELECT count() FROM net.packets')).trim()), n);
});

test('live with a spool: the server down takes batches to disk (bounded, overflow counted); back up, the spool is sent and emptied', async (t) => {
  const dir = makeTempDir('ch-spool');
  const spoolDir = path.join(dir.path, 'spool');
  let s = await startClickHouse({ dir });
  t.after(async () => {
    await s.stop(true);
    dir.remove();
  });
  const { httpPort, tcpPort } = s;
  const sink = await ClickHouseSink.open(`clickhouse://127.0.0.1:${httpPort}/net`, {
    batchRows: 30,
    maxPending: 1,
    live: true,
    flows: false,
    spool: { dir: spoolDir, maxBytes: 20_000 },
  });
  await s.kill();
  let n = 0;
  for (let i = 0; i < 12; i++) {
    n += await feed(sink, path.join(PCAP, 'http-lo.pcap'));
    assert.equal(sink.full, false, 'a spool never holds the reader');
  }
  // Spool files are written asynchronously: wait (bounded) until the last batches are on disk or dropped.
  for (let i = 0; i < 600 && sink.stats().spooledRows + sink.stats().droppedRows + sink.stats().pendingRows < n; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const down = sink.stats();
  assert.ok(down.spooledRows > 0, JSON.stringify(down));
  assert.ok(down.droppedRows > 0, `20 kB cannot hold ${n} rows: ${JSON.stringify(down)}`);
  assert.ok(fs.readdirSync(spoolDir).length > 0);
  const spoolBytes = fs.readdirSync(spoolDir).reduce((b, f) => b + fs.statSync(path.join(spoolDir, f)).size, 0);
  assert.ok(spoolBytes <= 20_000, `spool holds ${spoolBytes} bytes`);
  s = await startClickHouse({ dir, httpPort, tcpPort });
  const st = await sink.close();
  assert.equal(st.packetRowsSent + st.droppedRows, n, JSON.stringify(st));
  assert.equal(Number((await s.query('SELECT count() FROM net.packets')).trim()), st.packetRowsSent);
  assert.equal(st.spooledRows, 0);
  assert.deepEqual(fs.readdirSync(spoolDir), []);
});

test('schemaSql is what the server accepts, and the tables it makes are the ones the sink checks', async (t) => {
  const s = await startClickHouse({ t });
  for (const stmt of schemaSql('made')
    .split(';\n')
    .map((x) => x.trim())
    .filter(Boolean))
    await s.query(stmt);
  await (await ClickHouseSink.open(`clickhouse://127.0.0.1:${s.httpPort}/made`)).close();
});
