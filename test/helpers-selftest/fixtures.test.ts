// The committed capture fixtures are what test/fixtures/FIXTURES.md says they
// are, as tshark, tcpdump and capinfos read them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readPcap } from '../helpers/pcap-file';
import { capinfos, tcpdumpRead, tcpdumpReadRaw, tsharkFields } from '../helpers/tshark';

const dir = path.join(__dirname, '..', 'fixtures', 'pcap');
const fixture = (name: string) => path.join(dir, name);

describe('fixtures', () => {
  test('every fixture is listed in FIXTURES.md and under 100 KB', () => {
    const table = fs.readFileSync(path.join(dir, '..', 'FIXTURES.md'), 'utf8');
    const files = fs.readdirSync(dir);
    assert.ok(files.length >= 9);
    for (const f of files) {
      assert.ok(table.includes(`\`${f}\``), `${f} is not described in FIXTURES.md`);
      assert.ok(fs.statSync(fixture(f)).size < 100 * 1024, `${f} is too large`);
    }
  });

  test('http-lo: 30 packets of an HTTP exchange on 127.0.0.1:8080, microsecond pcap', async () => {
    const info = await capinfos(fixture('http-lo.pcap'));
    assert.equal(info['Number of packets'], '30');
    assert.equal(info['File encapsulation'], 'ether');
    const { header } = readPcap(fixture('http-lo.pcap'));
    assert.equal(header.nanosecond, false);
    assert.equal(header.linkType, 1);
    const http = await tsharkFields(
      fixture('http-lo.pcap'),
      ['http.request.method', 'http.request.uri', 'http.response.code'],
      { filter: 'http' },
    );
    assert.deepEqual(
      http.map((r) => r['http.request.method'] || r['http.response.code']),
      ['GET', '200', 'POST', '200', 'GET', '200'],
    );
    const ends = await tsharkFields(fixture('http-lo.pcap'), ['ip.src', 'ip.dst', 'tcp.dstport'], {
      filter: 'tcp.flags.syn == 1 && tcp.flags.ack == 0',
    });
    assert.equal(ends.length, 3);
    for (const r of ends) assert.deepEqual(r, { 'ip.src': '127.0.0.1', 'ip.dst': '127.0.0.1', 'tcp.dstport': '8080' });
  });

  test('http-lo-nsec: the same bytes, nanosecond magic, timestamps within a few µs', () => {
    const us = readPcap(fixture('http-lo.pcap'));
    const ns = readPcap(fixture('http-lo-nsec.pcap'));
    assert.equal(ns.header.nanosecond, true);
    assert.equal(ns.records.length, us.records.length);
    ns.records.forEach((r, i) => {
      const u = us.records[i];
      assert.deepEqual(r.data, u.data, `packet ${i + 1}`);
      assert.equal(r.wireLen, u.wireLen);
      const diffNs = (u.tsSec - r.tsSec) * 1e9 + u.tsFrac * 1000 - r.tsFrac;
      assert.ok(Math.abs(diffNs) < 10_000, `packet ${i + 1} timestamps differ by ${diffNs} ns`);
    });
    assert.ok(
      ns.records.some((r) => r.tsFrac % 1000 !== 0),
      'nanosecond digits are all zero',
    );
  });

  test('http-lo-snap96: the same packets cut to 96 bytes, wire lengths kept', () => {
    const full = readPcap(fixture('http-lo.pcap'));
    const cut = readPcap(fixture('http-lo-snap96.pcap'));
    assert.equal(cut.header.snaplen, 96);
    assert.equal(cut.records.length, full.records.length);
    let shortened = 0;
    cut.records.forEach((r, i) => {
      const f = full.records[i];
      assert.equal(r.wireLen, f.wireLen);
      assert.equal(r.capLen, Math.min(96, f.capLen));
      assert.deepEqual(r.data, f.data.subarray(0, r.capLen));
      if (r.capLen < r.wireLen) shortened++;
    });
    assert.equal(shortened, 6, 'the three requests and three responses');
  });

  test('http-lo.pcapng: pcapng with nanosecond resolution, same packets as http-lo-nsec', async () => {
    const info = await capinfos(fixture('http-lo.pcapng'));
    assert.match(info['File type'], /pcapng/);
    const fields = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'tcp.stream', 'tcp.len'];
    assert.deepEqual(
      await tsharkFields(fixture('http-lo.pcapng'), fields),
      await tsharkFields(fixture('http-lo-nsec.pcap'), fields),
    );
    assert.deepEqual(
      await tcpdumpRead(fixture('http-lo.pcapng'), ['-xx', '-tt', '--time-stamp-precision=nano']),
      await tcpdumpRead(fixture('http-lo-nsec.pcap'), ['-xx', '-tt', '--time-stamp-precision=nano']),
    );
  });

  test('http-lo-truncated: 5 whole packets, then a record cut in its bytes', async () => {
    const c = readPcap(fixture('http-lo-truncated.pcap'));
    assert.equal(c.records.length, 5);
    assert.ok(c.trailing > 16, 'the 6th record header is there, its bytes are not all there');
    const r = await tcpdumpReadRaw(fixture('http-lo-truncated.pcap'));
    assert.equal(r.lines.length, 5);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /truncated dump file/);
  });

  test('veth-mixed: ARP, ICMP, ICMPv6, fragments, UDP, TCP between the two documented hosts', async () => {
    const f = fixture('veth-mixed.pcap');
    const count = async (filter: string) => (await tsharkFields(f, ['frame.number'], { filter })).length;
    assert.equal(await count('arp'), 2);
    assert.equal(await count('icmp.type == 8 && ip.flags.mf == 0 && ip.frag_offset == 0'), 2);
    assert.equal(await count('icmpv6.type == 128'), 3, 'two plain echo requests and a fragmented one');
    assert.ok((await count('icmpv6.type == 135')) >= 1);
    assert.ok((await count('icmpv6.type == 136')) >= 1);
    assert.equal(await count('ip.flags.mf == 1 || ip.frag_offset > 0'), 6);
    assert.equal(await count('ipv6.fraghdr'), 6);
    assert.equal(await count('icmp.type == 3 && icmp.code == 3'), 1);
    assert.equal(await count('icmpv6.type == 1 && icmpv6.code == 4'), 1);
    assert.equal(await count('tcp.port == 7000'), 10);
    const macs = await tsharkFields(f, ['eth.src', 'ip.src'], { filter: 'icmp.type == 8' });
    assert.deepEqual(macs[0], { 'eth.src': '02:00:5e:10:00:0a', 'ip.src': '198.18.200.1' });
  });

  test('veth-vlan: 802.1Q, 802.1ad+802.1Q, with the documented ids and priorities', async () => {
    const rows = await tsharkFields(fixture('veth-vlan.pcap'), [
      'ieee8021ad.id',
      'vlan.id',
      'vlan.priority',
      'frame.protocols',
    ]);
    assert.deepEqual(
      rows.map((r) => [r['ieee8021ad.id'], r['vlan.id'], r['vlan.priority']]),
      [
        ['', '100', '5'],
        ['', '100', '0'],
        ['200', '300', '3'],
        ['', '300', '0'],
      ],
    );
    assert.match(rows[0]['frame.protocols'], /vlan:ethertype:ip:icmp/);
    assert.match(rows[1]['frame.protocols'], /vlan:ethertype:arp/);
    assert.match(rows[2]['frame.protocols'], /ieee8021ad:ethertype:vlan:ethertype:ip:udp/);
    assert.match(rows[3]['frame.protocols'], /vlan:ethertype:ipv6:udp/);
    // checksum status: 0 bad, 1 good, 2 not verified
    const sums = await tsharkFields(
      fixture('veth-vlan.pcap'),
      ['ip.checksum.status', 'udp.checksum.status', 'icmp.checksum.status'],
      { extraArgs: ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'] },
    );
    assert.deepEqual(sums, [
      { 'ip.checksum.status': '1', 'udp.checksum.status': '', 'icmp.checksum.status': '1' },
      { 'ip.checksum.status': '', 'udp.checksum.status': '', 'icmp.checksum.status': '' },
      { 'ip.checksum.status': '1', 'udp.checksum.status': '1', 'icmp.checksum.status': '' },
      { 'ip.checksum.status': '', 'udp.checksum.status': '1', 'icmp.checksum.status': '' },
    ]);
  });

  for (const [file, linkType] of [
    ['any-sll.pcap', 113],
    ['any-sll2.pcap', 276],
  ] as const) {
    test(`${file}: link type ${linkType}, 11 ICMP packets in both directions`, async () => {
      assert.equal(readPcap(fixture(file)).header.linkType, linkType);
      const rows = await tsharkFields(fixture(file), ['sll.pkttype', 'ip.proto']);
      assert.equal(rows.length, 11);
      // the port unreachable quotes a UDP header: its ip.proto is "1,17"
      assert.ok(
        rows.every((r) => r['ip.proto'].startsWith('1')),
        JSON.stringify(rows),
      );
      assert.deepEqual([...new Set(rows.map((r) => r['sll.pkttype']))].sort(), ['0', '4'], 'host (in) and outgoing');
    });
  }
});
