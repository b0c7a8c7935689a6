/**
 * Crafted captures for the dissector tests: one pcap per link type, covering
 * what loopback traffic never shows (VLAN/QinQ, ARP, IPv6 extension headers,
 * fragments, ICMP errors, snaplen truncation, lying lengths). Each packet may
 * carry `expect`: record fields whose values follow from the record.def
 * contract itself (flags, stop layer, offsets, lengths), which tshark cannot
 * tell us.
 */
import path from 'node:path';
import {
  FLAG_FRAGMENT,
  FLAG_ICMP_QUOTE,
  FLAG_IP_OPTIONS,
  FLAG_MALFORMED,
  FLAG_TOO_DEEP,
  FLAG_TRUNCATED,
  FLAG_UNKNOWN_LINK,
  LAYER_ARP,
  LAYER_ETHERNET,
  LAYER_ICMP,
  LAYER_ICMPV6,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_IPV6_EXT,
  LAYER_LOOPBACK,
  LAYER_NONE,
  LAYER_SLL,
  LAYER_SLL2,
  LAYER_TCP,
  LAYER_UDP,
  LAYER_VLAN,
  OFFSET_ABSENT,
} from '../../lib/record.gen';
import {
  ah,
  arp,
  ether,
  extHeader,
  fragHeader,
  icmp,
  ipv4,
  ipv6,
  loopback,
  padded,
  sll,
  sll2,
  tag,
  tcp,
  udp,
  writePcap,
  type CraftedPacket,
} from './craft';

/** A crafted packet with the record values the contract promises for it. */
export interface ExpectedPacket extends CraftedPacket {
  expect?: Record<string, number | string>;
}

/** One crafted file. */
export interface CraftedCapture {
  file: string;
  linktype: number;
  packets: ExpectedPacket[];
  /** false for link types tshark cannot decode either. */
  tshark: boolean;
}

const bit = (...layers: number[]) => layers.reduce((m, l) => m | (1 << l), 0);
const ok = { flags: 0, stopLayer: LAYER_NONE };
const data = (n: number, fill = 0x61) => Buffer.alloc(n, fill);

// tcpdump -X of the options below: mss 1460, sackOK, TS val 1 ecr 0, nop, wscale 7
const synOptions = Buffer.from('020405b4' + '0402080a' + '00000001' + '00000000' + '01030307', 'hex');

const tcpSyn = () =>
  tcp({ sport: 40000, dport: 80, seq: 0xdeadbeef, flags: 0x002, window: 64240, options: synOptions });
const udpSmall = () => udp(5353, 53, Buffer.from('abc'));
const v4 = (proto: number, payload: Buffer, extra: Partial<Parameters<typeof ipv4>[0]> = {}) =>
  ipv4({ proto, ...extra }, payload);
const v6 = (next: number, payload: Buffer, extra: Partial<Parameters<typeof ipv6>[0]> = {}) =>
  ipv6({ next, ...extra }, payload);

/** Routing header type 2 (RFC 6275): 24 bytes, one address, segments left 0. */
function routingType2(next: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(24);
  h[0] = next;
  h[1] = 2;
  h[2] = 2;
  h[3] = 0;
  Buffer.from('fd000000000000000000000000000009', 'hex').copy(h, 8);
  return Buffer.concat([h, payload]);
}

