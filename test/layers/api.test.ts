// The shape of the API: factories and classes, stacking with div(), lookup
// by type, copies, automatic fields, and values the user set kept as given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DNS,
  DNSQR,
  Ether,
  ICMP,
  ICMPv6EchoRequest,
  IP,
  IPLayer,
  IPv6,
  IPv6ExtHdrRouting,
  parse,
  Raw,
  TCP,
  type TCPLayer,
  UDP,
  internetChecksum,
} from '../../lib/layers';
import { hexdump, hexdumpTcpdump } from '../../lib/hexdump';

describe('layer API', () => {
  it('factories make layers that are instances of the factory and of the class', () => {
    const ip = IP({ dst: '198.18.0.2' });
    assert.ok(ip instanceof IP);
    assert.ok(ip instanceof IPLayer);
    assert.ok(new IP({ ttl: 3 }) instanceof IPLayer, 'new works too');
    assert.equal(IP.layerName, 'IP');
    assert.ok(!(ip instanceof TCP));
  });

  it('div() stacks copies and returns the first layer; get/has find layers by type', () => {
    const tcp = TCP({ dport: 8888, flags: 'S', seq: 1000 });
    const pkt = IP({ dst: '198.18.0.2' }).div(tcp).div('payload');
    assert.ok(pkt instanceof IPLayer);
    assert.deepEqual(
      pkt.layers().map((l) => l.layerName),
      ['IP', 'TCP', 'Raw'],
    );
    const t: TCPLayer | undefined = pkt.get(TCP);
    assert.ok(t && t !== tcp, 'a copy of the operand is stacked');
    assert.equal(t.dport, 8888);
    assert.equal(t.underlayer, pkt);
    assert.ok(pkt.has(Raw) && !pkt.has(UDP));
    assert.equal(pkt.get(UDP), undefined);
    assert.equal(tcp.underlayer, undefined, 'the operand is untouched');
    assert.equal(Buffer.from(pkt.get(Raw)!.load).toString(), 'payload');
    // The nth layer of a type
    const nested = IP().div(IP()).div(UDP());
    assert.equal(nested.get(IP, 1), nested.payload);
  });

  it('copy() is deep and takes changes; the original keeps its values', () => {
    const a = IP({ dst: '198.18.0.2', ttl: 5 }).div(TCP({ dport: 80 }));
    const b = a.copy({ ttl: 6 });
    b.get(TCP)!.dport = 81;
    assert.equal(a.ttl, 5);
    assert.equal(a.get(TCP)!.dport, 80);
    assert.equal(b.ttl, 6);
    assert.equal(b.get(TCP)!.dport, 81);
    assert.notDeepEqual(a.toBytes(), b.toBytes());
  });

  it('building fills protocol, lengths, data offset and checksums', () => {
    const pkt = IP({ src: '198.18.0.1', dst: '198.18.0.2' })
      .div(TCP({ options: [['MSS', 1460]] }))
      .div('hi');
    const b = pkt.toBytes();
    assert.equal(b[9], 6, 'proto from the layer above');
    assert.equal(b[0] & 0xf, 5);
    assert.equal((b[2] << 8) | b[3], 20 + 24 + 2);
    assert.equal(b[20 + 12] >> 4, 6, 'data offset counts the options');
    assert.equal(internetChecksum(b.subarray(0, 20)), 0, 'IP header checksum verifies');
    const pseudo = new Uint8Array([...b.subarray(12, 20), 0, 6, 0, b.length - 20]);
    assert.equal(internetChecksum(pseudo, b.subarray(20)), 0, 'TCP checksum verifies over the pseudo-header');
    // Ethernet type from the layer above
    assert.equal(Ether().div(IPv6()).toBytes()[12], 0x86);
  });

  it('values the user set are kept, so broken packets can be made on purpose', () => {
    const b = IP({ src: '198.18.0.1', dst: '198.18.0.2', len: 1000, ihl: 15, proto: 200, chksum: 0 })
      .div(UDP({ len: 3, chksum: 0x1234 }))
      .toBytes();
    assert.equal((b[2] << 8) | b[3], 1000);
    assert.equal(b[0] & 0xf, 15);
    assert.equal(b[9], 200);
    assert.equal((b[10] << 8) | b[11], 0);
    assert.equal((b[24] << 8) | b[25], 3);
    assert.equal((b[26] << 8) | b[27], 0x1234);
    assert.equal(b.length, 28, 'the header is still the real header');
  });

  it('UDP and TCP checksums include the pseudo-header (IPv6 routing header: final destination)', () => {
    const v6 = IPv6({ src: 'fd00::1', dst: 'fd00::2' })
      .div(IPv6ExtHdrRouting({ addresses: ['fd00::3', 'fd00::9'] }))
      .div(UDP({ sport: 1, dport: 2 }))
      .div('x');
    const direct = IPv6({ src: 'fd00::1', dst: 'fd00::9' })
      .div(UDP({ sport: 1, dport: 2 }))
      .div('x');
    const ck = (p: typeof v6) => {
      const b = p.toBytes();
      return (b[b.length - 3] << 8) | b[b.length - 2];
    };
    assert.equal(ck(v6), ck(direct));
    // With no segments left the destination field is already the final one.
    const done = IPv6({ src: 'fd00::1', dst: 'fd00::2' })
      .div(IPv6ExtHdrRouting({ segleft: 0, addresses: ['fd00::9'] }))
      .div(UDP({ sport: 1, dport: 2 }))
      .div('x');
    const plain = IPv6({ src: 'fd00::1', dst: 'fd00::2' })
      .div(UDP({ sport: 1, dport: 2 }))
      .div('x');
    assert.equal(ck(done), ck(plain));
  });

  it('summary(), show(), hexdump()', () => {
    const p = IP({ src: '198.18.0.1', dst: '198.18.0.2' }).div(ICMP());
    assert.equal(p.summary(), 'IP / ICMP 198.18.0.1 > 198.18.0.2 echo-request 0');
    assert.ok(p.showString().startsWith('###[ IP ]### \n  version   = 4\n'));
    assert.equal(p.hexdump(), hexdump(p.toBytes()));
    assert.equal(p.hexdump().split('\n')[0], '0000  45 00 00 1C 00 01 00 00 40 01 EE B8 C6 12 00 01  E.......@.......');
    assert.equal(
      hexdumpTcpdump(p.toBytes()).split('\n')[0],
      '\t0x0000:  4500 001c 0001 0000 4001 eeb8 c612 0001  E.......@.......',
    );
    assert.equal(
      IPv6({ src: 'fd00::1', dst: 'fd00::2' })
        .div(ICMPv6EchoRequest({ id: 1 }))
        .summary(),
      'IPv6 / ICMPv6 Echo Request (id: 0x1 seq: 0x0)',
    );
    assert.equal(DNS({ qd: DNSQR({ qname: 'www.example.test' }) }).summary(), `DNS Qry "b'www.example.test.'" `);
  });

  it('parse() never throws on bad bytes: what does not fit becomes Raw', () => {
    for (const bytes of [
      new Uint8Array(0),
      new Uint8Array([0x45]),
      new Uint8Array(13),
      Uint8Array.from({ length: 40 }, (_, i) => i * 7),
    ]) {
      const p = parse(bytes);
      assert.equal(Buffer.from(p.toBytes()).toString('hex'), Buffer.from(bytes).toString('hex'));
    }
    // An IP header announcing more options than there are bytes
    const cut = IP({ dst: '198.18.0.2' }).toBytes().slice(0, 20);
    cut[0] = 0x4f;
    assert.equal(parse(cut, { first: IP }).layerName, 'Raw');
  });
});

