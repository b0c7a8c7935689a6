// A captured packet's layers (Packet.layers(): built at the native record's
// offsets, classes from its layer bits) against parse() of the same bytes:
// equal fields, show() and summary() text for the shared fixtures (real
// captures), real loopback traffic tcpdump wrote, and packets built here.
// Where the two readings differ the native dissector's wins: one test per case.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ARP,
  CookedLinux,
  CookedLinuxV2,
  DNS,
  DNSQR,
  Dot1AD,
  Dot1Q,
  Ether,
  ICMP,
  ICMPv6DestUnreach,
  ICMPv6EchoRequest,
  ICMPv6MLReport2,
  ICMPv6ND_NS,
  ICMPv6NDOptSrcLLAddr,
  IP,
  IPv6,
  IPv6ExtHdrDestOpt,
  IPv6ExtHdrFragment,
  IPv6ExtHdrHopByHop,
  IPv6ExtHdrRouting,
  Loopback,
  parse,
  Raw,
  TCP,
  UDP,
  type Layer,
} from '../../lib/layers';
import { dissect } from '../../lib/dissect';
import { openFile } from '../../lib/capture';
import type { Packet } from '../../lib/packet';
import { FLAG_MALFORMED, LINK_ETHERNET, LINK_LOOP, LINK_NULL, LINK_RAW_FILE } from '../../lib/record.gen';
import { readPcap } from '../helpers/pcap-file';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { captureLoopbackTraffic } from '../capture/loopback-traffic';

const DIR = path.join(__dirname, '..', 'fixtures', 'pcap');

// The addon loads on first use: find out once whether it is built.
let why: string | undefined;
try {
  dissect(new Uint8Array(60));
} catch (e) {
  why = `the native addon is not available: ${(e as Error).message}`;
}

const names = (l: Layer): string[] => l.layers().map((x) => x.layerName);

/** Every layer's fields, as plain data (Uint8Arrays as hex). */
function fieldsOf(l: Layer): unknown[] {
  return l.layers().map((x) => [
    x.layerName,
    Object.fromEntries(
      x.cls.fieldDefs.map((d) => {
        const v = x.getField(d.name);
        return [
          d.name,
          v instanceof Uint8Array
            ? Buffer.from(v).toString('hex')
            : v instanceof Object && 'layerName' in v
              ? (v as Layer).showString()
              : v,
        ];
      }),
    ),
  ]);
}

/** The captured reading and parse()'s reading of one packet agree in everything printed. */
function assertSame(pkt: Packet, what: string): void {
  const captured = pkt.layers();
  const parsed = parse(pkt.data, { linkType: pkt.linkType });
  assert.equal(captured.showString(), parsed.showString(), what);
  assert.equal(captured.summary(), parsed.summary(), what);
  assert.deepEqual(fieldsOf(captured), fieldsOf(parsed), what);
}

