/**
 * `pktkit read --flows [--json]`, `pktkit read --to clickhouse://...`,
 * `pktkit schema`, and the sensor options' usage errors, on fixture files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { schemaSql } from '../../lib/clickhouse/schema';
import type { FlowRecord } from '../../lib/flow/table';
import { startClickHouse } from '../helpers/clickhouse';
import { assertSameAsTshark, tsharkConversations } from '../helpers/flows';
import { tsharkFields } from '../helpers/tshark';
import { jsonLines, ROOT, runCli } from './run-cli';

const PCAP = path.join(ROOT, 'test/fixtures/pcap');

/** ns since the epoch of an RFC 3339 time with 9 fraction digits. */
const ns = (iso: string): bigint => BigInt(Date.parse(iso.slice(0, 19) + 'Z')) * 1_000_000n + BigInt(iso.slice(20, 29));

/** An ECS flow document back into the fields the tshark comparison needs. */
function fromEcs(d: Record<string, any>): FlowRecord {
  return {
    proto: Number(d.network.iana_number),
    src: d.source.ip,
    dst: d.destination.ip,
    sport: d.source.port ?? 0,
    dport: d.destination.port ?? 0,
    packetsToDst: d.source.packets,
    bytesToDst: d.source.bytes,
    packetsToSrc: d.destination.packets,
    bytesToSrc: d.destination.bytes,
  } as FlowRecord;
}

