/**
 * Which received packet answers which sent one, with Scapy's semantics
 * (its per-layer `hashret()` and `answers()`, with checkIPaddr, checkIPsrc and
 * checkIPinIP at their defaults, checkIPID and check_TCPerror_seqack off):
 *  - hashret() is a key that a request and its answers share, so that only
 *    packets with equal keys are compared;
 *  - answers(reply, request) decides.
 * Written from Scapy's documented behaviour as free functions dispatching on
 * the layer classes, most specific class first (IPerror is also an IP,
 * ICMPv6EchoReply is also an ICMPv6EchoRequest here). Sequence numbers are
 * compared modulo 2^32 where Scapy compares plain integers.
 */
import { PROTO_ICMPV6 } from '../constants';
import { parseIPv6 } from '../layers/addr';
import { ARPLayer } from '../layers/arp';
import { DNSLayer } from '../layers/dns';
import { Dot1QLayer, EtherLayer } from '../layers/ether';
import { ICMPerrorLayer, ICMPLayer } from '../layers/icmp';
import {
  ICMPv6Base,
  ICMPv6EchoReplyLayer,
  ICMPv6EchoRequestLayer,
  ICMPv6ND_NALayer,
  ICMPv6ND_NSLayer,
} from '../layers/icmpv6';
import { IPerrorLayer, IPLayer } from '../layers/ip';
import {
  IPerror6Layer,
  IPv6ExtHdrDestOptLayer,
  IPv6ExtHdrFragmentLayer,
  IPv6ExtHdrHopByHopLayer,
  IPv6ExtHdrRoutingLayer,
  IPv6Layer,
} from '../layers/ipv6';
import type { Layer } from '../layers/layer';
import { PaddingLayer, RawLayer } from '../layers/raw';
import { TCPerrorLayer, TCPLayer } from '../layers/tcp';
import { UDPerrorLayer, UDPLayer } from '../layers/udp';

const ICMP_ERRORS = [3, 4, 5, 11, 12];
const ICMP_ECHO_LIKE = [0, 8, 13, 14, 15, 16, 17, 18];
const ICMP_REQUEST_REPLY: ReadonlyArray<[number, number]> = [
  [8, 0],
  [13, 14],
  [15, 16],
  [17, 18],
  [33, 34],
  [35, 36],
  [37, 38],
];
const MDNS4 = '224.0.0.251';

type ExtHeader = IPv6ExtHdrHopByHopLayer | IPv6ExtHdrRoutingLayer | IPv6ExtHdrFragmentLayer;
function isExtHeader(l: Layer | undefined): l is ExtHeader {
  return (
    l instanceof IPv6ExtHdrHopByHopLayer || l instanceof IPv6ExtHdrRoutingLayer || l instanceof IPv6ExtHdrFragmentLayer
  );
}