describe('captured layers equal parse() of the same bytes', { skip: why }, () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.pcap'));
  for (const file of files) {
    it(`every packet of ${file}`, () => {
      const pcap = readPcap(path.join(DIR, file));
      assert.ok(pcap.records.length > 0);
      for (const [i, rec] of pcap.records.entries()) {
        const pkt = dissect(new Uint8Array(rec.data), pcap.header.linkType, rec.wireLen);
        assertSame(pkt, `${file} packet ${i + 1}`);
        // The layers start where the record says: the network layer's fields are the record's.
        const l = pkt.layers();
        if (pkt.ip) assert.equal(l.get(IP)?.src, pkt.ip.src, `${file} packet ${i + 1}`);
        if (pkt.ipv6) assert.equal(l.get(IPv6)?.dst, pkt.ipv6.dst, `${file} packet ${i + 1}`);
        if (pkt.tcp) assert.equal(l.get(TCP)?.seq, pkt.tcp.seq, `${file} packet ${i + 1}`);
        if (pkt.udp) assert.equal(l.get(UDP)?.dport, pkt.udp.dport, `${file} packet ${i + 1}`);
      }
    });
  }

  describe('real loopback traffic (ping, TCP, UDP, ICMP errors) that tcpdump wrote', () => {
    let dir: TempDir;
    let file: string;
    before(async () => {
      dir = makeTempDir('captured-layers');
      file = dir.file('lo.pcap');
      await captureLoopbackTraffic(file);
    });
    after(() => dir?.remove());
    it('every packet read back through a capture', async () => {
      const seen = new Set<string>();
      let n = 0;
      for await (const p of openFile(file)) {
        assertSame(p, `packet ${++n}: ${p.summary()}`);
        for (const name of names(p.layers())) seen.add(name);
      }
      assert.ok(n > 0);
      // The traffic holds what the comparison is meant to cover.
      for (const name of ['Ether', 'IP', 'IPv6', 'TCP', 'UDP', 'ICMP', 'IPerror', 'UDPerror', 'ICMPv6EchoRequest']) {
        assert.ok(seen.has(name), `${name} in ${[...seen].join(', ')}`);
      }
    });
  });

  it('packets built here print the same, captured or parsed', () => {
    const src6 = 'fd00::1';
    const dst6 = 'fd00::2';
    const built: [Layer, number][] = [
      [
        Ether()
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
          .div(
            TCP({
              dport: 80,
              flags: 'S',
              options: [
                ['MSS', 1460],
                ['NOP', null],
                ['WScale', 7],
              ],
            }),
          ),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(
            IP({ src: '198.18.0.1', dst: '198.18.0.2', options: [{ type: 1 }, { type: 1 }, { type: 1 }, { type: 0 }] }),
          )
          .div(UDP({ sport: 5353, dport: 53 }))
          .div(DNS({ qd: DNSQR({ qname: 'example.test.' }) })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(Dot1Q({ vlan: 7 }))
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
          .div(ICMP())
          .div(Raw({ load: 'ping' })),
        LINK_ETHERNET,
      ],
      [
        Ether({ type: 0x88a8 })
          .div(Dot1AD({ vlan: 100 }))
          .div(Dot1Q({ vlan: 7 }))
          .div(IPv6({ src: src6, dst: dst6 }))
          .div(UDP({ dport: 9 })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IPv6({ src: src6, dst: dst6 }))
          .div(ICMPv6ND_NS({ tgt: dst6 }))
          .div(ICMPv6NDOptSrcLLAddr({ lladdr: '02:00:00:00:00:01' })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IPv6({ src: src6, dst: dst6 }))
          .div(IPv6ExtHdrHopByHop())
          .div(IPv6ExtHdrDestOpt())
          .div(IPv6ExtHdrRouting({ addresses: ['fd00::3'] }))
          .div(IPv6ExtHdrFragment())
          .div(TCP({ dport: 443 })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IPv6({ src: src6, dst: dst6 }))
          .div(ICMPv6EchoRequest({ data: new Uint8Array([1, 2, 3]) })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IPv6({ src: src6, dst: 'ff02::16' }))
          .div(IPv6ExtHdrHopByHop())
          .div(ICMPv6MLReport2()),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IPv6({ src: src6, dst: dst6 }))
          .div(ICMPv6DestUnreach({ code: 4 }))
          .div(IPv6({ src: dst6, dst: src6 }))
          .div(UDP({ sport: 1000, dport: 53 })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IP({ src: '198.18.0.2', dst: '198.18.0.1' }))
          .div(ICMP({ type: 3, code: 3 }))
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
          .div(UDP({ dport: 9 })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
          .div(IP({ src: '198.18.1.1', dst: '198.18.1.2' }))
          .div(TCP()),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(ARP({ psrc: '198.18.0.1', pdst: '198.18.0.2' }))
          .div(Raw({ load: new Uint8Array(18) })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2', flags: 'MF' }))
          .div(UDP({ dport: 9 }))
          .div(Raw({ load: 'first fragment' })),
        LINK_ETHERNET,
      ],
      [
        Ether()
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2', frag: 3, proto: 6 }))
          .div(Raw({ load: 'a later fragment' })),
        LINK_ETHERNET,
      ],
      [
        CookedLinux()
          .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
          .div(TCP({ flags: 'SA' })),
        113,
      ],
      [
        CookedLinuxV2()
          .div(IPv6({ src: src6, dst: dst6 }))
          .div(UDP({ dport: 9 })),
        276,
      ],
      [
        Loopback({ type: 2 })
          .div(IP({ src: '127.0.0.1', dst: '127.0.0.1' }))
          .div(TCP({ flags: 'R' })),
        LINK_NULL,
      ],
      [
        IP({ src: '198.18.0.1', dst: '198.18.0.2' })
          .div(UDP({ sport: 53, dport: 4000 }))
          .div(DNS({ qr: 1 })),
        LINK_RAW_FILE,
      ],
      [
        IPv6({ src: src6, dst: dst6 })
          .div(IPv6ExtHdrFragment({ offset: 5 }))
          .div(Raw({ load: 'later' })),
        LINK_RAW_FILE,
      ],
    ];
    for (const [pkt, linkType] of built) {
      const bytes = pkt.toBytes();
      const captured = dissect(bytes, linkType);
      assert.equal(captured.malformed || captured.truncated, false, pkt.summary());
      assertSame(captured, pkt.summary());
      assert.equal(captured.layers().showString(), pkt.show2String(), pkt.summary());
    }
  });
});

/** An Ethernet/IPv4/TCP segment to 198.18.0.2:53 with `payload` after the header. */
const ipTcp = (payload: string | Uint8Array = 'hi'): Uint8Array =>
  Ether()
    .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
    .div(TCP({ sport: 1234, dport: 53 }))
    .div(Raw({ load: payload }))
    .toBytes();

describe('where the native reading and parse() disagree, the native one wins', { skip: why }, () => {
  it('an IPv4 total length shorter than the header: MALFORMED, nothing decoded after the IP header', () => {
    const b = ipTcp();
    b[14 + 2] = 0;
    b[14 + 3] = 12; // total length 12 < 20
    const p = dissect(b);
    assert.ok(p.flags & FLAG_MALFORMED);
    assert.deepEqual(names(parse(b)), ['Ether', 'IP', 'TCP', 'Raw']);
    assert.deepEqual(names(p.layers()), ['Ether', 'IP', 'Raw']);
    assert.equal(p.layers().get(IP)!.len, 12);
    assert.deepEqual(p.layers().get(Raw)!.load, b.slice(34));
  });

  it('an IPv4 total length beyond the bytes on the wire: MALFORMED, the rest is Raw', () => {
    const b = ipTcp();
    b[14 + 2] = 0x05;
    b[14 + 3] = 0xdc; // 1500
    const p = dissect(b);
    assert.ok(p.malformed);
    assert.deepEqual(names(parse(b)).slice(0, 3), ['Ether', 'IP', 'TCP']);
    assert.deepEqual(names(p.layers()), ['Ether', 'IP', 'Raw']);
  });

  it('a TCP data offset below 5: MALFORMED at TCP, its payload is not decoded (parse() makes it DNS)', () => {
    const dns = DNS({ id: 7 }).toBytes();
    const b = ipTcp(new Uint8Array([0, dns.length, ...dns])); // DNS over TCP: a length, then the message
    b[34 + 12] = 0x20; // data offset 2
    const p = dissect(b);
    assert.ok(p.malformed && p.tcp !== undefined);
    assert.deepEqual(names(parse(b)), ['Ether', 'IP', 'TCP', 'DNS']);
    assert.deepEqual(names(p.layers()), ['Ether', 'IP', 'TCP', 'Raw']);
    assert.equal(p.layers().get(TCP)!.dataofs, 2);
  });

  it('a UDP length beyond the IP payload: MALFORMED at UDP, the payload stays Raw', () => {
    const b = Ether()
      .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
      .div(UDP({ sport: 53, dport: 4000 }))
      .div(DNS({ qr: 1 }))
      .toBytes();
    b[34 + 4] = 0x01; // length 256 + ...
    const p = dissect(b);
    assert.ok(p.malformed && p.udp !== undefined);
    assert.deepEqual(names(parse(b)), ['Ether', 'IP', 'UDP', 'DNS']);
    assert.deepEqual(names(p.layers()), ['Ether', 'IP', 'UDP', 'Raw']);
  });

  it('an IPv6 payload length beyond the wire: MALFORMED, the rest is Raw', () => {
    const b = Ether()
      .div(IPv6({ src: 'fd00::1', dst: 'fd00::2' }))
      .div(TCP())
      .toBytes();
    b[14 + 4] = 0x10; // 4096 + 20
    const p = dissect(b);
    assert.ok(p.malformed);
    assert.deepEqual(names(parse(b)), ['Ether', 'IPv6', 'TCP']);
    assert.deepEqual(names(p.layers()), ['Ether', 'IPv6', 'Raw']);
  });

  it('a pre-standard QinQ tag (TPID 0x9100) is a VLAN tag natively: Dot1Q, not Raw', () => {
    const b = Ether({ type: 0x9100 })
      .div(Dot1Q({ vlan: 12, type: 0x800 }))
      .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
      .div(TCP())
      .toBytes();
    const p = dissect(b);
    assert.equal(p.vlan?.id, 12);
    assert.deepEqual(names(parse(b)), ['Ether', 'Raw']);
    assert.deepEqual(names(p.layers()), ['Ether', 'Dot1Q', 'IP', 'TCP']);
    assert.equal(p.layers().summary(), 'Ether / Dot1Q / IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:http S');
  });

  it("Linux's AF_INET6 (10) in a DLT_NULL header is IPv6 natively", () => {
    const ip6 = IPv6({ src: 'fd00::1', dst: 'fd00::2' })
      .div(UDP({ sport: 1, dport: 9 }))
      .toBytes();
    const b = new Uint8Array([10, 0, 0, 0, ...ip6]);
    const p = dissect(b, LINK_NULL);
    assert.equal(p.ipv6?.dst, 'fd00::2');
    assert.deepEqual(names(parse(b, { linkType: LINK_NULL })), ['Loopback', 'Raw']);
    assert.deepEqual(names(p.layers()), ['Loopback', 'IPv6', 'UDP']);
  });

  it('DLT_LOOP (108, family in network order), which parse() has no first layer for', () => {
    const ip4 = IP({ src: '198.18.0.1', dst: '198.18.0.2' })
      .div(TCP({ flags: 'S' }))
      .toBytes();
    const b = new Uint8Array([0, 0, 0, 2, ...ip4]);
    const p = dissect(b, LINK_LOOP);
    assert.deepEqual(names(parse(b, { linkType: LINK_LOOP })), ['Raw']);
    assert.deepEqual(names(p.layers()), ['Loopback', 'IP', 'TCP']);
  });

  it('an IPv4 header cut by the snap length: the record stops there and so do the layers', () => {
    const b = ipTcp().slice(0, 14 + 12);
    const p = dissect(b, LINK_ETHERNET, 60);
    assert.ok(p.truncated);
    assert.deepEqual(names(p.layers()), names(parse(b)));
    assert.deepEqual(names(p.layers()), ['Ether', 'Raw']);
  });

  it('hostile bytes: the layers never throw, whatever the record says', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    const bases = [
      ipTcp(),
      ...[
        Ether()
          .div(IPv6({ src: 'fd00::1', dst: 'fd00::2' }))
          .div(IPv6ExtHdrHopByHop())
          .div(UDP())
          .div(DNS()),
      ].map((l) => l.toBytes()),
    ];
    for (let n = 0; n < 400; n++) {
      const b = bases[n % bases.length].slice();
      for (let k = 0; k < 4; k++) b[rnd() % b.length] = rnd();
      for (const linkType of [LINK_ETHERNET, LINK_RAW_FILE, LINK_NULL]) {
        const l = dissect(b.slice(0, 14 + (rnd() % (b.length - 13))), linkType).layers();
        assert.ok(l.showString().length > 0);
      }
    }
  });
});

describe('dissect() arguments', { skip: why }, () => {
  it('bad arguments: a TypeError that says what was expected and what came', () => {
    assert.throws(() => dissect('ab' as never), {
      name: 'TypeError',
      message: "Expected a Uint8Array for dissect() bytes but received 'ab' of type string",
    });
    assert.throws(() => dissect(new Uint8Array(4), -1), {
      name: 'TypeError',
      message: /Expected a link type \(an integer 0\.\.65535\) for dissect\(\) linkType but received -1/,
    });
    assert.throws(() => dissect(new Uint8Array(4), 1, 3), {
      name: 'TypeError',
      message: /Expected an integer from the byte count \(4\) to 4294967295 for dissect\(\) wireLen but received 3/,
    });
    assert.equal(dissect(new Uint8Array(60), LINK_ETHERNET, 1500).length, 1500);
  });
});
