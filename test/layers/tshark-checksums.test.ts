// Packets built by pktkit, written to a pcap and read by tshark with checksum
// validation on: every checksum must be Good, and tshark must decode the
// fields as they were set (TCP options, DNS names, records and compression).
// One packet carries a checksum set wrong on purpose, so the check can fail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ARP,
  DNS,
  DNSQR,
  DNSRR,
  DNSRRMX,
  DNSRROPT,
  DNSRRSOA,
  DNSRRSRV,
  Dot1Q,
  EDNS0TLV,
  Ether,
  ICMP,
  ICMPv6DestUnreach,
  ICMPv6EchoRequest,
  ICMPv6ND_NA,
  ICMPv6ND_NS,
  ICMPv6ND_RA,
  ICMPv6NDOptDstLLAddr,
  ICMPv6NDOptMTU,
  ICMPv6NDOptPrefixInfo,
  ICMPv6NDOptSrcLLAddr,
  IP,
  IPerror,
  IPerror6,
  IPv6,
  IPv6ExtHdrDestOpt,
  IPv6ExtHdrFragment,
  IPv6ExtHdrHopByHop,
  IPv6ExtHdrRouting,
  TCP,
  UDP,
  UDPerror,
  type Layer,
} from '../../lib/layers';
import { tsharkFields } from '../helpers/tshark';
import { writePcap } from './write-pcap';

const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';
const A = '198.18.0.1';
const B = '198.18.0.2';
const eth = () => Ether({ src: M1, dst: M2 });
const ip = () => IP({ src: A, dst: B });
const ip6 = () => IPv6({ src: 'fd00::1', dst: 'fd00::2' });

const GOOD = '1'; // tshark's PROTO_CHECKSUM_E_GOOD
const BAD = '0';