test('read --flows --json: one ECS document per flow; sums per flow equal tshark conv,tcp and conv,udp', async () => {
  for (const name of ['http-lo.pcap', 'veth-mixed.pcap']) {
    const file = path.join(PCAP, name);
    const r = await runCli(['read', file, '--flows', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const docs = jsonLines(r.stdout) as Array<Record<string, any>>;
    assert.ok(docs.length >= 3);
    for (const d of docs) {
      assert.equal(d.event.action, 'network_flow');
      assert.deepEqual(d.event.category, ['network']);
      assert.match(d['@timestamp'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      assert.match(d.network.community_id, /^1:[A-Za-z0-9+/]{27}=$/);
      assert.equal(d.network.packets, d.source.packets + d.destination.packets);
      assert.equal(d.event.duration, Number(ns(d.event.end) - ns(d.event.start)));
      assert.equal(d['@timestamp'], d.event.start);
    }
    const flows = docs.map(fromEcs);
    assertSameAsTshark(flows, await tsharkConversations(file, 'tcp'), 6);
    assertSameAsTshark(flows, await tsharkConversations(file, 'udp'), 17);
  }
});

test('read --flows: one text line per flow with both directions, flags, open/close and the Community ID', async () => {
  const r = await runCli(['read', path.join(PCAP, 'http-lo.pcap'), '--flows']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.toString().trim().split('\n');
  assert.equal(lines.length, 3);
  for (const l of lines) {
    assert.match(
      l,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z TCP 127\.0\.0\.1:\d+ > 127\.0\.0\.1:8080 packets 5\/5 bytes \d+\/\d+ flags FSPA\/FSPA retrans 0\/0 handshake\.\.fin 1:\S{28}$/,
    );
  }
});

test('read --ecs: every packet as an ECS document (addresses, ports, lengths as tshark reads them), every flow after its last packet', async () => {
  const file = path.join(PCAP, 'veth-mixed.pcap');
  const r = await runCli(['read', file, '--ecs']);
  assert.equal(r.code, 0, r.stderr);
  const docs = jsonLines(r.stdout) as Array<Record<string, any>>;
  const packets = docs.filter((d) => d.event.action === 'network_packet');
  const flows = docs.filter((d) => d.event.action === 'network_flow');
  const ref = await tsharkFields(
    file,
    [
      'frame.len',
      'ip.src',
      'ipv6.src',
      'ip.dst',
      'ipv6.dst',
      'tcp.srcport',
      'udp.srcport',
      'tcp.dstport',
      'udp.dstport',
    ],
    {
      extraArgs: ['-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'],
    },
  );
  assert.equal(packets.length, ref.length);
  packets.forEach((d, i) => {
    const want = ref[i]!;
    const first = (v: string): string => v.split(',')[0]!;
    assert.equal(d.pktkit.packet.length, Number(want['frame.len']), `frame ${i + 1}`);
    assert.equal(d.source?.ip ?? '', first(want['ip.src'] || want['ipv6.src']!), `frame ${i + 1} source.ip`);
    assert.equal(d.destination?.ip ?? '', first(want['ip.dst'] || want['ipv6.dst']!), `frame ${i + 1} destination.ip`);
    const sport = want['tcp.srcport'] || want['udp.srcport'];
    // ICMP errors quote a UDP header: tshark shows its ports, ECS has none for the ICMP packet itself.
    if (sport && ['tcp', 'udp'].includes(d.network.transport))
      assert.equal(d.source.port, Number(first(sport)), `frame ${i + 1} source.port`);
  });
  // Each flow's packets carry its community_id, and the flow comes after them.
  for (const f of flows) {
    const at = docs.indexOf(f);
    const before = docs
      .slice(0, at)
      .filter((d) => d.event.action === 'network_packet' && d.network?.community_id === f.network.community_id).length;
    assert.ok(
      before >= f.network.packets,
      `${f.network.community_id}: ${before} packets before the flow, it counts ${f.network.packets}`,
    );
  }
  assert.equal(
    flows.reduce((n, f) => n + f.network.packets, 0),
    packets.filter((d) => d.network !== undefined).length,
  );
});

test('schema prints the SQL the sink uses (default database pktkit, or the one named)', async () => {
  const a = await runCli(['schema']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout.toString(), schemaSql('pktkit'));
  const b = await runCli(['schema', 'net']);
  assert.equal(b.stdout.toString(), schemaSql('net'));
  const bad = await runCli(['schema', 'no-dashes']);
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    "pktkit: Expected a database name of letters, digits and _ for 'schema' but received 'no-dashes' (see pktkit --help)\n",
  );
});

test('sensor options: every misuse is one line and exit status 2', async () => {
  const file = path.join(PCAP, 'http-lo.pcap');
  const cases: Array<[string[], string]> = [
    [['read', file, '--flows-only'], '--flows-only, --spool, --spool-size and --sensor apply to --to'],
    [
      ['read', file, '--to', 'mysql://x/db'],
      "Expected a URL like clickhouse://127.0.0.1:8123/db for --to but received 'mysql://x/db'",
    ],
    [
      ['read', file, '--to', 'clickhouse://127.0.0.1/x', '--flows'],
      '--to stores flows already; use --flows-only to store only them',
    ],
    [
      ['read', file, '--to', 'clickhouse://127.0.0.1/x', '--json'],
      '--to cannot be combined with --json, -w, -x, -X, -v, --follow or --print',
    ],
    [['read', file, '--flows', '-v'], '--flows cannot be combined with -w, -x, -X, -v, --follow or --print'],
    [
      ['read', file, '--to', 'clickhouse://127.0.0.1/x', '--spool', '/tmp/x'],
      "Option --spool does not apply to 'read'",
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr, `pktkit: ${message} (see pktkit --help)\n`);
  }
});

test('read --to clickhouse:// [--flows-only]: rows stored, a summary on stderr; refused credentials: one line, exit 1', async (t) => {
  const s = await startClickHouse({ t, password: 'pw' });
  const file = path.join(PCAP, 'veth-mixed.pcap');
  const all = await runCli(['read', file, '--to', `clickhouse://default:pw@127.0.0.1:${s.httpPort}/cli`, '-q']);
  assert.equal(all.code, 0, all.stderr);
  const m =
    /^pktkit: (\d+) packets, (\d+) flows, (\d+) packet rows and (\d+) flow rows sent, 0 rows spooled, 0 dropped$/m.exec(
      all.stderr,
    );
  assert.ok(m, all.stderr);
  assert.equal(m[1], m[3]);
  assert.equal(m[2], m[4]);
  assert.equal((await s.query('SELECT count() FROM cli.packets')).trim(), m[1]);
  assert.equal((await s.query('SELECT count() FROM cli.flows')).trim(), m[2]);

  const only = await runCli(
    ['read', path.join(PCAP, 'http-lo.pcap'), '--to', `clickhouse://127.0.0.1:${s.httpPort}/only`, '--flows-only'],
    { env: { PKTKIT_CLICKHOUSE_PASSWORD: 'pw' } },
  );
  assert.equal(only.code, 0, only.stderr);
  assert.match(
    only.stderr,
    /pktkit: 30 packets, 3 flows, 0 packet rows and 3 flow rows sent, 0 rows spooled, 0 dropped\n/,
  );
  assert.equal((await s.query('SELECT count() FROM only.packets')).trim(), '0');
  assert.equal((await s.query('SELECT sum(packets_to_dst + packets_to_src) FROM only.flows')).trim(), '30');

  const refused = await runCli(['read', file, '--to', `clickhouse://default:nope@127.0.0.1:${s.httpPort}/cli`, '-q']);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    new RegExp(
      `^pktkit: ClickHouse at http://127.0.0.1:${s.httpPort} refused the credentials of user 'default': [^\\n]+\\n$`,
    ),
  );
});