function ethernetPackets(): ExpectedPacket[] {
  const quotedUdp = v4(17, udp(33000, 9, data(4)), { src: '198.18.0.2', dst: '198.18.0.9', id: 0x0777 });
  const quotedTcp = v4(6, tcp({ sport: 1234, dport: 4321, flags: 0x010 }).subarray(0, 8), {
    src: '198.18.0.2',
    dst: '198.18.0.10',
    totalLen: 60,
  });
  const quoted6 = v6(17, udp(33001, 9, data(4)), { src: 'fd00::2', dst: 'fd00::99' });
  let nineTags: Buffer = v4(17, udpSmall());
  for (let i = 9; i >= 1; i--) nineTags = tag(i, i === 9 ? 0x0800 : 0x8100, nineTags);
  let seventeen: Buffer = udp(1, 2, data(2));
  for (let i = 0; i < 17; i++) seventeen = extHeader(i === 0 ? 17 : 60, 0, seventeen);
  const bigTcp = v4(6, tcp({ sport: 5000, dport: 6000, seq: 1, ack: 2, flags: 0x018 }, data(100)));

  return [
    {
      name: 'IPv4 TCP SYN with options',
      bytes: ether(0x0800, v4(6, tcpSyn(), { id: 0x0101, tos: 0x10 })),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_IPV4, LAYER_TCP),
        l3Off: 14,
        l4Off: 34,
        payloadOff: 74,
        payloadLen: 0,
        tcpHdrLen: 40,
        tcpFlags: 2,
        tcpSeq: 0xdeadbeef,
      },
    },
    {
      name: 'IPv4 UDP in a padded frame',
      bytes: padded(ether(0x0800, v4(17, udpSmall()))),
      expect: { ...ok, payloadOff: 42, payloadLen: 3, udpLen: 11, ipTotalLen: 31 },
    },
    {
      name: 'IPv4 TCP PSH/ACK, 2 bytes of data, padded',
      bytes: padded(
        ether(0x0800, v4(6, tcp({ sport: 80, dport: 40000, seq: 7, ack: 9, flags: 0x018 }, Buffer.from('hi')))),
      ),
      expect: { ...ok, payloadOff: 54, payloadLen: 2 },
    },
    {
      name: 'ICMP echo request',
      bytes: ether(0x0800, v4(1, icmp(8, 0, 0x42420007, data(32)))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_IPV4, LAYER_ICMP),
        icmpType: 8,
        icmpId: 0x4242,
        icmpSeq: 7,
        payloadOff: 42,
        payloadLen: 32,
      },
    },
    {
      name: 'ICMP echo reply',
      bytes: ether(0x0800, v4(1, icmp(0, 0, 0x42420007, data(32)))),
      expect: { ...ok, icmpType: 0, icmpId: 0x4242, icmpSeq: 7 },
    },
    {
      name: 'ICMP port unreachable quoting UDP',
      bytes: ether(0x0800, v4(1, icmp(3, 3, 0, quotedUdp), { tos: 0xc0 })),
      expect: {
        flags: FLAG_ICMP_QUOTE,
        stopLayer: LAYER_NONE,
        l4Off: 34,
        payloadOff: 42,
        payloadLen: quotedUdp.length,
        sport: 0,
        icmpId: 0,
        src: '198.18.0.1',
      },
    },
    {
      name: 'ICMP time exceeded quoting TCP',
      bytes: ether(0x0800, v4(1, icmp(11, 0, 0, quotedTcp))),
      expect: { flags: FLAG_ICMP_QUOTE, stopLayer: LAYER_NONE, payloadOff: 42, icmpType: 11 },
    },
    {
      name: '802.1Q VLAN 100 prio 5, IPv4 UDP',
      bytes: ether(0x8100, tag((5 << 13) | 100, 0x0800, v4(17, udpSmall()))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_VLAN, LAYER_IPV4, LAYER_UDP),
        vlanCount: 1,
        vlanTci0: (5 << 13) | 100,
        etherType: 0x0800,
        l3Off: 18,
        l4Off: 38,
      },
    },
    {
      name: 'QinQ 802.1ad 200 / 802.1Q 300, IPv6 TCP',
      bytes: ether(0x88a8, tag(200, 0x8100, tag(300, 0x86dd, v6(6, tcpSyn())))),
      expect: { ...ok, vlanCount: 2, vlanTci0: 200, vlanTci1: 300, etherType: 0x86dd, l3Off: 22, l4Off: 62 },
    },
    {
      name: 'three tags (0x9100, 0x8100, 0x8100), ARP',
      bytes: padded(
        ether(0x9100, tag(10, 0x8100, tag(20, 0x8100, tag(30, 0x0806, arp(1, '198.18.0.1', '198.18.0.2'))))),
      ),
      expect: { ...ok, vlanCount: 3, vlanTci0: 10, vlanTci1: 20, etherType: 0x0806, l3Off: 26 },
    },
    {
      name: 'ARP request, padded',
      bytes: padded(ether(0x0806, arp(1, '198.18.0.1', '198.18.0.2'))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_ARP),
        arpOp: 1,
        l3Off: 14,
        payloadOff: 42,
        payloadLen: 0,
        src: '198.18.0.1',
        dst: '198.18.0.2',
        ipVersion: 0,
      },
    },
    {
      name: 'ARP reply',
      bytes: padded(ether(0x0806, arp(2, '198.18.0.2', '198.18.0.1'))),
      expect: { ...ok, arpOp: 2, src: '198.18.0.2', dst: '198.18.0.1' },
    },
    {
      name: 'IPv4 with record-route option, UDP',
      bytes: ether(0x0800, v4(17, udpSmall(), { options: Buffer.from('0707040000000000', 'hex') })),
      expect: { flags: FLAG_IP_OPTIONS, stopLayer: LAYER_NONE, ipHdrLen: 28, ipOptLen: 8, l4Off: 42 },
    },
    {
      name: 'IPv4 first fragment, UDP',
      bytes: ether(0x0800, v4(17, udp(7000, 7001, data(96), 1008), { frag: 0x2000, id: 0x0aaa })),
      expect: {
        flags: FLAG_FRAGMENT,
        stopLayer: LAYER_NONE,
        ipFrag: 0x2000,
        udpLen: 1008,
        payloadLen: 1000,
        l4Off: 34,
      },
    },
    {
      name: 'IPv4 later fragment',
      bytes: ether(0x0800, v4(17, data(104), { frag: 13, id: 0x0aaa })),
      expect: {
        flags: FLAG_FRAGMENT,
        stopLayer: LAYER_NONE,
        ipFrag: 13,
        l4Off: OFFSET_ABSENT,
        payloadOff: 34,
        payloadLen: 104,
        sport: 0,
      },
    },
    {
      name: 'IPv6 hop-by-hop, routing, destination options, UDP',
      bytes: ether(0x86dd, v6(0, extHeader(43, 0, routingType2(60, extHeader(17, 1, udpSmall()))))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_IPV6, LAYER_IPV6_EXT, LAYER_UDP),
        l3Next: 54,
        ipExtLen: 48,
        ipProto: 17,
        l4Off: 102,
        payloadOff: 110,
        payloadLen: 3,
      },
    },
    {
      name: 'IPv6 first fragment, UDP',
      bytes: ether(0x86dd, v6(44, fragHeader(17, 0, true, 0xabcd1234, udp(7000, 7001, data(48), 1008)))),
      expect: {
        flags: FLAG_FRAGMENT,
        stopLayer: LAYER_NONE,
        ipFrag: 1,
        ipId: 0x1234,
        ipProto: 17,
        l3Next: 54,
        ipExtLen: 8,
        l4Off: 62,
        udpLen: 1008,
      },
    },
    {
      name: 'IPv6 later fragment',
      bytes: ether(0x86dd, v6(44, fragHeader(17, 100, false, 0xabcd1234, data(64)))),
      expect: {
        flags: FLAG_FRAGMENT,
        stopLayer: LAYER_NONE,
        ipFrag: 800,
        ipProto: 17,
        l4Off: OFFSET_ABSENT,
        payloadOff: 62,
        payloadLen: 64,
      },
    },
    {
      name: 'IPv6 AH, TCP',
      bytes: ether(0x86dd, v6(51, ah(6, tcpSyn()))),
      expect: { ...ok, ipExtLen: 24, ipProto: 6, l4Off: 78, tcpHdrLen: 40 },
    },
    {
      name: 'IPv6 ESP',
      bytes: ether(0x86dd, v6(50, Buffer.concat([Buffer.from('0000100000000001', 'hex'), data(40, 0x33)]))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_IPV6),
        ipProto: 50,
        l4Off: OFFSET_ABSENT,
        payloadOff: 54,
        payloadLen: 48,
      },
    },
    {
      name: 'IPv6 hop-by-hop, no next header',
      bytes: ether(0x86dd, v6(0, extHeader(59, 0, Buffer.alloc(0)))),
      expect: { ...ok, ipProto: 59, ipExtLen: 8, payloadOff: 62, payloadLen: 0, l4Off: OFFSET_ABSENT },
    },
    {
      name: 'ICMPv6 echo request',
      bytes: ether(0x86dd, v6(58, icmp(128, 0, 0x00770003, data(16)))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET, LAYER_IPV6, LAYER_ICMPV6),
        icmpType: 128,
        icmpId: 0x77,
        icmpSeq: 3,
        payloadLen: 16,
      },
    },
    {
      name: 'ICMPv6 echo reply',
      bytes: ether(0x86dd, v6(58, icmp(129, 0, 0x00770003, data(16)))),
      expect: { ...ok, icmpType: 129, icmpId: 0x77, icmpSeq: 3 },
    },
    {
      name: 'ICMPv6 port unreachable quoting UDP',
      bytes: ether(0x86dd, v6(58, icmp(1, 4, 0, quoted6))),
      expect: { flags: FLAG_ICMP_QUOTE, stopLayer: LAYER_NONE, payloadOff: 62, payloadLen: quoted6.length, sport: 0 },
    },
    {
      name: 'ICMPv6 packet too big quoting TCP',
      bytes: ether(0x86dd, v6(58, icmp(2, 0, 1280, v6(6, tcpSyn(), { src: 'fd00::2', dst: 'fd00::3' })))),
      expect: { flags: FLAG_ICMP_QUOTE, stopLayer: LAYER_NONE, icmpType: 2 },
    },
    {
      name: 'TCP with every flag (NS..FIN)',
      bytes: ether(
        0x0800,
        v4(6, tcp({ sport: 1, dport: 2, flags: 0x1ff, seq: 0xffffffff, ack: 0x80000000, window: 0 })),
      ),
      expect: { ...ok, tcpFlags: 0x1ff, tcpSeq: 0xffffffff, tcpAck: 0x80000000, tcpWindow: 0 },
    },
    {
      name: 'TCP CWR ECE SYN',
      bytes: ether(0x86dd, v6(6, tcp({ sport: 3, dport: 4, flags: 0x0c2 }))),
      expect: { ...ok, tcpFlags: 0x0c2 },
    },
    {
      name: '802.3 length frame with LLC',
      bytes: padded(ether(38, Buffer.concat([Buffer.from('424203', 'hex'), data(35, 0)]))),
      expect: { ...ok, layers: bit(LAYER_ETHERNET), etherType: 38, l3Off: OFFSET_ABSENT, payloadOff: 14 },
    },
    {
      name: 'LLDP: an EtherType not decoded',
      bytes: padded(ether(0x88cc, data(20, 0))),
      expect: {
        ...ok,
        layers: bit(LAYER_ETHERNET),
        etherType: 0x88cc,
        l3Off: OFFSET_ABSENT,
        payloadOff: 14,
        payloadLen: 46,
      },
    },
    {
      name: 'snaplen cuts the TCP options',
      bytes: ether(0x0800, v4(6, tcpSyn())),
      snap: 58,
      expect: {
        flags: FLAG_TRUNCATED,
        stopLayer: LAYER_TCP,
        sport: 40000,
        tcpHdrLen: 40,
        l4Off: 34,
        payloadOff: 58,
        payloadLen: 0,
      },
    },
    {
      name: 'snaplen cuts the IPv4 header',
      bytes: ether(0x0800, v4(6, tcpSyn())),
      snap: 26,
      expect: {
        flags: FLAG_TRUNCATED,
        stopLayer: LAYER_IPV4,
        layers: bit(LAYER_ETHERNET),
        l3Off: 14,
        ipVersion: 0,
        payloadOff: 14,
      },
    },
    {
      name: 'snaplen cuts an IPv6 extension header',
      bytes: ether(0x86dd, v6(0, extHeader(17, 2, udpSmall()))),
      snap: 64,
      expect: { flags: FLAG_TRUNCATED, stopLayer: LAYER_IPV6_EXT, l3Next: 54, ipExtLen: 0, l4Off: OFFSET_ABSENT },
    },
    {
      name: 'snaplen cuts the TCP payload only',
      bytes: ether(0x0800, bigTcp),
      snap: 64,
      expect: { ...ok, payloadOff: 54, payloadLen: 100, tcpHdrLen: 20 },
    },
    {
      name: 'IPv4 IHL 4',
      bytes: padded(ether(0x0800, v4(17, udpSmall(), { ihl: 4 }))),
      expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_IPV4, layers: bit(LAYER_ETHERNET), ipVersion: 0 },
    },
    {
      name: 'IPv4 version 5',
      bytes: padded(ether(0x0800, v4(17, udpSmall(), { version: 5 }))),
      expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_IPV4, ipVersion: 0 },
    },
    {
      name: 'IPv4 total length past the frame',
      bytes: ether(0x0800, v4(17, udpSmall(), { totalLen: 1000 })),
      expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_IPV4, ipTotalLen: 1000, l4Off: OFFSET_ABSENT },
    },
    {
      name: 'TCP data offset 3',
      bytes: ether(0x0800, v4(6, tcp({ sport: 7, dport: 8, flags: 0x010, dataOffset: 3 }))),
      expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_TCP, sport: 7, tcpHdrLen: 12, payloadOff: 34 },
    },
    {
      name: 'UDP length 4',
      bytes: padded(ether(0x0800, v4(17, udp(9, 10, data(4), 4)))),
      expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_UDP, sport: 9, udpLen: 4 },
    },
    {
      name: 'UDP length past the IP datagram',
      bytes: padded(ether(0x0800, v4(17, udp(9, 10, data(4), 40)))),
      expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_UDP, udpLen: 40, payloadOff: 34 },
    },
    {
      name: 'nine VLAN tags',
      bytes: ether(0x8100, nineTags),
      expect: {
        flags: FLAG_TOO_DEEP,
        stopLayer: LAYER_VLAN,
        vlanCount: 8,
        vlanTci0: 1,
        vlanTci1: 2,
        l3Off: OFFSET_ABSENT,
      },
    },
    {
      name: 'seventeen IPv6 extension headers',
      bytes: ether(0x86dd, v6(60, seventeen)),
      expect: { flags: FLAG_TOO_DEEP, stopLayer: LAYER_IPV6_EXT, ipExtLen: 128, l4Off: OFFSET_ABSENT },
    },
    {
      name: 'IPv4 total length 0 (segmentation offload)',
      bytes: ether(0x0800, v4(6, tcp({ sport: 11, dport: 12, flags: 0x018 }, data(10)), { totalLen: 0 })),
      expect: { ...ok, ipTotalLen: 0, payloadLen: 10 },
    },
  ];
}

