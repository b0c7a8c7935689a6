// Packets the Linux kernel wrote on the loopback interface (captured with
// tcpdump on lo, DLT_EN10MB), decoded by pktkit: fields as tcpdump reads them,
// byte-exact rebuilds, checksums recomputed the way the kernel computed them.
// The dumps are tcpdump -X, which starts at the IP header (after 14 bytes of Ethernet).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DNS,
  Ether,
  ICMP,
  ICMPv6DestUnreach,
  IP,
  IPerror,
  IPerror6,
  IPv6,
  parse,
  Raw,
  TCP,
  UDPerror,
  type Layer,
} from '../../lib/layers';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const same = (a: Uint8Array, b: Uint8Array) =>
  assert.equal(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'));

/*
 * 18:37:50.666119 IP 127.0.0.1.33046 > 127.0.0.1.47001: Flags [S], seq 226118852, win 65495, options [mss 65495,sackOK,TS val 329111109 ecr 0,nop,wscale 10], length 0
 *   0x0000:  4500 003c d0e6 4000 4006 6bd3 7f00 0001  E..<..@.@.k.....
 *   0x0010:  7f00 0001 8116 b799 0d7a 4cc4 0000 0000  .........zL.....
 *   0x0020:  a002 ffd7 fe30 0000 0204 ffd7 0402 080a  .....0..........
 *   0x0030:  139d d645 0000 0000 0103 030a            ...E........
 */
const TCP_SYN = hex(
  '00000000000000000000000008004500003cd0e6400040066bd37f0000017f00' +
    '00018116b7990d7a4cc400000000a002ffd7fe3000000204ffd70402080a139d' +
    'd645000000000103030a' +
    '',
);

/*
 * 18:37:50.666182 IP 127.0.0.1.33046 > 127.0.0.1.47001: Flags [P.], seq 1:6, ack 1, win 64, options [nop,nop,TS val 329111109 ecr 3373910609], length 5
 *   0x0000:  4500 0039 d0e8 4000 4006 6bd4 7f00 0001  E..9..@.@.k.....
 *   0x0010:  7f00 0001 8116 b799 0d7a 4cc5 e81d ccb4  .........zL.....
 *   0x0020:  8018 0040 fe2d 0000 0101 080a 139d d645  ...@.-.........E
 *   0x0030:  c919 ca51 6865 6c6c 6f                   ...Qhello
 */
const TCP_PSH = hex(
  '000000000000000000000000080045000039d0e8400040066bd47f0000017f00' +
    '00018116b7990d7a4cc5e81dccb480180040fe2d00000101080a139dd645c919' +
    'ca5168656c6c6f' +
    '',
);

/*
 * 18:37:50.718438 IP 127.0.0.1.47009 > 127.0.0.1.51554: Flags [R.], seq 0, ack 3396036707, win 0, length 0
 *   0x0000:  4500 0028 0000 4000 4006 3cce 7f00 0001  E..(..@.@.<.....
 *   0x0010:  7f00 0001 b7a1 c962 0000 0000 ca6b 6863  .......b.....khc
 *   0x0020:  5014 0000 fdfa 0000                      P.......
 */
const TCP_RST = hex(
  '0000000000000000000000000800450000280000400040063cce7f0000017f00' +
    '0001b7a1c96200000000ca6b686350140000fdfa0000' +
    '',
);

/*
 * 18:37:50.718490 IP6 ::1.33708 > ::1.47009: Flags [S], seq 589823911, win 65476, options [mss 65476,sackOK,TS val 894095060 ecr 0,nop,wscale 10], length 0
 *   0x0000:  600c cb70 0028 0640 0000 0000 0000 0000  `..p.(.@........
 *   0x0010:  0000 0000 0000 0001 0000 0000 0000 0000  ................
 *   0x0020:  0000 0000 0000 0001 83ac b7a1 2327 ffa7  ............#'..
 *   0x0030:  0000 0000 a002 ffc4 0030 0000 0204 ffc4  .........0......
 *   0x0040:  0402 080a 354a ced4 0000 0000 0103 030a  ....5J..........
 */
const TCP6_SYN = hex(
  '00000000000000000000000086dd600ccb700028064000000000000000000000' +
    '0000000000010000000000000000000000000000000183acb7a12327ffa70000' +
    '0000a002ffc4003000000204ffc40402080a354aced4000000000103030a' +
    '',
);

/*
 * 18:37:50.718531 IP 127.0.0.1.5353 > 127.0.0.1.47053: 43981+ A (QM)? www.example.test. (34)
 *   0x0000:  4500 003e 100a 4000 4011 2ca3 7f00 0001  E..>..@.@.,.....
 *   0x0010:  7f00 0001 14e9 b7cd 002a fe3d abcd 0100  .........*.=....
 *   0x0020:  0001 0000 0000 0000 0377 7777 0765 7861  .........www.exa
 *   0x0030:  6d70 6c65 0474 6573 7400 0001 0001       mple.test.....
 */
const UDP_DNS_QUERY = hex(
  '00000000000000000000000008004500003e100a400040112ca37f0000017f00' +
    '000114e9b7cd002afe3dabcd0100000100000000000003777777076578616d70' +
    '6c6504746573740000010001' +
    '',
);

/*
 * 18:37:50.718537 IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 47053 unreachable, length 70
 *   0x0000:  45c0 005a 004a 0000 4001 7b97 7f00 0001  E..Z.J..@.{.....
 *   0x0010:  7f00 0001 0303 d29a 0000 0000 4500 003e  ............E..>
 *   0x0020:  100a 4000 4011 2ca3 7f00 0001 7f00 0001  ..@.@.,.........
 *   0x0030:  14e9 b7cd 002a fe3d abcd 0100 0001 0000  .....*.=........
 *   0x0040:  0000 0000 0377 7777 0765 7861 6d70 6c65  .....www.example
 *   0x0050:  0474 6573 7400 0001 0001                 .test.....
 */
const ICMP_PORT_UNREACH = hex(
  '000000000000000000000000080045c0005a004a000040017b977f0000017f00' +
    '00010303d29a000000004500003e100a400040112ca37f0000017f00000114e9' +
    'b7cd002afe3dabcd0100000100000000000003777777076578616d706c650474' +
    '6573740000010001' +
    '',
);

/*
 * 18:37:50.818717 IP6 ::1 > ::1: ICMP6, destination unreachable, unreachable port, ::1 udp port 47053, length 90
 *   0x0000:  600a 5ea5 005a 3a40 0000 0000 0000 0000  `.^..Z:@........
 *   0x0010:  0000 0000 0000 0001 0000 0000 0000 0000  ................
 *   0x0020:  0000 0000 0000 0001 0104 6f6b 0000 0000  ..........ok....
 *   0x0030:  6000 f12c 002a 1140 0000 0000 0000 0000  `..,.*.@........
 *   0x0040:  0000 0000 0000 0001 0000 0000 0000 0000  ................
 *   0x0050:  0000 0000 0000 0001 14e9 b7cd 002a 003d  .............*.=
 *   0x0060:  abcd 0100 0001 0000 0000 0000 0377 7777  .............www
 *   0x0070:  0765 7861 6d70 6c65 0474 6573 7400 0001  .example.test...
 *   0x0080:  0001                                     ..
 */
const ICMP6_PORT_UNREACH = hex(
  '00000000000000000000000086dd600a5ea5005a3a4000000000000000000000' +
    '0000000000010000000000000000000000000000000101046f6b000000006000' +
    'f12c002a11400000000000000000000000000000000100000000000000000000' +
    '00000000000114e9b7cd002a003dabcd01000001000000000000037777770765' +
    '78616d706c6504746573740000010001' +
    '',
);

/** Rebuilding with the checksum cleared must give the checksum the kernel wrote. */
function recomputed(pkt: Layer, kind: { prototype: Layer }, field = 'chksum'): Uint8Array {
  const copy = pkt.copy();
  copy.get(kind)!.setFields({});
  (copy.get(kind) as unknown as Record<string, unknown>)[field] = null;
  return copy.toBytes();
}

describe('real packets from the kernel', () => {
  it('TCP SYN with MSS, SACK-permitted, timestamps, NOP, window scale', () => {
    const p = parse(TCP_SYN);
    assert.equal(p.summary(), 'Ether / IP / TCP 127.0.0.1:33046 > 127.0.0.1:47001 S');
    const ip = p.get(IP)!;
    assert.deepEqual(
      [ip.id, ip.flags, ip.ttl, ip.len, ip.chksum, ip.src, ip.dst],
      [0xd0e6, 2, 64, 60, 0x6bd3, '127.0.0.1', '127.0.0.1'],
    );
    const tcp = p.get(TCP)!;
    assert.deepEqual(
      [tcp.sport, tcp.dport, tcp.seq, tcp.ack, tcp.window, tcp.dataofs, tcp.flagString],
      [33046, 47001, 226118852, 0, 65495, 10, 'S'],
    );
    assert.deepEqual(tcp.options, [
      ['MSS', 65495],
      ['SAckOK', new Uint8Array(0)],
      ['Timestamp', [329111109, 0]],
      ['NOP', null],
      ['WScale', 10],
    ]);
    same(p.toBytes(), TCP_SYN);
    // The IP header checksum is the kernel's; the TCP one was left partial (checksum offload on lo).
    same(recomputed(p, IP), TCP_SYN);
    assert.equal(
      recomputed(p, TCP)[14 + 20 + 16] * 256 + recomputed(p, TCP)[14 + 20 + 17],
      0xd32d,
      'tcpdump says the correct checksum is 0xd32d',
    );
  });

  it('TCP PSH+ACK carrying data', () => {
    const p = parse(TCP_PSH);
    assert.equal(p.summary(), 'Ether / IP / TCP 127.0.0.1:33046 > 127.0.0.1:47001 PA / Raw');
    assert.deepEqual(p.get(TCP)!.options, [
      ['NOP', null],
      ['NOP', null],
      ['Timestamp', [329111109, 3373910609]],
    ]);
    assert.equal(Buffer.from(p.get(Raw)!.load).toString(), 'hello');
    same(p.toBytes(), TCP_PSH);
  });

  it('TCP RST+ACK from the kernel has a checksum pktkit computes the same', () => {
    const p = parse(TCP_RST);
    assert.equal(p.summary(), 'Ether / IP / TCP 127.0.0.1:47009 > 127.0.0.1:51554 RA');
    same(recomputed(p, TCP), TCP_RST);
    same(recomputed(p, IP), TCP_RST);
  });

  it('IPv6 TCP SYN', () => {
    const p = parse(TCP6_SYN);
    assert.equal(p.summary(), 'Ether / IPv6 / TCP ::1:33708 > ::1:47009 S');
    const ip6 = p.get(IPv6)!;
    assert.deepEqual([ip6.fl, ip6.plen, ip6.nh, ip6.hlim, ip6.src, ip6.dst], [0xccb70, 40, 6, 64, '::1', '::1']);
    assert.equal(
      recomputed(p, TCP)[14 + 40 + 16] * 256 + recomputed(p, TCP)[14 + 40 + 17],
      0xebe9,
      'tcpdump says the correct checksum is 0xebe9',
    );
    same(p.toBytes(), TCP6_SYN);
  });

  it('UDP DNS query from port 5353', () => {
    const p = parse(UDP_DNS_QUERY);
    assert.equal(p.summary(), `Ether / IP / UDP / DNS Qry "b'www.example.test.'" `);
    const dns = p.get(DNS)!;
    assert.deepEqual(
      [dns.id, dns.rd, dns.qdcount, dns.qd[0].qname, dns.qd[0].qtype, dns.qd[0].qclass],
      [0xabcd, 1, 1, 'www.example.test.', 1, 1],
    );
    same(p.toBytes(), UDP_DNS_QUERY);
  });

  it('ICMP port unreachable: the quoted IP/UDP/DNS is decoded as layers', () => {
    const p = parse(ICMP_PORT_UNREACH);
    // As in Scapy, the innermost layer with a summary speaks (here the quoted DNS query).
    assert.equal(p.summary(), 'Ether / IP / ICMP / IPerror / UDPerror / DNS Qry "b\'www.example.test.\'" ');
    assert.deepEqual(
      p.layers().map((l) => l.layerName),
      ['Ether', 'IP', 'ICMP', 'IPerror', 'UDPerror', 'DNS'],
    );
    assert.equal(p.get(ICMP)!.type, 3);
    assert.equal(p.get(IPerror)!.id, 4106);
    assert.equal(p.get(UDPerror)!.dport, 47053);
    assert.equal(p.get(DNS)!.qd[0].qname, 'www.example.test.');
    assert.equal(p.get(IP)!.tos, 0xc0);
    same(recomputed(p, ICMP), ICMP_PORT_UNREACH);
    same(recomputed(p, IP), ICMP_PORT_UNREACH);
  });

  it('ICMPv6 port unreachable quoting IPv6/UDP/DNS, checksum as the kernel made it', () => {
    const p = parse(ICMP6_PORT_UNREACH);
    assert.deepEqual(
      p.layers().map((l) => l.layerName),
      ['Ether', 'IPv6', 'ICMPv6DestUnreach', 'IPerror6', 'UDPerror', 'DNS'],
    );
    assert.equal(p.get(ICMPv6DestUnreach)!.code, 4);
    assert.equal(p.get(IPerror6)!.plen, 42);
    same(recomputed(p, ICMPv6DestUnreach, 'cksum'), ICMP6_PORT_UNREACH);
  });

  it('an Ethernet trailer after the IP packet becomes Padding and survives a rebuild', () => {
    const padded = new Uint8Array([...TCP_RST, 0, 0, 0, 0, 0, 0]);
    const p = parse(padded);
    assert.equal(p.summary(), 'Ether / IP / TCP 127.0.0.1:47009 > 127.0.0.1:51554 RA / Padding');
    same(p.toBytes(), padded);
    assert.equal(p.get(Ether)!.type, 0x800);
  });
});
