/**
 * Just enough packet building to make test captures for the native dissector:
 * byte-level builders that follow the RFC layouts (with knobs to lie in length
 * fields) and a classic-pcap writer. Deliberately independent of lib/layers, so
 * the dissector is checked against tshark and not against another part of
 * pktkit that could share its mistakes.
 */
import { writeFileSync } from 'node:fs';

/** One packet to write: its bytes, and optionally a snap length and a wire length. */
export interface CraftedPacket {
  /** Short description, printed when a comparison fails. */
  name: string;
  bytes: Buffer;
  /** Keep only this many bytes, as a capture with that snaplen would. */
  snap?: number;
  /** The length recorded as seen on the wire (default: bytes.length). */
  wire?: number;
}

/** Writes a little-endian, microsecond pcap file (the format tcpdump -w writes). */
export function writePcap(path: string, linktype: number, packets: CraftedPacket[]): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linktype, 20);
  const parts = [header];
  packets.forEach((p, i) => {
    const data = p.snap === undefined ? p.bytes : p.bytes.subarray(0, p.snap);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(i, 4);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(p.wire ?? p.bytes.length, 12);
    parts.push(rec, data);
  });
  writeFileSync(path, Buffer.concat(parts));
}

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};

/** Dotted quad or IPv6 text (full or with one `::`) to bytes. */
export function addr(text: string): Buffer {
  if (text.includes('.')) return Buffer.from(text.split('.').map(Number));
  const [head, tail] = text.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return Buffer.concat(all.map(u16));
}

/** Ones'-complement sum used by IPv4 header checksums. */
function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Pads an Ethernet frame to the 60-byte minimum, as a NIC does. */
export function padded(frame: Buffer): Buffer {
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

/** Ethernet II: dst, src, type. */
export function ether(type: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from('020000000002', 'hex'), Buffer.from('020000000001', 'hex'), u16(type), payload]);
}

/** One 802.1Q/802.1ad tag body (TCI + the EtherType that follows); the TPID is the type before it. */
export function tag(tci: number, nextType: number, payload: Buffer): Buffer {
  return Buffer.concat([u16(tci), u16(nextType), payload]);
}

/** Linux cooked capture v1 (16 bytes). */
export function sll(pkttype: number, protocol: number, payload: Buffer): Buffer {
  return Buffer.concat([u16(pkttype), u16(1), u16(6), Buffer.from('0200000000010000', 'hex'), u16(protocol), payload]);
}

/** Linux cooked capture v2 (20 bytes). */
export function sll2(pkttype: number, protocol: number, payload: Buffer): Buffer {
  return Buffer.concat([
    u16(protocol),
    u16(0),
    u32(3),
    u16(1),
    Buffer.from([pkttype, 6]),
    Buffer.from('0200000000010000', 'hex'),
    payload,
  ]);
}

/** BSD loopback header: the address family in little- or big-endian order. */
export function loopback(family: number, littleEndian: boolean, payload: Buffer): Buffer {
  const b = Buffer.alloc(4);
  if (littleEndian) b.writeUInt32LE(family);
  else b.writeUInt32BE(family);
  return Buffer.concat([b, payload]);
}

/** IPv4 header fields; unset ones get ordinary values. */
export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto: number;
  ttl?: number;
  id?: number;
  tos?: number;
  /** The whole flags+offset word (DF = 0x4000, MF = 0x2000, offset in 8-byte units). */
  frag?: number;
  /** Raw option bytes (padded to 4 by the caller). */
  options?: Buffer;
  /** Overrides the computed total length. */
  totalLen?: number;
  /** Overrides the IHL nibble. */
  ihl?: number;
  version?: number;
}