/** The same IP packets behind each kind of link header. */
function linkPayloads() {
  return {
    udp4: v4(17, udpSmall(), { src: '198.18.1.1', dst: '198.18.1.2' }),
    icmp6: v6(58, icmp(128, 0, 0x00010001, data(8))),
    arp: arp(1, '198.18.1.1', '198.18.1.2'),
    tcp4: v4(6, tcp({ sport: 22, dport: 50000, seq: 100, ack: 200, flags: 0x018 }, data(5))),
    udp6: v6(17, udp(546, 547, data(6))),
  };
}

function sllPackets(
  wrap: (pkttype: number, proto: number, payload: Buffer) => Buffer,
  layer: number,
): ExpectedPacket[] {
  const p = linkPayloads();
  const hl = layer === LAYER_SLL ? 16 : 20;
  return [
    {
      name: 'IPv4 UDP to us',
      bytes: wrap(0, 0x0800, p.udp4),
      expect: { ...ok, layers: bit(layer, LAYER_IPV4, LAYER_UDP), pktType: 0, etherType: 0x0800, l3Off: hl },
    },
    {
      name: 'IPv6 ICMPv6 outgoing',
      bytes: wrap(4, 0x86dd, p.icmp6),
      expect: { ...ok, pktType: 4, etherType: 0x86dd, l4Off: hl + 40 },
    },
    { name: 'ARP broadcast', bytes: wrap(1, 0x0806, p.arp), expect: { ...ok, pktType: 1, arpOp: 1 } },
    {
      name: 'VLAN 100 put back by libpcap, IPv4 TCP',
      bytes: wrap(3, 0x8100, tag(100, 0x0800, p.tcp4)),
      expect: { ...ok, pktType: 3, vlanCount: 1, vlanTci0: 100, etherType: 0x0800, l3Off: hl + 4, payloadLen: 5 },
    },
    {
      name: 'snaplen inside the link header',
      bytes: wrap(0, 0x0800, p.udp4),
      snap: hl - 2,
      expect: { flags: FLAG_TRUNCATED, stopLayer: layer, layers: 0, pktType: 255 },
    },
  ];
}

