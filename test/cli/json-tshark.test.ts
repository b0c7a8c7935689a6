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

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'eth.dst',
  'eth.src',
  'eth.type',
  'vlan.id',
  'ieee8021ad.id',
  'arp.opcode',
  'arp.src.hw_mac',
  'arp.src.proto_ipv4',
  'arp.dst.hw_mac',
  'arp.dst.proto_ipv4',
  'ip.version',
  'ip.hdr_len',
  'ip.dsfield',
  'ip.len',
  'ip.id',
  'ip.flags',
  'ip.frag_offset',
  'ip.ttl',
  'ip.proto',
  'ip.src',
  'ip.dst',
  'ipv6.version',
  'ipv6.plen',
  'ipv6.nxt',
  'ipv6.hlim',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.stream',
  'tcp.len',
  'tcp.seq',
  'tcp.seq_raw',
  'tcp.nxtseq',
  'tcp.ack',
  'tcp.ack_raw',
  'tcp.hdr_len',
  'tcp.flags',
  'tcp.flags.str',
  'tcp.window_size_value',
  'tcp.window_size',
  'tcp.options.mss_val',
  'tcp.options.wscale.shift',
  'tcp.options.timestamp.tsval',
  'tcp.options.timestamp.tsecr',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
  'icmp.type',
  'icmp.code',
  'icmp.ident',
  'icmp.seq',
  'icmpv6.type',
  'icmpv6.code',
  'icmpv6.echo.identifier',
  'icmpv6.echo.sequence_number',
];

// Reassembly would move the ICMP fields to the last fragment; pktkit decodes the first fragment.
const TSHARK_OPTIONS = ['-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'];

const FILES = [
  'veth-mixed.pcap',
  'http-lo.pcap',
  'http-lo.pcapng',
  'http-lo-snap96.pcap',
  'veth-vlan.pcap',
  'any-sll2.pcap',
];

const shown = (v: unknown): string => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));

for (const name of FILES) {
  test(`--json agrees with tshark -T fields: ${name}`, async () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'pcap', name);
    const [expected, result] = await Promise.all([
      tsharkFields(file, FIELDS, { extraArgs: TSHARK_OPTIONS }),
      runCli(['read', file, '--json']),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const got = jsonLines(result.stdout);
    assert.equal(got.length, expected.length, 'one JSON object per packet');
    assert.ok(got.length > 0);
    const differences: string[] = [];
    got.forEach((obj, i) => {
      for (const f of FIELDS) {
        const want = expected[i]![f]!;
        const have = shown(obj[f]);
        if (want !== have) differences.push(`frame ${i + 1} ${f}: tshark '${want}', pktkit '${have}'`);
      }
    });
    assert.deepEqual(differences, []);
  });
}