interface Case {
  name: string;
  pkt: Layer;
  /** tshark field -> expected value (repeated fields joined by ','). */
  expect: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'TCP SYN with MSS, SACK-permitted, timestamps, NOP, window scale',
    pkt: eth()
      .div(ip())
      .div(
        TCP({
          sport: 40000,
          dport: 8888,
          flags: 'S',
          seq: 1000,
          options: [
            ['MSS', 1460],
            ['SAckOK', new Uint8Array(0)],
            ['Timestamp', [123456, 0]],
            ['NOP', null],
            ['WScale', 7],
          ],
        }),
      ),
    expect: {
      'ip.checksum.status': GOOD,
      'tcp.checksum.status': GOOD,
      'tcp.flags.str': '··········S·',
      'tcp.options.mss_val': '1460',
      'tcp.options.wscale.shift': '7',
      'tcp.options.timestamp.tsval': '123456',
      'tcp.options.sack_perm': '0402',
    },
  },
  {
    name: 'TCP ACK with SACK blocks and payload, IP DF and TTL',
    pkt: eth()
      .div(IP({ src: A, dst: B, flags: 'DF', ttl: 3 }))
      .div(
        TCP({
          flags: 'PA',
          seq: 5,
          ack: 9,
          options: [
            ['NOP', null],
            ['NOP', null],
            ['SAck', [100, 200, 300, 400]],
          ],
        }),
      )
      .div('data'),
    expect: {
      'ip.checksum.status': GOOD,
      'tcp.checksum.status': GOOD,
      'ip.flags.df': '1',
      'ip.ttl': '3',
      'tcp.options.sack_le': '100,300',
      'tcp.options.sack_re': '200,400',
    },
  },
  {
    name: 'IP options (router alert) and a fragment offset',
    pkt: eth()
      .div(IP({ src: A, dst: B, flags: 'MF', frag: 10, options: [{ type: 148, data: new Uint8Array([0, 0]) }] }))
      .div('fragment-bytes'),
    expect: { 'ip.checksum.status': GOOD, 'ip.flags.mf': '1', 'ip.frag_offset': '10', 'ip.opt.type': '148' },
  },
  {
    name: 'UDP over IPv4 through a VLAN tag',
    pkt: eth()
      .div(Dot1Q({ vlan: 42 }))
      .div(ip())
      .div(UDP({ sport: 4000, dport: 4001 }))
      .div('hello'),
    expect: { 'vlan.id': '42', 'ip.checksum.status': GOOD, 'udp.checksum.status': GOOD },
  },
  {
    name: 'ICMP echo request',
    pkt: eth()
      .div(ip())
      .div(ICMP({ id: 77, seq: 3 }))
      .div('ping-data'),
    expect: {
      'ip.checksum.status': GOOD,
      'icmp.checksum.status': GOOD,
      'icmp.type': '8',
      'icmp.ident': '77',
      'icmp.seq': '3',
    },
  },
  {
    name: 'ICMP port unreachable quoting IP/UDP',
    pkt: eth()
      .div(ip())
      .div(ICMP({ type: 'dest-unreach', code: 3 }))
      .div(IPerror({ src: B, dst: A }))
      .div(UDPerror({ sport: 5000, dport: 6000 }))
      .div('quoted'),
    expect: {
      'ip.checksum.status': `${GOOD},${GOOD}`,
      'icmp.checksum.status': GOOD,
      'icmp.type': '3',
      'udp.checksum.status': GOOD,
    },
  },
  {
    name: 'ICMP redirect',
    pkt: eth()
      .div(ip())
      .div(ICMP({ type: 'redirect', code: 1, gw: '198.18.0.254' }))
      .div(IPerror({ src: B, dst: '198.18.1.1' }))
      .div(UDPerror()),
    expect: { 'icmp.checksum.status': GOOD, 'icmp.redir_gw': '198.18.0.254' },
  },
  {
    name: 'ARP who-has',
    pkt: Ether({ src: M1 }).div(ARP({ hwsrc: M1, psrc: A, pdst: B })),
    expect: { 'arp.dst.proto_ipv4': B },
  },
  {
    name: 'DNS query with EDNS0 OPT',
    pkt: eth()
      .div(ip())
      .div(UDP({ sport: 33333, dport: 53 }))
      .div(
        DNS({
          id: 0x1234,
          qd: DNSQR({ qname: 'www.example.test', qtype: 'AAAA' }),
          ar: [DNSRROPT({ rclass: 1232, rdata: [EDNS0TLV({ optcode: 10, optdata: new Uint8Array(8) })] })],
        }),
      ),
    expect: {
      'udp.checksum.status': GOOD,
      'dns.id': '0x1234',
      'dns.qry.name': 'www.example.test',
      'dns.rr.udp_payload_size': '1232',
      'dns.opt.code': '10',
    },
  },
  {
    name: 'DNS response with every record type and compressed names',
    pkt: eth()
      .div(ip())
      .div(UDP({ sport: 53, dport: 33333 }))
      .div(
        DNS({
          id: 0x1234,
          qr: 1,
          ra: 1,
          qd: DNSQR({ qname: 'www.example.test' }),
          an: [
            DNSRR({ rrname: 'www.example.test', type: 'CNAME', ttl: 300, rdata: 'web.example.test' }),
            DNSRR({ rrname: 'web.example.test', type: 'A', ttl: 60, rdata: '198.18.0.80' }),
            DNSRR({ rrname: 'web.example.test', type: 'AAAA', ttl: 60, rdata: 'fd00::80' }),
            DNSRR({ rrname: 'web.example.test', type: 'TXT', rdata: ['v=spf1 -all', 'second'] }),
            DNSRRMX({ rrname: 'example.test', preference: 10, exchange: 'mail.example.test' }),
            DNSRRSRV({
              rrname: '_sip._udp.example.test',
              priority: 1,
              weight: 2,
              port: 5060,
              target: 'sip.example.test',
            }),
            DNSRR({ rrname: '80.0.18.198.in-addr.arpa', type: 'PTR', rdata: 'web.example.test' }),
          ],
          ns: [
            DNSRR({ rrname: 'example.test', type: 'NS', ttl: 3600, rdata: 'ns1.example.test' }),
            DNSRRSOA({
              rrname: 'example.test',
              mname: 'ns1.example.test',
              rname: 'hostmaster.example.test',
              serial: 2024010101,
              refresh: 7200,
              retry: 900,
              expire: 1209600,
              minimum: 300,
            }),
          ],
        }),
      ),
    expect: {
      'udp.checksum.status': GOOD,
      'dns.flags.response': '1',
      'dns.count.answers': '7',
      'dns.qry.name': 'www.example.test',
      'dns.cname': 'web.example.test',
      'dns.a': '198.18.0.80',
      'dns.aaaa': 'fd00::80',
      'dns.txt': 'v=spf1 -all,second',
      'dns.mx.preference': '10',
      'dns.mx.mail_exchange': 'mail.example.test',
      'dns.srv.port': '5060',
      'dns.srv.target': 'sip.example.test',
      'dns.ptr.domain_name': 'web.example.test',
      'dns.ns': 'ns1.example.test',
      'dns.soa.mname': 'ns1.example.test',
      'dns.soa.rname': 'hostmaster.example.test',
      'dns.soa.serial_number': '2024010101',
    },
  },
  {
    name: 'IPv6 / TCP',
    pkt: eth()
      .div(ip6())
      .div(TCP({ sport: 1, dport: 2, flags: 'SA' })),
    expect: { 'tcp.checksum.status': GOOD, 'ipv6.nxt': '6' },
  },
  {
    name: 'IPv6 hop-by-hop and destination options / UDP',
    pkt: eth()
      .div(ip6())
      .div(IPv6ExtHdrHopByHop({ options: [{ otype: 5, optdata: new Uint8Array(2) }] }))
      .div(IPv6ExtHdrDestOpt())
      .div(UDP({ sport: 7, dport: 9 }))
      .div('x'),
    expect: { 'udp.checksum.status': GOOD, 'ipv6.nxt': '0' },
  },
  {
    name: 'IPv6 routing header / UDP: the checksum uses the final destination',
    pkt: eth()
      .div(ip6())
      .div(IPv6ExtHdrRouting({ addresses: ['fd00::3', 'fd00::9'] }))
      .div(UDP({ sport: 7, dport: 9 }))
      .div('routed'),
    expect: { 'udp.checksum.status': GOOD, 'ipv6.routing.segleft': '2' },
  },
  {
    name: 'IPv6 fragment header / ICMPv6 echo',
    pkt: eth()
      .div(ip6())
      .div(IPv6ExtHdrFragment({ id: 0xabcd }))
      .div(ICMPv6EchoRequest({ id: 5, seq: 6, data: 'abc' })),
    expect: { 'icmpv6.checksum.status': GOOD, 'icmpv6.type': '128' },
  },
  {
    name: 'ICMPv6 destination unreachable quoting IPv6/UDP',
    pkt: eth()
      .div(ip6())
      .div(ICMPv6DestUnreach({ code: 4 }))
      .div(IPerror6({ src: 'fd00::2', dst: 'fd00::1' }))
      .div(UDPerror({ sport: 9, dport: 7 })),
    expect: { 'icmpv6.checksum.status': GOOD, 'icmpv6.type': '1', 'udp.checksum.status': GOOD },
  },
  {
    name: 'Neighbor solicitation and advertisement with link-layer options',
    pkt: eth()
      .div(IPv6({ src: 'fd00::1', dst: 'ff02::1:ff00:2' }))
      .div(ICMPv6ND_NS({ tgt: 'fd00::2' }))
      .div(ICMPv6NDOptSrcLLAddr({ lladdr: M1 })),
    expect: { 'icmpv6.checksum.status': GOOD, 'icmpv6.nd.ns.target_address': 'fd00::2', 'icmpv6.opt.linkaddr': M1 },
  },
  {
    name: 'Neighbor advertisement',
    pkt: eth()
      .div(ip6())
      .div(ICMPv6ND_NA({ tgt: 'fd00::2', S: 1 }))
      .div(ICMPv6NDOptDstLLAddr({ lladdr: M2 })),
    expect: { 'icmpv6.checksum.status': GOOD, 'icmpv6.type': '136', 'icmpv6.opt.linkaddr': M2 },
  },
  {
    name: 'Router advertisement with prefix and MTU',
    pkt: eth()
      .div(IPv6({ src: 'fe80::1' }))
      .div(ICMPv6ND_RA({ routerlifetime: 900 }))
      .div(ICMPv6NDOptPrefixInfo({ prefix: 'fd00:1::' }))
      .div(ICMPv6NDOptMTU({ mtu: 1400 })),
    expect: {
      'icmpv6.checksum.status': GOOD,
      'icmpv6.nd.ra.router_lifetime': '900',
      'icmpv6.opt.prefix': 'fd00:1::',
      'icmpv6.opt.mtu': '1400',
    },
  },
  {
    name: 'a TCP checksum set wrong on purpose is kept (and tshark sees it)',
    pkt: eth()
      .div(ip())
      .div(TCP({ chksum: 0xdead })),
    expect: { 'ip.checksum.status': GOOD, 'tcp.checksum.status': BAD },
  },
];

const dir = mkdtempSync(join(tmpdir(), 'pktkit-layers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('tshark accepts the checksums and decodes the fields of built packets', () => {
  const fields = [...new Set(['_ws.malformed', '_ws.expert.message', ...cases.flatMap((c) => Object.keys(c.expect))])];
  const file = join(dir, 'built.pcap');
  writePcap(
    file,
    cases.map((c) => c.pkt.toBytes()),
  );
  const rows = tsharkFields(file, fields, {
    extraArgs: [
      '-o',
      'tcp.relative_sequence_numbers:FALSE',
      '-o',
      'ip.check_checksum:TRUE',
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'udp.check_checksum:TRUE',
    ],
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const row = (await rows)[i];
      assert.ok(row, 'tshark printed a line for the packet');
      assert.equal(row['_ws.malformed'], '', `tshark found it malformed: ${row['_ws.expert.message']}`);
      for (const [f, want] of Object.entries(c.expect)) assert.equal(row[f], want, f);
    });
  });
});