/** Writes every crafted capture into `dir` and returns what was written. */
export function writeCraftedCaptures(dir: string): CraftedCapture[] {
  const p = linkPayloads();
  const captures: CraftedCapture[] = [
    { file: 'ethernet.pcap', linktype: 1, tshark: true, packets: ethernetPackets() },
    { file: 'sll.pcap', linktype: 113, tshark: true, packets: sllPackets(sll, LAYER_SLL) },
    { file: 'sll2.pcap', linktype: 276, tshark: true, packets: sllPackets(sll2, LAYER_SLL2) },
    {
      file: 'raw.pcap',
      linktype: 101,
      tshark: true,
      packets: [
        {
          name: 'IPv4 TCP',
          bytes: p.tcp4,
          expect: {
            ...ok,
            layers: bit(LAYER_IPV4, LAYER_TCP),
            etherType: 0x0800,
            l2Off: OFFSET_ABSENT,
            l3Off: 0,
            l4Off: 20,
          },
        },
        {
          name: 'IPv6 UDP',
          bytes: p.udp6,
          expect: { ...ok, layers: bit(LAYER_IPV6, LAYER_UDP), etherType: 0x86dd, l4Off: 40 },
        },
        {
          name: 'version 5',
          bytes: Buffer.from('5500001c', 'hex'),
          expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_IPV4, etherType: 0, layers: 0 },
        },
        { name: 'empty', bytes: Buffer.alloc(0), expect: { flags: FLAG_TRUNCATED, stopLayer: LAYER_IPV4, layers: 0 } },
      ],
    },
    {
      file: 'ipv4.pcap',
      linktype: 228,
      tshark: true,
      packets: [
        {
          name: 'IPv4 ICMP echo',
          bytes: v4(1, icmp(8, 0, 0x00090001, data(8))),
          expect: { ...ok, layers: bit(LAYER_IPV4, LAYER_ICMP), etherType: 0x0800 },
        },
        {
          name: 'IPv6 bytes where IPv4 must be',
          bytes: p.udp6,
          expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_IPV4 },
        },
      ],
    },
    {
      file: 'ipv6.pcap',
      linktype: 229,
      tshark: true,
      packets: [
        { name: 'IPv6 UDP', bytes: p.udp6, expect: { ...ok, layers: bit(LAYER_IPV6, LAYER_UDP), etherType: 0x86dd } },
        {
          name: 'IPv4 bytes where IPv6 must be',
          bytes: p.udp4,
          expect: { flags: FLAG_MALFORMED, stopLayer: LAYER_IPV6 },
        },
      ],
    },
    {
      file: 'null.pcap',
      linktype: 0,
      tshark: true,
      packets: [
        {
          name: 'AF_INET little-endian',
          bytes: loopback(2, true, p.udp4),
          expect: { ...ok, layers: bit(LAYER_LOOPBACK, LAYER_IPV4, LAYER_UDP), etherType: 0x0800, l3Off: 4 },
        },
        {
          name: 'AF_INET6 (24) little-endian',
          bytes: loopback(24, true, p.udp6),
          expect: { ...ok, etherType: 0x86dd, l4Off: 44 },
        },
        {
          name: 'AF_INET6 (28) little-endian',
          bytes: loopback(28, true, p.udp6),
          expect: { ...ok, etherType: 0x86dd },
        },
        {
          name: 'AF_INET6 (30) little-endian',
          bytes: loopback(30, true, p.icmp6),
          expect: { ...ok, etherType: 0x86dd },
        },
        {
          name: 'AF_INET written big-endian by the capturing host',
          bytes: loopback(2, false, p.tcp4),
          expect: { ...ok, etherType: 0x0800, sport: 22 },
        },
        {
          name: 'unknown family',
          bytes: loopback(7, true, data(20)),
          expect: { ...ok, layers: bit(LAYER_LOOPBACK), etherType: 0, payloadOff: 4 },
        },
      ],
    },
    {
      file: 'loop.pcap',
      linktype: 108,
      tshark: true,
      packets: [
        {
          name: 'AF_INET',
          bytes: loopback(2, false, p.tcp4),
          expect: { ...ok, layers: bit(LAYER_LOOPBACK, LAYER_IPV4, LAYER_TCP), etherType: 0x0800 },
        },
        { name: 'AF_INET6 (30)', bytes: loopback(30, false, p.udp6), expect: { ...ok, etherType: 0x86dd, dport: 547 } },
      ],
    },
    {
      file: 'user0.pcap',
      linktype: 147,
      tshark: false,
      packets: [
        {
          name: 'unknown link type',
          bytes: ether(0x0800, p.udp4),
          expect: { flags: FLAG_UNKNOWN_LINK, stopLayer: LAYER_NONE, layers: 0, l2Off: OFFSET_ABSENT },
        },
      ],
    },
  ];
  for (const c of captures) {
    c.file = path.join(dir, c.file);
    writePcap(c.file, c.linktype, c.packets);
  }
  return captures;
}
