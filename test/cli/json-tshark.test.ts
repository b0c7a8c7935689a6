/**
 * `pktkit read --json` agrees field by field with `tshark -T fields` on the
 * fixture captures of real traffic (ARP, ICMP echo and errors, IPv4 and IPv6
 * fragments, UDP, TCP with options, HTTP, VLAN, cooked captures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tsharkFields } from '../helpers/tshark';
import { jsonLines, ROOT, runCli } from './run-cli';
import { differencesFromTshark, JSON_FIELDS, NO_DEFRAGMENT } from './tshark-json';

const FILES = [
  'veth-mixed.pcap',
  'http-lo.pcap',
  'http-lo.pcapng',
  'http-lo-snap96.pcap',
  'veth-vlan.pcap',
  'any-sll2.pcap',
];

for (const name of FILES) {
  test(`--json agrees with tshark -T fields: ${name}`, async () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'pcap', name);
    const [expected, result] = await Promise.all([
      tsharkFields(file, JSON_FIELDS, { extraArgs: NO_DEFRAGMENT }),
      runCli(['read', file, '--json']),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const got = jsonLines(result.stdout);
    assert.equal(got.length, expected.length, 'one JSON object per packet');
    assert.ok(got.length > 0);
    assert.deepEqual(differencesFromTshark(got, expected, JSON_FIELDS), []);
  });
}
