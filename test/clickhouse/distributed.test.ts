/**
 * Many hosts: two clickhouse-server processes as the two shards of one
 * cluster, each fed by its own sensor (`pktkit read --to`), and a
 * `Distributed` table over both. The cluster's count() and per-flow sums
 * equal what the two sensors counted and tshark's conversation tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { distributedSql } from '../../lib/clickhouse/schema';
import { CLICKHOUSE_SERVER, startClickHouse } from '../helpers/clickhouse';
import { tsharkConversations } from '../helpers/flows';
import { freePort } from '../helpers/loopback';
import { ROOT, runCli } from '../cli/run-cli';

const PCAP = path.join(ROOT, 'test/fixtures/pcap');

test(
  'two shards behind a Distributed table: count() and per-flow sums equal what the two sensors counted',
  { skip: !CLICKHOUSE_SERVER && 'clickhouse-server not installed' },
  async (t) => {
    const ports = [];
    for (let i = 0; i < 4; i++) ports.push(await freePort());
    const cluster = `<pktkit_cluster>${[ports[1], ports[3]].map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('')}</pktkit_cluster>`;
    const shards = [
      await startClickHouse({ t, httpPort: ports[0], tcpPort: ports[1], remoteServers: cluster }),
      await startClickHouse({ t, httpPort: ports[2], tcpPort: ports[3], remoteServers: cluster }),
    ];
    // Each sensor reads its own capture into its own shard; the tables are made on first use.
    const sensors = [
      { name: 'sensor-a', file: path.join(PCAP, 'http-lo.pcap') },
      { name: 'sensor-b', file: path.join(PCAP, 'veth-mixed.pcap') },
    ];
    const counted = [];
    for (let i = 0; i < 2; i++) {
      const r = await runCli([
        'read',
        sensors[i]!.file,
        '--to',
        `clickhouse://127.0.0.1:${shards[i]!.httpPort}/net`,
        '--sensor',
        sensors[i]!.name,
        '-q',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const m = /pktkit: (\d+) packets, (\d+) flows, (\d+) packet rows and (\d+) flow rows sent/.exec(r.stderr);
      assert.ok(m, r.stderr);
      counted.push({ packets: Number(m[3]), flows: Number(m[4]) });
    }
    for (const stmt of distributedSql('net', 'pktkit_cluster')
      .split(';\n')
      .map((s) => s.trim())
      .filter(Boolean))
      await shards[0]!.query(stmt);

    const q = async (sql: string): Promise<string> => (await shards[0]!.query(sql)).trim();
    assert.equal(Number(await q('SELECT count() FROM net.packets_all')), counted[0]!.packets + counted[1]!.packets);
    assert.equal(Number(await q('SELECT count() FROM net.flows_all')), counted[0]!.flows + counted[1]!.flows);
    assert.equal(
      await q('SELECT sensor, count() FROM net.packets_all GROUP BY sensor ORDER BY sensor FORMAT CSV'),
      `"sensor-a",${counted[0]!.packets}\n"sensor-b",${counted[1]!.packets}`,
    );
    // Only shard 1 holds sensor-a: the rows really come from two servers.
    assert.equal(await q("SELECT count() FROM net.packets WHERE sensor = 'sensor-b'"), '0');

    // Per-flow sums across the cluster against tshark's conversations of each sensor's capture.
    for (const [i, s] of sensors.entries()) {
      for (const [kind, proto] of [
        ['tcp', 6],
        ['udp', 17],
      ] as const) {
        for (const c of await tsharkConversations(s.file, kind)) {
          const [a, ap] = [c.a.slice(0, c.a.lastIndexOf(':')), c.a.slice(c.a.lastIndexOf(':') + 1)];
          const [b, bp] = [c.b.slice(0, c.b.lastIndexOf(':')), c.b.slice(c.b.lastIndexOf(':') + 1)];
          const addr = (ip: string): string =>
            ip.includes(':') ? `IPv6StringToNum('${ip}')` : `IPv6StringToNum('::ffff:${ip}')`;
          const row = await q(
            `SELECT sum(packets_to_dst), sum(bytes_to_dst), sum(packets_to_src), sum(bytes_to_src) FROM net.flows_all
           WHERE sensor = '${s.name}' AND proto = ${proto} AND src = ${addr(a)} AND sport = ${ap} AND dst = ${addr(b)} AND dport = ${bp} FORMAT TSV`,
          );
          const rev = await q(
            `SELECT sum(packets_to_src), sum(bytes_to_src), sum(packets_to_dst), sum(bytes_to_dst) FROM net.flows_all
           WHERE sensor = '${s.name}' AND proto = ${proto} AND src = ${addr(b)} AND sport = ${bp} AND dst = ${addr(a)} AND dport = ${ap} FORMAT TSV`,
          );
          const sum = row
            .split('\t')
            .map(Number)
            .map((v, k) => v + Number(rev.split('\t')[k]));
          assert.deepEqual(
            sum,
            [c.framesAB, c.bytesAB, c.framesBA, c.bytesBA],
            `shard ${i + 1}: ${kind} ${c.a} <-> ${c.b}`,
          );
        }
      }
    }
  },
);
