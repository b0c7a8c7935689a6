/**
 * Header writers for the generator: each writes one header at `o` in `b` and
 * returns the offset just after it. Checksums are filled by the callers once
 * the bytes they cover are in place. Field names follow Scapy's.
 */
import { finish, ipv4PseudoSum, ipv6PseudoSum, sum16 } from './checksum';

/** Ethertype: IPv4. */
export const ETH_IPV4 = 0x0800;
/** Ethertype: ARP. */
export const ETH_ARP = 0x0806;
/** Ethertype: IPv6. */
export const ETH_IPV6 = 0x86dd;
/** Ethertype (TPID): 802.1Q tag. */
export const ETH_DOT1Q = 0x8100;
/** IP protocol: ICMP. */
export const PROTO_ICMP = 1;
/** IP protocol: TCP. */
export const PROTO_TCP = 6;
/** IP protocol: UDP. */
export const PROTO_UDP = 17;
/** IP protocol / next header: ICMPv6. */
export const PROTO_ICMPV6 = 58;

/** Writes a big-endian u16. */
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** Writes a big-endian u32. */
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** A locally administered unicast MAC (02:00:00:xx:xx:xx) for host number `host`. */
export function putMac(b: Uint8Array, o: number, host: number): void {
  b[o] = 0x02;
  b[o + 1] = 0;
  b[o + 2] = 0;
  b[o + 3] = (host >>> 16) & 0xff;
  b[o + 4] = (host >>> 8) & 0xff;
  b[o + 5] = host & 0xff;
}

/** Ether(dst, src, type), with an 802.1Q tag in between when `vid` > 0. */
export function ether(b: Uint8Array, o: number, dstHost: number, srcHost: number, type: number, vid: number): number {
  if (dstHost < 0) b.fill(0xff, o, o + 6);
  else putMac(b, o, dstHost);
  putMac(b, o + 6, srcHost);
  if (vid > 0) {
    put16(b, o + 12, ETH_DOT1Q);
    put16(b, o + 14, vid & 0x0fff);
    put16(b, o + 16, type);
    return o + 18;
  }
  put16(b, o + 12, type);
  return o + 14;
}

/**
 * IP(src, dst, proto, id, ttl) with total length `totalLen` and its header
 * checksum; addresses are 32-bit numbers.
 */
export function ipv4(
  b: Uint8Array,
  o: number,
  src: number,
  dst: number,
  proto: number,
  totalLen: number,
  id: number,
  ttl: number,
): number {
  b[o] = 0x45;
  b[o + 1] = 0;
  put16(b, o + 2, totalLen);
  put16(b, o + 4, id & 0xffff);
  put16(b, o + 6, 0x4000); // DF, as Linux sets on TCP and most UDP
  b[o + 8] = ttl;
  b[o + 9] = proto;
  put16(b, o + 10, 0);
  put32(b, o + 12, src);
  put32(b, o + 16, dst);
  put16(b, o + 10, finish(sum16(b, o, o + 20)));
  return o + 20;
}

/** IPv6(src, dst, nh, hlim); addresses are copied from 16-byte arrays. */
export function ipv6(
  b: Uint8Array,
  o: number,
  src: Uint8Array,
  dst: Uint8Array,
  nh: number,
  payloadLen: number,
  flow: number,
): number {
  put32(b, o, 0x60000000 | (flow & 0xfffff));
  put16(b, o + 4, payloadLen);
  b[o + 6] = nh;
  b[o + 7] = 64;
  b.set(src, o + 8);
  b.set(dst, o + 24);
  return o + 40;
}

/** Fills the TCP/UDP/ICMPv6 checksum at l4Off+csumAt over l4Off..end, with the pseudo-header of the IP header at ipOff. */
export function l4Checksum(
  b: Uint8Array,
  ipOff: number,
  v6: boolean,
  proto: number,
  l4Off: number,
  end: number,
  csumAt: number,
): void {
  put16(b, l4Off + csumAt, 0);
  const len = end - l4Off;
  const pseudo = v6 ? ipv6PseudoSum(b, ipOff, proto, len) : ipv4PseudoSum(b, ipOff, proto, len);
  let c = finish(sum16(b, l4Off, end, pseudo));
  // UDP sends a computed 0 as 0xffff (0 means "no checksum"); harmless for TCP/ICMPv6.
  if (c === 0 && proto === PROTO_UDP) c = 0xffff;
  put16(b, l4Off + csumAt, c);
}

/** Fills the ICMPv4 checksum (no pseudo-header) over l4Off..end. */
export function icmpChecksum(b: Uint8Array, l4Off: number, end: number): void {
  put16(b, l4Off + 2, 0);
  put16(b, l4Off + 2, finish(sum16(b, l4Off, end)));
}

/** TCP option sets the generator uses. */
export const enum TcpOpts {
  None = 0,
  /** NOP NOP Timestamp: 12 bytes, as Linux sends on an established flow. */
  Timestamp = 1,
  /** MSS SAckOK Timestamp NOP WScale: 20 bytes, as Linux sends on a SYN. */
  Syn = 2,
}

/** TCP(sport, dport, seq, ack, flags, window) with the given options; returns the offset of the payload. */
export function tcp(
  b: Uint8Array,
  o: number,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  opts: TcpOpts,
  mss: number,
  tsval: number,
  tsecr: number,
): number {
  const optLen = opts === TcpOpts.Syn ? 20 : opts === TcpOpts.Timestamp ? 12 : 0;
  put16(b, o, sport);
  put16(b, o + 2, dport);
  put32(b, o + 4, seq >>> 0);
  put32(b, o + 8, ack >>> 0);
  b[o + 12] = ((20 + optLen) / 4) << 4;
  b[o + 13] = flags;
  put16(b, o + 14, window);
  put16(b, o + 16, 0);
  put16(b, o + 18, 0);
  let p = o + 20;
  if (opts === TcpOpts.Syn) {
    b[p] = 2;
    b[p + 1] = 4;
    put16(b, p + 2, mss); // MSS
    b[p + 4] = 4;
    b[p + 5] = 2; // SAckOK
    b[p + 6] = 8;
    b[p + 7] = 10;
    put32(b, p + 8, tsval);
    put32(b, p + 12, tsecr); // Timestamp
    b[p + 16] = 1; // NOP
    b[p + 17] = 3;
    b[p + 18] = 3;
    b[p + 19] = 7; // WScale 7
    p += 20;
  } else if (opts === TcpOpts.Timestamp) {
    b[p] = 1;
    b[p + 1] = 1;
    b[p + 2] = 8;
    b[p + 3] = 10;
    put32(b, p + 4, tsval);
    put32(b, p + 8, tsecr);
    p += 12;
  }
  return p;
}

/** UDP(sport, dport) for a datagram of `len` bytes (header included); checksum filled later. */
export function udp(b: Uint8Array, o: number, sport: number, dport: number, len: number): number {
  put16(b, o, sport);
  put16(b, o + 2, dport);
  put16(b, o + 4, len);
  put16(b, o + 6, 0);
  return o + 8;
}
