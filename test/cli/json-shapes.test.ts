/**
 * `--json=ek` and `--json=json` are tshark's `-T ek` / `-T json` with `-e`
 * fields, value for value (every value an array of strings, ek's names with
 * underscores, the index named after the packet's date); the convenience
 * fields (ip.addr, ipv6.addr, tcp.port, udp.port) and the payload fields
 * (tcp.payload, udp.payload) agree with tshark -T fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runOk } from '../helpers/processes';
import { tsharkFields } from '../helpers/tshark';
import { jsonLines, ROOT, runCli } from './run-cli';

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'eth.dst',
  'eth.src',
  'eth.type',
  'vlan.id',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
  'ip.version',
  'ip.hdr_len',
  'ip.len',
  'ip.id',
  'ip.flags',
  'ip.ttl',
  'ip.proto',
  'ip.src',
  'ip.dst',
  'ip.addr',
  'ipv6.plen',
  'ipv6.nxt',
  'ipv6.hlim',
  'ipv6.src',
  'ipv6.dst',
  'ipv6.addr',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.port',
  'tcp.stream',
  'tcp.len',
  'tcp.seq',
  'tcp.seq_raw',
  'tcp.ack',
  'tcp.flags',
  'tcp.flags.str',
  'tcp.window_size_value',
  'tcp.options.mss_val',
  'tcp.payload',
  'udp.srcport',
  'udp.dstport',
  'udp.port',
  'udp.length',
  'udp.payload',
  'icmp.type',
  'icmp.code',
  'icmp.ident',
  'icmp.seq',
  'icmpv6.type',
  'icmpv6.code',
];
const NEW = ['ip.addr', 'ipv6.addr', 'tcp.port', 'udp.port', 'tcp.payload', 'udp.payload'];
const TSHARK_OPTIONS = ['-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'];
const FILES = ['veth-mixed.pcap', 'http-lo.pcap', 'veth-vlan.pcap', 'any-sll2.pcap'];
const UTC = { ...process.env, TZ: 'UTC' };

const only = (layers: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(layers).filter(([k]) => names.includes(k)));

const tshark = async (file: string, format: 'ek' | 'json'): Promise<string> =>
  (
    await runOk(null, 'tshark', ['-r', file, '-T', format, ...FIELDS.flatMap((f) => ['-e', f]), ...TSHARK_OPTIONS], {
      env: UTC,
      timeoutMs: 120_000,
    })
  ).stdout;

for (const name of FILES) {
  test(`--json=ek, --json=json and the new flat fields agree with tshark: ${name}`, async () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'pcap', name);

    // Flat: the convenience and payload fields, as tshark -T fields prints them (occurrences joined by ',').
    const rows = await tsharkFields(file, NEW, { extraArgs: TSHARK_OPTIONS });
    const flat = jsonLines((await runCli(['-r', file, '--json'])).stdout);
    assert.equal(flat.length, rows.length);
    const shown = (v: unknown): string => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));
    const diffs: string[] = [];
    flat.forEach((o, i) =>
      NEW.forEach(
        (f) =>
          shown(o[f]) !== rows[i]![f] &&
          diffs.push(`frame ${i + 1} ${f}: tshark '${rows[i]![f]}', pktkit '${shown(o[f])}'`),
      ),
    );
    assert.deepEqual(diffs, []);
    assert.ok(rows.some((r) => r['ip.addr'] !== '' || r['ipv6.addr'] !== ''));

    // -T ek: index line, then the document, for each packet.
    const theirEk = (await tshark(file, 'ek'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ek = await runCli(['-r', file, '--json=ek']);
    assert.equal(ek.code, 0, ek.stderr);
    const ourEk = jsonLines(ek.stdout);
    assert.equal(ourEk.length, theirEk.length);
    const ekNames = FIELDS.map((f) => f.replace(/\./g, '_'));
    ourEk.forEach((o, i) => {
      const t = theirEk[i]!;
      if ('index' in t) return assert.deepEqual(o, t, `index line ${i}`);
      assert.equal(o.timestamp, t.timestamp, `timestamp ${i}`);
      assert.deepEqual(only(o.layers as Record<string, unknown>, ekNames), t.layers, `packet ${(i + 1) / 2}`);
    });

    // -T json: one array.
    type Doc = { _index: string; _type: string; _score: null; _source: { layers: Record<string, unknown> } };
    const theirJson = JSON.parse(await tshark(file, 'json')) as Doc[];
    const js = await runCli(['-r', file, '--json=json']);
    assert.equal(js.code, 0, js.stderr);
    const ourJson = JSON.parse(js.stdout.toString('utf8')) as Doc[];
    assert.equal(ourJson.length, theirJson.length);
    ourJson.forEach((d, i) =>
      assert.deepEqual({ ...d, _source: { layers: only(d._source.layers, FIELDS) } }, theirJson[i], `packet ${i + 1}`),
    );
  });
}

test('--json=json with no packet is an empty array; a JSON reader reads it', async () => {
  const file = path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap');
  const r = await runCli(['-r', file, '--json=json', 'udp']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.toString()), []);
  const t = await runOk(null, 'tshark', ['-r', file, '-T', 'json', '-Y', 'udp']);
  assert.deepEqual(JSON.parse(t.stdout === '' ? '[]' : t.stdout), []);
});
