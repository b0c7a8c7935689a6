/**
 * Hostile input through the whole capture path (file → thread → dissector →
 * ring → views): garbage, mutated and adversarial packets decode as far as
 * they are valid, are flagged, and never crash or escape their bytes. Also a
 * small snap length on live traffic.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openFile, PcapWriter, type Packet } from '../../lib/index';
import { makeTempDir } from '../helpers/loopback';
import { createNetPair } from '../helpers/netns';
import { startNodeInNs } from '../helpers/node-in-ns';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ETH_IPV4 = '020000000002 020000000001 0800';
/** Valid starting points for mutation: Ethernet + IPv4/TCP, IPv6/UDP, VLAN/ARP. */
const SEEDS = [
  hex(
    `${ETH_IPV4} 45000034 1c464000 4006 0000 c6120001 c6120002 04d20050 00000001 00000000 8002faf0 0000 0000 020405b4 01030307`,
  ),
  hex(
    '020000000002 020000000001 86dd 60000000 000c1140 fd000000000000000000000000000001 fd000000000000000000000000000002 0035 0035 000c 0000 61626364',
  ),
  hex('ffffffffffff 020000000001 8100 0064 0806 0001 0800 0604 0001 020000000001 c6120001 000000000000 c6120002'),
  hex(
    '020000000002 020000000001 86dd 60000000 00100040 fd000000000000000000000000000001 fd000000000000000000000000000002 3a000000 00000000 8000 0000 1234 0001 41424344',
  ),
];

/** Adversarial headers, each a classic way to make a dissector read out of bounds. */
const ADVERSARIAL = [
  hex(`${ETH_IPV4} 4f00`), // IHL 15, two bytes of IPv4
  hex(`${ETH_IPV4} 45000014 00000000 4006 0000 c6120001 c6120002`), // total length 20, TCP announced, none there
  hex(`${ETH_IPV4} 45ff0030 00000000 4006 0000 c6120001 c6120002 04d20050 00000001 00000000 f002faf0`), // TCP data offset 15 (60 bytes) in 20
  hex(`${ETH_IPV4} 4500ffff 00000000 4011 0000 c6120001 c6120002 0035 0035 0000 0000`), // UDP length 0, IP length > frame
  hex(`${ETH_IPV4} 45000030 00002000 4001 0000 c6120001 c6120002 0303 0000 00000000 4f`), // ICMP error quoting a cut header
  Uint8Array.from([
    ...hex('020000000002 020000000001'),
    ...Array.from({ length: 30 }, () => [0x81, 0x00, 0x00, 0x01]).flat(),
  ]), // 30 VLAN tags
  // IPv6 whose hop-by-hop headers chain to each other until the bytes run out
  Uint8Array.from([
    ...hex('020000000002 020000000001 86dd 60000000 0400 00 40'),
    ...new Uint8Array(32),
    ...Array.from({ length: 120 }, () => [0, 0, 0, 0, 0, 0, 0, 0]).flat(),
  ]),
  new Uint8Array(0),
  hex('02'),
];

function checkBounds(p: Packet): void {
  for (const off of [p.l2Off, p.l3Off, p.l4Off, p.payloadOff]) {
    if (off !== undefined) assert.ok(off <= p.caplen, `offset ${off} beyond caplen ${p.caplen}`);
  }
  assert.ok(p.payload.length <= p.caplen);
  assert.equal(p.data.length, p.caplen);
  // Touch every view: none may throw or read outside the packet.
  void [
    p.eth?.src,
    p.vlan?.id,
    p.arp?.hwsrc,
    p.ip?.src,
    p.ipv6?.dst,
    p.tcp?.options,
    p.udp?.len,
    p.icmp?.quoteOff,
    p.icmpv6?.type,
    p.summary(),
  ];
}

describe('hostile input', () => {
  it('decodes 30,000 garbage, mutated and adversarial packets as far as they are valid, for every link type', async () => {
    const dir = makeTempDir('hostile');
    try {
      const rand = random(20261121);
      for (const linkType of [1, 113, 276, 101, 0]) {
        const file = path.join(dir.path, `hostile-${linkType}.pcap`);
        const writer = new PcapWriter(file, { linkType });
        let written = 0;
        const put = (data: Uint8Array, wireLen = data.length) => {
          writer.write(data, { tsSec: 1_700_000_000 + written, tsNsec: 0, wireLen });
          written++;
        };
        for (const a of ADVERSARIAL) put(a, a.length + 100);
        for (let i = 0; i < 6000; i++) {
          const kind = rand();
          if (kind < 0.4) {
            put(Uint8Array.from({ length: Math.floor(rand() * 1600) }, () => Math.floor(rand() * 256)));
          } else {
            const seed = SEEDS[Math.floor(rand() * SEEDS.length)].slice();
            for (let flips = 1 + Math.floor(rand() * 6); flips > 0; flips--)
              seed[Math.floor(rand() * seed.length)] = Math.floor(rand() * 256);
            const cut = kind < 0.7 ? seed.length : Math.floor(rand() * seed.length);
            put(seed.subarray(0, cut), seed.length);
          }
        }
        await writer.close();

        let read = 0;
        let flagged = 0;
        for await (const batch of openFile(file, { ringSize: 1 << 16 }).batches()) {
          for (const p of batch) {
            read++;
            if (p.truncated || p.malformed) flagged++;
            checkBounds(p);
          }
        }
        assert.equal(read, written, `link type ${linkType}: every packet delivered`);
        assert.ok(flagged > 100, `link type ${linkType}: bad packets are flagged (${flagged})`);
      }
    } finally {
      dir.remove();
    }
  });

  it('marks packets cut by a small snap length as truncated and keeps the headers that fit', async (t) => {
    const net = await createNetPair({ prefix: 'snap', ipv6: false, t });
    const capture = startNodeInNs(net.nsA, 'test/capture/scripts/live-capture.ts', [
      JSON.stringify({ device: net.ifA, options: { snaplen: 60, immediate: true, filter: 'tcp port 7000' } }),
    ]);
    await capture.waitFor((m) => 'ready' in (m as object));
    const server = net.spawn(net.nsB, process.execPath, [
      '-e',
      `require('net').createServer((s) => s.on('data', () => s.end('x'.repeat(500)))).listen(7000, '${net.ipB}', () => console.log('up'))`,
    ]);
    await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));
    await net.execOk(net.nsA, process.execPath, [
      '-e',
      `const s = require('net').connect(7000, '${net.ipB}', () => s.write('y'.repeat(300))); s.resume(); s.on('end', () => s.end());`,
    ]);
    await new Promise((r) => setTimeout(r, 500));
    capture.send({ cmd: 'stop' });
    await capture.waitFor((m) => 'iterated' in (m as object));
    const packets = capture.messages
      .filter((m) => 'packet' in (m as object))
      .map((m) => (m as { packet: Record<string, unknown> }).packet);
    const big = packets.filter((p) => (p.len as number) > 60);
    assert.ok(big.length >= 2, 'the data segments were captured');
    for (const p of big) {
      // libpcap and the kernel filter may keep a little less than the snap length
      assert.ok(
        (p.caplen as number) <= 60 && (p.caplen as number) < (p.len as number),
        `caplen ${p.caplen} of ${p.len}`,
      );
      assert.equal(p.truncated, true, JSON.stringify(p));
      assert.equal(typeof p.tcpSeq, 'number', 'the TCP fixed header (within 60 bytes) is decoded');
      assert.ok((p.payload as string).length / 2 <= (p.caplen as number) - 54, JSON.stringify(p));
    }
  });
});