function ipv4Bytes(a: string): number[] {
  return a.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address in text form (zeros when it does not parse). */
function ipv6Bytes(a: string): number[] {
  return [...(parseIPv6(a) ?? new Uint8Array(16))];
}

function xorHex(a: number[], b: number[]): string {
  return a.map((x, i) => (x ^ b[i]).toString(16).padStart(2, '0')).join('');
}

function isMulticast6(a: string): boolean {
  return a.toLowerCase().startsWith('ff');
}

/** Byte length of a layer's payload chain as sent (Scapy's len(pkt.payload)), padding excluded. */
function payloadLength(l: Layer): number {
  const p = l.payload;
  return p && !(p instanceof PaddingLayer) ? p.toBytes().length : 0;
}

/** Distance between two 32-bit sequence numbers, modulo 2^32. */
function seqDistance(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return Math.min(d, 2 ** 32 - d);
}

function hasFlag(flags: number, letter: 'S' | 'A' | 'R'): boolean {
  return (flags & { S: 0x02, A: 0x10, R: 0x04 }[letter]) !== 0;
}

/** The next-header value IPv6 hashing uses, looking past hop-by-hop, fragment and destination options headers. */
function ipv6UpperNh(ip: IPv6Layer): number {
  const nh = ip.value('nh') as number;
  const p = ip.payload;
  if (
    (nh === 44 && p instanceof IPv6ExtHdrFragmentLayer) ||
    (nh === 0 && p instanceof IPv6ExtHdrHopByHopLayer && !(p instanceof IPv6ExtHdrDestOptLayer)) ||
    (nh === 60 && p instanceof IPv6ExtHdrDestOptLayer)
  ) {
    return p.value('nh') as number;
  }
  return nh;
}

/**
 * The key a request and its answers share (Scapy's hashret). Packets are only
 * compared with answers() when their keys are equal.
 */
export function hashret(l: Layer | undefined): string {
  if (!l) return '';
  if (l instanceof EtherLayer || l instanceof Dot1QLayer) return `E${l.value('type') as number}|${hashret(l.payload)}`;
  if (l instanceof ARPLayer) return `A${l.hwtype},${l.ptype},${(l.op + 1) >> 1}|${hashret(l.payload)}`;
  if (l instanceof IPLayer) {
    const proto = l.value('proto') as number;
    if (proto === 1 && l.payload instanceof ICMPLayer && ICMP_ERRORS.includes(l.payload.type))
      return hashret(l.payload.payload);
    if (l.dst === MDNS4) return `P${proto}|${hashret(l.payload)}`;
    return `4${xorHex(ipv4Bytes(l.value('src') as string), ipv4Bytes(l.dst))},${proto}|${hashret(l.payload)}`;
  }
  if (l instanceof IPv6Layer) {
    const nh = l.value('nh') as number;
    if (nh === PROTO_ICMPV6 && l.payload instanceof ICMPv6Base) {
      const type = l.payload.value('type') as number;
      if (type < 128) return hashret(l.payload.payload);
      if ([133, 134, 135, 136, 144, 145].includes(type)) return `P${nh}|${hashret(l.payload)}`;
    }
    let dst = l.dst;
    if (nh === 43 && l.payload instanceof IPv6ExtHdrRoutingLayer) {
      const addresses = l.payload.getField('addresses') as string[];
      if (addresses.length > 0) dst = addresses[addresses.length - 1];
    }
    const upper = ipv6UpperNh(l);
    if (isMulticast6(dst)) return `P${upper}|${hashret(l.payload)}`;
    return `6${xorHex(ipv6Bytes(l.value('src') as string), ipv6Bytes(dst))},${upper}|${hashret(l.payload)}`;
  }
  if (l instanceof TCPLayer) return `T${l.sport ^ l.dport}|${hashret(l.payload)}`;
  if (l instanceof ICMPLayer)
    return ICMP_ECHO_LIKE.includes(l.type) ? `I${l.id},${l.seq}|${hashret(l.payload)}` : hashret(l.payload);
  if (l instanceof ICMPv6EchoRequestLayer) return `e${l.id},${l.seq}|${hashret(l.payload)}`;
  if (l instanceof ICMPv6ND_NSLayer || l instanceof ICMPv6ND_NALayer) return `N${l.tgt}|`;
  if (l instanceof DNSLayer) return `D${l.id}`;
  return hashret(l.payload);
}

/** The DNS question list as comparable text (names case-insensitive, without the final dot). */
function questions(d: DNSLayer): string {
  return d.qd.map((q) => `${q.qname.toLowerCase().replace(/\.$/, '')}/${q.qtype}/${q.qclass}`).join(';');
}

/** Scapy's NoPayload/Raw rules and the default "same class, then the payloads". */
function answersDefault(self: Layer | undefined, other: Layer | undefined): boolean {
  if (!self) return !other || other instanceof PaddingLayer;
  if (self instanceof RawLayer) return true;
  if (!other || other.cls !== self.cls) return false;
  return answers(self.payload, other.payload);
}

/** IPv4 answers (Scapy's IP.answers): the reply comes back to the request's source, or quotes it in an ICMP error. */
function ipAnswers(self: IPLayer, other: Layer): boolean {
  if (!(other instanceof IPLayer)) return false;
  if (other.dst === MDNS4 && self.dst === MDNS4) return answers(self.payload, other.payload);
  if (self.dst !== other.value('src')) return false;
  const proto = self.value('proto') as number;
  if (proto === 1 && self.payload instanceof ICMPLayer && ICMP_ERRORS.includes(self.payload.type))
    return answers(self.payload.payload, other);
  if (self.value('src') !== other.dst || proto !== other.value('proto')) return false;
  return answers(self.payload, other.payload);
}

/** The quoted IPv4 header of an ICMP error against the request (Scapy's IPerror.answers). */
function ipErrorAnswers(self: IPerrorLayer, other: Layer): boolean {
  if (!(other instanceof IPLayer)) return false;
  if (
    self.dst !== other.dst ||
    self.value('src') !== other.value('src') ||
    self.value('proto') !== other.value('proto')
  )
    return false;
  return answers(self.payload, other.payload);
}

/** IPv6 answers (Scapy's IPv6.answers), including replies to multicast requests and ICMPv6 errors. */
function ipv6Answers(self: IPv6Layer, other: Layer): boolean {
  if (!(other instanceof IPv6Layer)) return false;
  const selfDst = ipv6Bytes(self.dst).join();
  const otherSrc = ipv6Bytes(other.value('src') as string).join();
  if (isMulticast6(other.dst)) {
    if (isMulticast6(self.dst)) {
      const allNodesToAllServers = self.dst.toLowerCase() === 'ff02::1' && other.dst.toLowerCase() === 'ff02::2';
      return (ipv6Bytes(other.dst).join() === selfDst || allNodesToAllServers) && answers(self.payload, other.payload);
    }
    if (otherSrc !== selfDst) return false;
    return answers(self.payload, other.payload);
  }
  if (selfDst !== otherSrc) return false;
  const nh = self.value('nh') as number;
  if (nh === PROTO_ICMPV6 && self.payload instanceof ICMPv6Base && (self.payload.value('type') as number) < 128)
    return answers(self.payload.payload, other);
  const otherNh = other.value('nh') as number;
  // Requests with extension headers: compare past them.
  if (isExtHeader(other.payload) && [0, 43, 44, 60].includes(otherNh))
    return answers(self.payload, other.payload.payload);
  if (nh === 60 && self.payload instanceof IPv6ExtHdrDestOptLayer) return answers(self.payload.payload, other);
  if (nh !== otherNh) return false;
  return answers(self.payload, other.payload);
}

/** The packet quoted by an ICMPv6 error against the request (Scapy's IPerror6.answers). */
function ipError6Answers(self: IPerror6Layer, other: Layer): boolean {
  if (!(other instanceof IPv6Layer)) return false;
  let selfUp = self.payload;
  while (isExtHeader(selfUp)) selfUp = selfUp.payload;
  let otherUp = other.payload;
  let routed = false;
  while (isExtHeader(otherUp)) {
    if (otherUp instanceof IPv6ExtHdrRoutingLayer) routed = true;
    otherUp = otherUp.payload;
  }
  const sameSrc = ipv6Bytes(self.value('src') as string).join() === ipv6Bytes(other.value('src') as string).join();
  const sameDst = ipv6Bytes(self.dst).join() === ipv6Bytes(other.dst).join();
  if (!sameSrc || !(sameDst || routed)) return false;
  if (!selfUp || !otherUp) return !selfUp && !otherUp;
  if (selfUp instanceof TCPerrorLayer || selfUp instanceof UDPerrorLayer) return answers(selfUp, otherUp);
  if (selfUp instanceof ICMPv6EchoRequestLayer && otherUp instanceof ICMPv6EchoRequestLayer) {
    return selfUp.id === otherUp.id && selfUp.seq === otherUp.seq;
  }
  return selfUp.cls === otherUp.cls;
}

/** TCP answers (Scapy's TCP.answers): swapped ports, and ack/seq within the request's window. */
function tcpAnswers(self: TCPLayer, other: Layer): boolean {
  if (!(other instanceof TCPLayer)) return false;
  const sf = self.flags;
  const of = other.flags;
  if (hasFlag(of, 'R')) return false; // nothing answers a reset
  if (hasFlag(sf, 'S')) {
    // A SYN answers only as SYN/ACK to a SYN.
    if (!hasFlag(sf, 'A') || !hasFlag(of, 'S')) return false;
  }
  if (self.sport !== other.dport || self.dport !== other.sport) return false;
  // A SYN without ACK carries no acknowledgement to check.
  if (!(hasFlag(of, 'S') && !hasFlag(of, 'A')) && seqDistance(other.ack, self.seq) > 2) return false;
  // A RST without ACK acknowledges nothing.
  if (hasFlag(sf, 'R') && !hasFlag(sf, 'A')) return true;
  return seqDistance(other.seq, self.ack) <= 2 + payloadLength(other);
}

/**
 * True when `reply` answers `request` (Scapy's `reply.answers(request)`),
 * both given from their first layer (Ether for frames, IP/IPv6 for packets).
 */
export function answers(self: Layer | undefined, other: Layer | undefined): boolean {
  if (!self || !other) return answersDefault(self, other);
  if (self instanceof EtherLayer)
    return (
      other instanceof EtherLayer && self.value('type') === other.value('type') && answers(self.payload, other.payload)
    );
  if (self instanceof ARPLayer)
    return other instanceof ARPLayer && self.op === other.op + 1 && self.value('psrc') === other.pdst;
  if (self instanceof IPerrorLayer) return ipErrorAnswers(self, other);
  if (self instanceof IPLayer) return ipAnswers(self, other);
  if (self instanceof IPerror6Layer) return ipError6Answers(self, other);
  if (self instanceof IPv6Layer) return ipv6Answers(self, other);
  if (self instanceof TCPerrorLayer)
    return other instanceof TCPLayer && self.sport === other.sport && self.dport === other.dport;
  if (self instanceof TCPLayer) return tcpAnswers(self, other);
  if (self instanceof UDPerrorLayer)
    return other instanceof UDPLayer && self.sport === other.sport && self.dport === other.dport;
  if (self instanceof UDPLayer)
    return other instanceof UDPLayer && self.dport === other.sport && answers(self.payload, other.payload);
  if (self instanceof ICMPerrorLayer) {
    if (!(other instanceof ICMPLayer) || self.type !== other.type || self.code !== other.code) return false;
    return ICMP_ECHO_LIKE.includes(self.type) ? self.id === other.id && self.seq === other.seq : true;
  }
  if (self instanceof ICMPLayer) {
    if (!(other instanceof ICMPLayer)) return false;
    return (
      ICMP_REQUEST_REPLY.some(([q, r]) => other.type === q && self.type === r) &&
      self.id === other.id &&
      self.seq === other.seq
    );
  }
  if (self instanceof ICMPv6EchoReplyLayer) {
    if (!(other instanceof ICMPv6EchoRequestLayer) || other instanceof ICMPv6EchoReplyLayer) return false;
    return self.id === other.id && self.seq === other.seq && Buffer.compare(self.data, other.data) === 0;
  }
  if (self instanceof ICMPv6ND_NALayer) return other instanceof ICMPv6ND_NSLayer && self.tgt === other.tgt;
  if (self instanceof ICMPv6Base) {
    // Other ICMPv6 messages answer nothing, unless quoted in an error: then same type and code.
    const quoted = self.underlayer instanceof IPerror6Layer || isExtHeader(self.underlayer);
    return (
      quoted &&
      other instanceof ICMPv6Base &&
      self.value('type') === other.value('type') &&
      self.value('code') === other.value('code')
    );
  }
  if (self instanceof DNSLayer) {
    if (!(other instanceof DNSLayer) || self.id !== other.id || self.qr !== 1 || other.qr !== 0) return false;
    return self.qd.length === 0 || other.qd.length === 0 || questions(self) === questions(other);
  }
  return answersDefault(self, other);
}