/** IPv4 header + payload, with total length and header checksum filled in. */
export function ipv4(o: Ipv4Options, payload: Buffer): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20);
  h[0] = ((o.version ?? 4) << 4) | (o.ihl ?? (20 + opts.length) / 4);
  h[1] = o.tos ?? 0;
  h.writeUInt16BE(o.totalLen ?? 20 + opts.length + payload.length, 2);
  h.writeUInt16BE(o.id ?? 0x1234, 4);
  h.writeUInt16BE(o.frag ?? 0x4000, 6);
  h[8] = o.ttl ?? 64;
  h[9] = o.proto;
  addr(o.src ?? '198.18.0.1').copy(h, 12);
  addr(o.dst ?? '198.18.0.2').copy(h, 16);
  const header = Buffer.concat([h, opts]);
  header.writeUInt16BE(checksum(header), 10);
  return Buffer.concat([header, payload]);
}

/** IPv6 fixed header fields. */
export interface Ipv6Options {
  src?: string;
  dst?: string;
  next: number;
  hlim?: number;
  tclass?: number;
  flow?: number;
  /** Overrides the computed payload length. */
  plen?: number;
}

/** IPv6 fixed header + everything after it (extension headers included). */
export function ipv6(o: Ipv6Options, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(((6 << 28) | ((o.tclass ?? 0) << 20) | (o.flow ?? 0x12345)) >>> 0, 0);
  h.writeUInt16BE(o.plen ?? payload.length, 4);
  h[6] = o.next;
  h[7] = o.hlim ?? 64;
  addr(o.src ?? 'fd00::1').copy(h, 8);
  addr(o.dst ?? 'fd00::2').copy(h, 24);
  return Buffer.concat([h, payload]);
}

/** Hop-by-hop, routing or destination options header of (units + 1) * 8 bytes (PadN inside). */
export function extHeader(next: number, units: number, payload: Buffer): Buffer {
  const h = Buffer.alloc((units + 1) * 8);
  h[0] = next;
  h[1] = units;
  h[2] = 1; // PadN
  h[3] = h.length - 4;
  return Buffer.concat([h, payload]);
}

/** IPv6 fragment header; `offset` in 8-byte units. */
export function fragHeader(next: number, offset: number, more: boolean, id: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([next, 0]), u16((offset << 3) | (more ? 1 : 0)), u32(id), payload]);
}

/** Authentication header with a 12-byte ICV: length field 4 means (4 + 2) * 4 = 24 bytes. */
export function ah(next: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([next, 4, 0, 0]), u32(0x100), u32(1), Buffer.alloc(12), payload]);
}

/** TCP header fields; flags are the 12-bit field. */
export interface TcpOptions {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  options?: Buffer;
  /** Overrides the data offset nibble. */
  dataOffset?: number;
}

/** TCP header + payload (checksum left 0: tshark does not check it by default). */
export function tcp(o: TcpOptions, payload: Buffer = Buffer.alloc(0)): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20);
  h.writeUInt16BE(o.sport, 0);
  h.writeUInt16BE(o.dport, 2);
  h.writeUInt32BE((o.seq ?? 1000) >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h.writeUInt16BE((((o.dataOffset ?? (20 + opts.length) / 4) << 12) | (o.flags & 0x0fff)) & 0xffff, 12);
  h.writeUInt16BE(o.window ?? 65535, 14);
  return Buffer.concat([h, opts, payload]);
}

/** UDP header + payload; `len` overrides the length field. */
export function udp(sport: number, dport: number, payload: Buffer, len?: number): Buffer {
  return Buffer.concat([u16(sport), u16(dport), u16(len ?? 8 + payload.length), u16(0), payload]);
}

/** ICMP or ICMPv6: type, code, checksum 0, the 4-byte rest-of-header, then the body. */
export function icmp(type: number, code: number, rest: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, code, 0, 0]), u32(rest), payload]);
}

/** Ethernet/IPv4 ARP. */
export function arp(op: number, senderIp: string, targetIp: string): Buffer {
  return Buffer.concat([
    u16(1),
    u16(0x0800),
    Buffer.from([6, 4]),
    u16(op),
    Buffer.from('020000000001', 'hex'),
    addr(senderIp),
    Buffer.from(op === 1 ? '000000000000' : '020000000002', 'hex'),
    addr(targetIp),
  ]);
}
