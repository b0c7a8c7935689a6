/**
 * The sr family against real kernels: two namespaces of the test's own joined
 * by a veth; the exchanges run inside nsA (test/send/scripts/sr-cases.ts) and
 * whatever answers is nsB's kernel or a real program there (dnsmasq).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { startDnsmasq } from '../helpers/dnsmasq';
import { createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';

const SCRIPT = 'test/send/scripts/sr-cases.ts';

/** Runs one case in `ns` and returns its result (failing on a reported error). */
async function runCase<T>(ns: string, name: string, args: object): Promise<T> {
  const r = await runNodeInNs(ns, SCRIPT, [name, JSON.stringify(args)], { timeoutMs: 20_000 });
  const m = r.messages[0] as { result?: T; error?: { message: string; stack?: string } } | undefined;
  assert.ok(m, `case ${name} reported nothing: ${r.stderr}`);
  assert.equal(m.error, undefined, `case ${name}: ${m.error?.stack ?? m.error?.message}`);
  return m.result as T;
}

describe('sr, sr1, srp, srloop between two namespaces', () => {
  let net: NetPair;
  let dir: TempDir;
  before(async () => {
    net = await createNetPair({ prefix: 'sr' });
    dir = makeTempDir('sr');
  });
  after(async () => {
    await net?.destroy();
    dir?.remove();
  });

  it('sr1 of an ICMP echo: the kernel of nsB replies, matched by id and seq', async () => {
    const r = await runCase<Record<string, unknown>>(net.nsA, 'icmp-echo', { dst: net.ipB });
    assert.equal(r.answered, true);
    assert.deepEqual(
      { src: r.src, dst: r.dst, type: r.type, id: r.id, seq: r.seq, load: r.load },
      { src: net.ipB, dst: net.ipA, type: 0, id: 0x4242, seq: 7, load: 'pktkit-ping' },
    );
    // Answers are given from the IP layer on, as from an L3 socket.
    assert.deepEqual(r.layers, ['IP', 'ICMP', 'Raw']);
    // sr1 returns at the first answer instead of waiting out the 2 s timeout.
    assert.ok((r.ms as number) < 1500, `took ${r.ms} ms`);
  });

  it('sr1 of an ICMPv6 echo: the reply matched by id, seq and data', async () => {
    const r = await runCase<Record<string, unknown>>(net.nsA, 'icmp6-echo', { dst: net.ip6B });
    assert.deepEqual(
      { answered: r.answered, src: r.src, id: r.id, seq: r.seq, data: r.data, layers: r.layers },
      { answered: true, src: net.ip6B, id: 0x6464, seq: 2, data: 'pktkit-ping6', layers: ['IPv6', 'ICMPv6EchoReply'] },
    );
  });

  it('UDP to a closed port: each ICMP / ICMPv6 port-unreachable is matched to the request it quotes', async () => {
    const r = await runCase<{ answered: Array<Record<string, unknown>>; unanswered: number }>(net.nsA, 'udp-closed', {
      dst4: net.ipB,
      dst6: net.ip6B,
      port: 9,
    });
    assert.equal(r.unanswered, 0);
    const bySport = Object.fromEntries(r.answered.map((a) => [a.sentSport as number, a]));
    assert.deepEqual(Object.keys(bySport).sort(), ['33001', '33002', '33003']);
    for (const sport of [33001, 33002, 33003]) {
      const a = bySport[sport];
      // The quoted UDP header is the one this request carried.
      assert.equal(a.quotedSport, sport);
      assert.equal(a.quotedDport, a.sentDport);
    }
    assert.deepEqual([bySport[33001].family, bySport[33001].type, bySport[33001].code], [4, 3, 3]);
    assert.deepEqual(bySport[33001].layers, ['IP', 'ICMP', 'IPerror', 'UDPerror', 'Raw']);
    assert.deepEqual([bySport[33002].family, bySport[33002].type, bySport[33002].code], [6, 1, 4]);
    assert.deepEqual(bySport[33002].layers, ['IPv6', 'ICMPv6DestUnreach', 'IPerror6', 'UDPerror', 'Raw']);
    assert.equal(bySport[33003].quotedDport, 10);
  });

  it('srp of an ARP who-has: nsB kernel is-at, with the sender filled from the interface', async () => {
    const r = await runCase<{ answered: Array<Record<string, unknown>>; unanswered: number; srp1: unknown }>(
      net.nsA,
      'arp',
      { pdst: net.ipB, iface: net.ifA },
    );
    assert.equal(r.unanswered, 0);
    assert.equal(r.answered.length, 1);
    const a = r.answered[0];
    assert.deepEqual(
      {
        sentHwsrc: a.sentHwsrc,
        sentPsrc: a.sentPsrc,
        op: a.op,
        hwsrc: a.hwsrc,
        psrc: a.psrc,
        hwdst: a.hwdst,
        etherSrc: a.etherSrc,
      },
      {
        sentHwsrc: net.macA,
        sentPsrc: net.ipA,
        op: 2,
        hwsrc: net.macB,
        psrc: net.ipB,
        hwdst: net.macA,
        etherSrc: net.macB,
      },
    );
    assert.equal(a.layers && (a.layers as string[])[0], 'Ether');
    assert.deepEqual(r.srp1, { op: 2, hwsrc: net.macB });
  });

  it('srp with the Ether destination unset: found by ARP and by neighbor solicitation, as Scapy does', async () => {
    type Pair = { sentDst: string; gotSrc: string; layers: string[] };
    const r = await runCase<{ v4: Pair[]; v6: Pair[] }>(net.nsA, 'srp-resolve', {
      dst4: net.ipB,
      dst6: net.ip6B,
      iface: net.ifA,
    });
    assert.deepEqual(
      r.v4.map((p) => [p.sentDst, p.gotSrc, p.layers.join('/')]),
      [[net.macB, net.macB, 'Ether/IP/ICMP']],
    );
    assert.deepEqual(
      r.v6.map((p) => [p.sentDst, p.gotSrc, p.layers.join('/')]),
      [[net.macB, net.macB, 'Ether/IPv6/ICMPv6EchoReply']],
    );
  });

  it('sr1 of IP/UDP/DNS queries to dnsmasq in nsB: the A and AAAA answers decoded', async () => {
    const a4 = net.host4(53);
    const a6 = net.host6(53);
    const dnsmasq = await startDnsmasq(net, { 'www.example.test': [a4, a6] });
    try {
      type Answer = {
        id: number;
        qr: number;
        rcode: number;
        qname: string;
        answers: Array<{ rrname: string; type: number; rdata: string }>;
      };
      const r = await runCase<{ A: Answer | null; AAAA: Answer | null }>(net.nsA, 'dns', {
        server: net.ipB,
        name: 'www.example.test',
      });
      assert.ok(r.A && r.AAAA, 'both queries answered');
      assert.deepEqual(
        { id: r.A.id, qr: r.A.qr, rcode: r.A.rcode, qname: r.A.qname },
        { id: 0x1111, qr: 1, rcode: 0, qname: 'www.example.test.' },
      );
      assert.deepEqual(r.A.answers, [{ rrname: 'www.example.test.', type: 1, rdata: a4 }]);
      assert.deepEqual({ id: r.AAAA.id, rcode: r.AAAA.rcode }, { id: 0x2222, rcode: 0 });
      assert.deepEqual(r.AAAA.answers, [{ rrname: 'www.example.test.', type: 28, rdata: a6 }]);
    } finally {
      dnsmasq.kill('SIGTERM');
    }
  });

  it('srloop repeats the exchange and gathers every round', async () => {
    const r = await runCase<{ answered: number; unanswered: number; seen: number[] }>(net.nsA, 'loop', {
      dst: net.ipB,
    });
    assert.deepEqual(r, { answered: 3, unanswered: 0, seen: [0, 0, 0] });
  });
});
