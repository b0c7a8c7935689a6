/**
 * `--json` against `tshark -T fields` on real mixed traffic made between two
 * namespaces of this test's own: ARP, ICMP echo and port-unreachable errors,
 * IPv4 and IPv6 fragments, DNS over UDP and TCP (dnsmasq), TCP with options,
 * UDP, IPv6. The same traffic is also written by `pktkit capture -w` (pcap),
 * which tshark must read as the same packets tcpdump wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { startDnsmasq } from '../helpers/dnsmasq';
import { canCreateNamespaces, createNetPair } from '../helpers/netns';
import { startTcpdump } from '../helpers/tcpdump';
import { tsharkFields } from '../helpers/tshark';
import { cliCommand, jsonLines, ROOT, runCli } from './run-cli';
import { differencesFromTshark, DNS_FIELDS, JSON_FIELDS, NO_DEFRAGMENT } from './tshark-json';

const TSX = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

const FIELDS = [...JSON_FIELDS, ...DNS_FIELDS];

test(
  '--json agrees with tshark on mixed real traffic; -w pcap holds the same packets',
  { skip: !canCreateNamespaces() && 'needs root (network namespaces)' },
  async (t) => {
    const net = await createNetPair({ t, prefix: 'clij' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-json-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const refFile = path.join(dir, 'tcpdump.pcap');
    const ourFile = path.join(dir, 'pktkit.pcap');
    const name = 'host.pktkit.test';

    await startDnsmasq(net, {
      [name]: [net.host4(77), net.host6(0x77)],
      [`tcp.${name}`]: [net.host4(78)],
    });

    const tcpdump = await startTcpdump({ ns: net.nsA, iface: net.ifA, file: refFile });
    const [cmd, ...rest] = cliCommand(['capture', '-i', net.ifA, '-w', ourFile]);
    const ours = net.spawn(net.nsA, cmd!, rest, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let oursErr = '';
    ours.stderr!.on('data', (b: Buffer) => (oursErr += b.toString()));
    for (let i = 0; i < 200 && !/listening on/.test(oursErr); i++) await sleep(50);
    assert.match(oursErr, /listening on/);

    await net.execOk(net.nsA, 'ping', ['-c', '2', '-i', '0.2', '-W', '2', net.ipB]);
    await net.execOk(net.nsA, 'ping', ['-c', '1', '-s', '3000', '-W', '2', net.ipB]);
    await net.execOk(net.nsA, 'ping', ['-6', '-c', '1', '-W', '2', net.ip6B]);
    await net.execOk(net.nsA, 'ping', ['-6', '-c', '1', '-s', '3000', '-W', '2', net.ip6B]);
    const traffic = await net.execOk(
      net.nsA,
      process.execPath,
      ['--import', TSX, path.join(__dirname, 'children', 'mixed-traffic.ts'), net.ipB, net.ip6B, name],
      { cwd: ROOT },
    );
    const answers = JSON.parse(traffic.stdout.trim().split('\n').pop()!) as {
      a: string[];
      aaaa: string[];
      tcpAnswer: number;
    };
    assert.deepEqual(answers.a, [net.host4(77)]);
    assert.ok(answers.tcpAnswer > 0);

    await sleep(300);
    await tcpdump.stop({ settleMs: 200 });
    ours.kill('SIGINT');
    await new Promise((resolve) => ours.once('close', resolve));
    assert.match(oursErr, /\d+ packets captured/);

    const expected = await tsharkFields(refFile, FIELDS, { extraArgs: NO_DEFRAGMENT });
    const result = await runCli(['read', refFile, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const got = jsonLines(result.stdout);
    assert.equal(got.length, expected.length);

    // The traffic really is mixed: every kind the issue names is in it.
    const kinds = (f: string, v?: string): number =>
      expected.filter((r) => r[f] !== '' && (v === undefined || r[f]!.split(',').includes(v))).length;
    assert.ok(kinds('arp.opcode') > 0, 'ARP');
    assert.ok(kinds('icmp.type', '8') > 0 && kinds('icmp.type', '3') > 0, 'ICMP echo and error');
    assert.ok(kinds('icmpv6.type', '128') > 0 && kinds('icmpv6.type', '1') > 0, 'ICMPv6 echo and error');
    assert.ok(
      expected.some((r) => r['ip.frag_offset'] !== '' && r['ip.frag_offset'] !== '0'),
      'IPv4 fragments',
    );
    assert.ok(kinds('ipv6.nxt', '44') > 0, 'IPv6 fragments');
    assert.ok(
      expected.some((r) => r['dns.a'] !== '' && r['udp.srcport'] === '53'),
      'DNS over UDP',
    );
    assert.ok(
      expected.some((r) => r['dns.a'] !== '' && r['tcp.srcport'] === '53'),
      'DNS over TCP',
    );
    assert.ok(kinds('dns.aaaa') > 0, 'AAAA');
    assert.ok(kinds('tcp.options.mss_val') > 0, 'TCP with options');

    assert.deepEqual(differencesFromTshark(got, expected, FIELDS), []);

    // -w: the packets pktkit wrote are the packets tcpdump wrote.
    const sig = [
      'frame.len',
      'eth.src',
      'eth.dst',
      'eth.type',
      'ip.id',
      'ipv6.plen',
      'tcp.seq_raw',
      'udp.length',
      'icmp.type',
      'icmpv6.type',
      'arp.opcode',
    ];
    // (Except the MLD reports the kernel sends on its own after link-up, which may come before pktkit listens.)
    const noMld = { extraArgs: NO_DEFRAGMENT, filter: 'not icmpv6.type == 143' };
    const a = await tsharkFields(refFile, sig, noMld);
    const b = await tsharkFields(ourFile, sig, noMld);
    assert.ok(a.length > 20);
    assert.deepEqual(b, a);
  },
);