describe('sources and lengths', () => {
  it('an unset source comes from the registered resolver; a set one is kept', async () => {
    const { setSourceResolver } = await import('../../lib/layers');
    setSourceResolver((_dst, family) => (family === 4 ? '198.18.0.7' : 'fd00::7'));
    try {
      assert.equal(IP({ dst: '198.18.0.2' }).div(UDP()).summary(), 'IP / UDP 198.18.0.7:domain > 198.18.0.2:domain');
      assert.deepEqual([...IP({ dst: '198.18.0.2' }).toBytes().subarray(12, 16)], [198, 18, 0, 7]);
      assert.equal(IP({ src: '198.18.0.1', dst: '198.18.0.2' }).fieldValues().src, '198.18.0.1');
      assert.equal(IPv6({ dst: 'fd00::2' }).fieldValues().src, 'fd00::7');
    } finally {
      setSourceResolver(undefined);
    }
    assert.equal(IP({ dst: '198.18.0.2' }).fieldValues().src, '0.0.0.0');
    assert.equal(IP().fieldValues().src, '127.0.0.1');
  });

  it('fieldValues() lists the fields that exist, automatic ones as null', () => {
    assert.deepEqual(Object.keys(ICMP({ type: 'echo-request' }).fieldValues()), [
      'type',
      'code',
      'chksum',
      'id',
      'seq',
      'unused',
    ]);
    assert.equal(ICMP().fieldValues().chksum, null);
    assert.equal(IP().div(TCP()).fieldValues().proto, 6);
  });

  it('zero total/payload lengths (offloaded captures) keep the payload instead of calling it padding', () => {
    const b = IP({ src: '198.18.0.1', dst: '198.18.0.2', len: 0 })
      .div(UDP({ sport: 1, dport: 2, len: 0 }))
      .div('data')
      .toBytes();
    const p = parse(b, { first: IP });
    assert.deepEqual(
      p.layers().map((l) => l.layerName),
      ['IP', 'UDP', 'Raw'],
    );
    const v6 = parse(
      IPv6({ plen: 0 })
        .div(UDP({ sport: 1, dport: 2 }))
        .div('data')
        .toBytes(),
      { first: IPv6 },
    );
    assert.deepEqual(
      v6.layers().map((l) => l.layerName),
      ['IPv6', 'UDP', 'Raw'],
    );
  });
});

describe('sprintf', () => {
  it('prints fields the way summary() and show() do, ?? for what is missing', () => {
    const p = Ether({ src: '02:00:00:00:00:01' })
      .div(IP({ src: '198.18.0.1', dst: '198.18.0.2', flags: 'DF' }))
      .div(TCP({ dport: 80, flags: 'SA' }));
    assert.equal(
      p.sprintf('%IP.src% -> %IP.dst%:%TCP.dport% [%TCP.flags%] %IP.flags% 100%%'),
      '198.18.0.1 -> 198.18.0.2:http [SA] DF 100%',
    );
    assert.equal(p.sprintf('%src% %UDP.dport% %IP.nosuch%'), '02:00:00:00:00:01 ?? ??');
  });
});

describe('deeply nested input', () => {
  it('stops decoding after MAX_DEPTH layers and keeps the rest as Raw, without exhausting the stack', () => {
    const n = 20000;
    const b = new Uint8Array(14 + 4 * n);
    b[12] = 0x81; // every tag announces another 802.1Q tag
    for (let i = 0; i < n; i++) b[14 + 4 * i + 2] = 0x81;
    const p = parse(b);
    assert.equal(p.layers().length, 64 + 1);
    assert.equal(p.lastLayer().layerName, 'Raw');
    assert.equal(Buffer.compare(Buffer.from(p.toBytes()), Buffer.from(b)), 0);
  });
});
