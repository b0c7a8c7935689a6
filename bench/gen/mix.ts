/**
 * The realistic mix: TCP flows (SYN/SYN-ACK with Linux's options, payloads
 * 0–1460 B), UDP, DNS queries and answers, ICMP echo and errors, ARP, IPv6
 * TCP/UDP/ICMPv6, some 802.1Q-tagged frames; every checksum valid; mean frame
 * near 600 B. Shares are chosen to look like an edge link's capture, not
 * measured from one. Addresses: 198.18.0.0/15 and fd00::/8 only, because the
 * live trial replays this file onto a veth.
 */
import { Rng } from './rng';
import * as h from './headers';

/** Largest frame the mix writes (1500 B MTU + Ethernet + one VLAN tag). */
export const MIX_MAX_FRAME = 1518;

/** Share of each kind of frame (cumulative thresholds are built from these). */
const SHARES: ReadonlyArray<[string, number]> = [
  ['tcp4', 0.55],
  ['udp4', 0.06],
  ['dns4', 0.07],
  ['icmp4', 0.03],
  ['icmp4err', 0.01],
  ['arp', 0.02],
  ['tcp6', 0.14],
  ['udp6', 0.04],
  ['dns6', 0.02],
  ['icmp6', 0.06],
];
const VLAN_SHARE = 0.08;
const FLOWS = 512;
const CLIENTS = 4000;
const SERVERS = 200;
const SERVER_MAC_BASE = 0x800000;
const ROUTER = 0xc613ff01; // 198.19.255.1, the hop that sends Time Exceeded
const DNS_NAMES = [
  'www.example.com',
  'mail.example.org',
  'cdn.example.net',
  'api.example.com',
  'ntp.example.org',
  'static.assets.example.net',
  'a.b.c.example.test',
  'login.example.com',
];
const UDP_SERVICES = [443, 443, 443, 123, 4500, 51820, 5353];

interface Flow {
  v6: boolean;
  client: number;
  server: number;
  cport: number;
  sport: number;
  cseq: number;
  sseq: number;
  vid: number;
  timestamps: boolean;
}

function encodeName(name: string): Uint8Array {
  const out: number[] = [];
  for (const label of name.split('.')) {
    out.push(label.length);
    for (const ch of label) out.push(ch.charCodeAt(0));
  }
  out.push(0);
  return Uint8Array.from(out);
}

/** Writes frames of the realistic mix, one per call, from a seed. */
export class MixGenerator {
  private readonly rng: Rng;
  private readonly flows4: Flow[] = [];
  private readonly flows6: Flow[] = [];
  private readonly pool = new Uint8Array(65536 + 2048);
  private readonly names = DNS_NAMES.map(encodeName);
  private readonly thresholds: number[] = [];
  private readonly kinds: string[] = [];
  private readonly a6 = new Uint8Array(16);
  private readonly b6 = new Uint8Array(16);
  private ipId = 1;
  private tsval = 1_000_000;

  /** Same seed, same frames. */
  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.rng.fill(this.pool);
    let acc = 0;
    for (const [kind, share] of SHARES) {
      acc += share;
      this.kinds.push(kind);
      this.thresholds.push(acc);
    }
    for (let i = 0; i < FLOWS; i++) {
      this.flows4.push(this.newFlow(false));
      this.flows6.push(this.newFlow(true));
    }
  }

  private newFlow(v6: boolean): Flow {
    const r = this.rng;
    return {
      v6,
      client: r.between(1, CLIENTS),
      server: r.between(1, SERVERS),
      cport: r.between(32768, 60999),
      sport: [443, 443, 443, 80, 22, 8080, 993][r.below(7)],
      cseq: r.u32(),
      sseq: r.u32(),
      vid: r.chance(VLAN_SHARE) ? r.between(1, 100) : 0,
      timestamps: r.chance(0.8),
    };
  }

  private vid(): number {
    return this.rng.chance(VLAN_SHARE) ? this.rng.between(1, 100) : 0;
  }

  /** 198.18.x.y for client n, 198.19.x.y for server n. */
  private static v4(n: number, server: boolean): number {
    return (server ? 0xc6130000 : 0xc6120000) + n;
  }

  /** fd00:0:0:1::n for a client, fd00:0:0:2::n for a server. */
  private static v6(out: Uint8Array, n: number, server: boolean): Uint8Array {
    out.fill(0);
    out[0] = 0xfd;
    out[7] = server ? 2 : 1;
    out[13] = (n >>> 16) & 0xff;
    out[14] = (n >>> 8) & 0xff;
    out[15] = n & 0xff;
    return out;
  }

  /** Writes an Ethernet + IP header pair; returns [ipOff, l4Off]. */
  private ip(
    b: Uint8Array,
    o: number,
    v6: boolean,
    vid: number,
    src: number,
    srcServer: boolean,
    dst: number,
    dstServer: boolean,
    proto: number,
    l4Len: number,
    ttl: number,
  ): [number, number] {
    const srcMac = srcServer ? SERVER_MAC_BASE + src : src;
    const dstMac = dstServer ? SERVER_MAC_BASE + dst : dst;
    const ipOff = h.ether(b, o, dstMac, srcMac, v6 ? h.ETH_IPV6 : h.ETH_IPV4, vid);
    if (v6) {
      MixGenerator.v6(this.a6, src, srcServer);
      MixGenerator.v6(this.b6, dst, dstServer);
      return [ipOff, h.ipv6(b, ipOff, this.a6, this.b6, proto, l4Len, src * 7919 + dst)];
    }
    const l4 = h.ipv4(
      b,
      ipOff,
      MixGenerator.v4(src, srcServer),
      MixGenerator.v4(dst, dstServer),
      proto,
      20 + l4Len,
      this.ipId++,
      ttl,
    );
    return [ipOff, l4];
  }

  private payload(b: Uint8Array, o: number, len: number): number {
    const off = this.rng.below(65536);
    b.set(this.pool.subarray(off, off + len), o);
    return o + len;
  }

  /** Writes one frame at b[o] (at most MIX_MAX_FRAME bytes) and returns its length. */
  frame(b: Uint8Array, o: number): number {
    const x = this.rng.u32() / 4294967296;
    let i = 0;
    while (i < this.thresholds.length - 1 && x >= this.thresholds[i]) i++;
    switch (this.kinds[i]) {
      case 'tcp4':
        return this.tcp(b, o, false);
      case 'tcp6':
        return this.tcp(b, o, true);
      case 'udp4':
        return this.udp(b, o, false);
      case 'udp6':
        return this.udp(b, o, true);
      case 'dns4':
        return this.dns(b, o, false);
      case 'dns6':
        return this.dns(b, o, true);
      case 'icmp4':
        return this.icmpEcho(b, o);
      case 'icmp4err':
        return this.icmpError(b, o);
      case 'arp':
        return this.arp(b, o);
      default:
        return this.icmp6(b, o);
    }
  }

  private tcp(b: Uint8Array, o: number, v6: boolean): number {
    const r = this.rng;
    const pool = v6 ? this.flows6 : this.flows4;
    const slot = r.below(FLOWS);
    let f = pool[slot];
    const roll = r.u32() / 4294967296;
    let fromClient: boolean;
    let flags: number;
    let opts = f.timestamps ? h.TcpOpts.Timestamp : h.TcpOpts.None;
    let len = 0;
    if (roll < 0.03) {
      f = pool[slot] = this.newFlow(v6);
      fromClient = true;
      flags = 0x02; // SYN
      opts = h.TcpOpts.Syn;
    } else if (roll < 0.06) {
      fromClient = false;
      flags = 0x12; // SYN ACK
      opts = h.TcpOpts.Syn;
    } else if (roll < 0.08) {
      fromClient = r.chance(0.5);
      flags = 0x11; // FIN ACK
    } else if (roll < 0.09) {
      fromClient = r.chance(0.5);
      flags = 0x14; // RST ACK
      opts = h.TcpOpts.None;
    } else if (roll < 0.4) {
      fromClient = r.chance(0.7);
      flags = 0x10; // ACK
    } else {
      fromClient = r.chance(0.3);
      flags = 0x18; // PSH ACK
      const max = (v6 ? 1440 : 1460) - (opts === h.TcpOpts.Timestamp ? 12 : 0);
      len = r.chance(0.6) ? max : r.between(1, max);
    }
    const optLen = opts === h.TcpOpts.Syn ? 20 : opts === h.TcpOpts.Timestamp ? 12 : 0;
    const segLen = 20 + optLen + len;
    const vid = f.vid;
    const [ipOff, l4] = fromClient
      ? this.ip(b, o, v6, vid, f.client, false, f.server, true, h.PROTO_TCP, segLen, 64)
      : this.ip(b, o, v6, vid, f.server, true, f.client, false, h.PROTO_TCP, segLen, 55);
    const seq = fromClient ? f.cseq : f.sseq;
    const ack = flags === 0x02 ? 0 : fromClient ? f.sseq : f.cseq;
    this.tsval += 1;
    const p = h.tcp(
      b,
      l4,
      fromClient ? f.cport : f.sport,
      fromClient ? f.sport : f.cport,
      seq,
      ack,
      flags,
      fromClient ? 64240 : 65160,
      opts,
      v6 ? 1440 : 1460,
      this.tsval,
      flags === 0x02 ? 0 : this.tsval - 17,
    );
    const end = this.payload(b, p, len);
    const advance = len + (flags & 0x03 ? 1 : 0);
    if (fromClient) f.cseq = (f.cseq + advance) >>> 0;
    else f.sseq = (f.sseq + advance) >>> 0;
    h.l4Checksum(b, ipOff, v6, h.PROTO_TCP, l4, end, 16);
    return end - o;
  }

  private udp(b: Uint8Array, o: number, v6: boolean): number {
    const r = this.rng;
    const client = r.between(1, CLIENTS);
    const server = r.between(1, SERVERS);
    const fromClient = r.chance(0.5);
    const cport = r.between(32768, 60999);
    const sport = UDP_SERVICES[r.below(UDP_SERVICES.length)];
    const len = r.between(0, v6 ? 1200 : 1250);
    const vid = this.vid();
    const [ipOff, l4] = fromClient
      ? this.ip(b, o, v6, vid, client, false, server, true, h.PROTO_UDP, 8 + len, 64)
      : this.ip(b, o, v6, vid, server, true, client, false, h.PROTO_UDP, 8 + len, 55);
    const p = h.udp(b, l4, fromClient ? cport : sport, fromClient ? sport : cport, 8 + len);
    const end = this.payload(b, p, len);
    h.l4Checksum(b, ipOff, v6, h.PROTO_UDP, l4, end, 6);
    return end - o;
  }

  private dns(b: Uint8Array, o: number, v6: boolean): number {
    const r = this.rng;
    const answer = r.chance(0.5);
    const name = this.names[r.below(this.names.length)];
    const aaaa = r.chance(0.3);
    const rdLen = aaaa ? 16 : 4;
    const msgLen = 12 + name.length + 4 + (answer ? 12 + rdLen : 0);
    const client = r.between(1, CLIENTS);
    const server = r.between(1, 4);
    const cport = r.between(32768, 60999);
    const vid = this.vid();
    const [ipOff, l4] = answer
      ? this.ip(b, o, v6, vid, server, true, client, false, h.PROTO_UDP, 8 + msgLen, 55)
      : this.ip(b, o, v6, vid, client, false, server, true, h.PROTO_UDP, 8 + msgLen, 64);
    let p = h.udp(b, l4, answer ? 53 : cport, answer ? cport : 53, 8 + msgLen);
    h.put16(b, p, r.below(65536)); // id
    h.put16(b, p + 2, answer ? 0x8180 : 0x0100); // QR|RD|RA : RD
    h.put16(b, p + 4, 1);
    h.put16(b, p + 6, answer ? 1 : 0);
    h.put16(b, p + 8, 0);
    h.put16(b, p + 10, 0);
    p += 12;
    b.set(name, p);
    p += name.length;
    h.put16(b, p, aaaa ? 28 : 1);
    h.put16(b, p + 2, 1);
    p += 4;
    if (answer) {
      h.put16(b, p, 0xc00c); // pointer to the question's name
      h.put16(b, p + 2, aaaa ? 28 : 1);
      h.put16(b, p + 4, 1);
      h.put32(b, p + 6, r.between(30, 86400));
      h.put16(b, p + 10, rdLen);
      p += 12;
      if (aaaa) b.set(MixGenerator.v6(this.a6, r.between(1, SERVERS), true), p);
      else h.put32(b, p, MixGenerator.v4(r.between(1, SERVERS), true));
      p += rdLen;
    }
    h.l4Checksum(b, ipOff, v6, h.PROTO_UDP, l4, p, 6);
    return p - o;
  }

  private icmpEcho(b: Uint8Array, o: number): number {
    const r = this.rng;
    const reply = r.chance(0.5);
    const client = r.between(1, CLIENTS);
    const server = r.between(1, SERVERS);
    const [, l4] = reply
      ? this.ip(b, o, false, this.vid(), server, true, client, false, h.PROTO_ICMP, 64, 55)
      : this.ip(b, o, false, this.vid(), client, false, server, true, h.PROTO_ICMP, 64, 64);
    b[l4] = reply ? 0 : 8;
    b[l4 + 1] = 0;
    h.put16(b, l4 + 4, client & 0xffff); // id
    h.put16(b, l4 + 6, r.below(65536)); // seq
    const end = this.payload(b, l4 + 8, 56); // ping's default 56 data bytes
    h.icmpChecksum(b, l4, end);
    return end - o;
  }

  /** Port unreachable from a server, or time exceeded from the router, quoting the client's UDP datagram. */
  private icmpError(b: Uint8Array, o: number): number {
    const r = this.rng;
    const client = r.between(1, CLIENTS);
    const server = r.between(1, SERVERS);
    const ttlExceeded = r.chance(0.4);
    const quotedLen = 20 + 8;
    const icmpLen = 8 + quotedLen;
    const ipOff = h.ether(b, o, client, SERVER_MAC_BASE + server, h.ETH_IPV4, this.vid());
    const l4 = h.ipv4(
      b,
      ipOff,
      ttlExceeded ? ROUTER : MixGenerator.v4(server, true),
      MixGenerator.v4(client, false),
      h.PROTO_ICMP,
      20 + icmpLen,
      this.ipId++,
      64,
    );
    b[l4] = ttlExceeded ? 11 : 3;
    b[l4 + 1] = ttlExceeded ? 0 : 3;
    h.put32(b, l4 + 4, 0);
    // The quoted datagram as the client sent it (its UDP checksum left as sent: 0 would be legal too).
    const qIp = l4 + 8;
    const qL4 = h.ipv4(
      b,
      qIp,
      MixGenerator.v4(client, false),
      MixGenerator.v4(server, true),
      h.PROTO_UDP,
      20 + 8 + 32,
      r.below(65536),
      ttlExceeded ? 1 : 63,
    );
    h.udp(b, qL4, r.between(32768, 60999), ttlExceeded ? r.between(33434, 33534) : r.between(1, 1023), 8 + 32);
    h.put16(b, qL4 + 6, r.below(65535) + 1);
    const end = qL4 + 8;
    h.icmpChecksum(b, l4, end);
    return end - o;
  }

  private arp(b: Uint8Array, o: number): number {
    const r = this.rng;
    const reply = r.chance(0.4);
    const client = r.between(1, CLIENTS);
    const server = r.between(1, SERVERS);
    const p = h.ether(b, o, reply ? client : -1, reply ? SERVER_MAC_BASE + server : client, h.ETH_ARP, this.vid());
    h.put16(b, p, 1); // hwtype Ethernet
    h.put16(b, p + 2, h.ETH_IPV4);
    b[p + 4] = 6;
    b[p + 5] = 4;
    h.put16(b, p + 6, reply ? 2 : 1);
    if (reply) {
      h.putMac(b, p + 8, SERVER_MAC_BASE + server);
      h.put32(b, p + 14, MixGenerator.v4(server, true));
      h.putMac(b, p + 18, client);
      h.put32(b, p + 24, MixGenerator.v4(client, false));
    } else {
      h.putMac(b, p + 8, client);
      h.put32(b, p + 14, MixGenerator.v4(client, false));
      b.fill(0, p + 18, p + 24);
      h.put32(b, p + 24, MixGenerator.v4(server, true));
    }
    // Received ARP frames are padded to Ethernet's 60-byte minimum.
    const end = Math.max(p + 28, o + 60);
    b.fill(0, p + 28, end);
    return end - o;
  }

  /** Echo request/reply, or a unicast neighbor solicitation/advertisement (RFC 4861 §4.3, §4.4). */
  private icmp6(b: Uint8Array, o: number): number {
    const r = this.rng;
    const client = r.between(1, CLIENTS);
    const server = r.between(1, SERVERS);
    const kind = r.below(4);
    const fromClient = kind === 0 || kind === 2;
    const bodyLen = kind < 2 ? 8 + 56 : 24 + 8;
    const [ipOff, l4] = fromClient
      ? this.ip(b, o, true, this.vid(), client, false, server, true, h.PROTO_ICMPV6, bodyLen, 64)
      : this.ip(b, o, true, this.vid(), server, true, client, false, h.PROTO_ICMPV6, bodyLen, 64);
    let end: number;
    if (kind < 2) {
      b[l4] = kind === 0 ? 128 : 129;
      b[l4 + 1] = 0;
      h.put16(b, l4 + 4, client & 0xffff);
      h.put16(b, l4 + 6, r.below(65536));
      end = this.payload(b, l4 + 8, 56);
    } else {
      const solicit = kind === 2;
      b[l4] = solicit ? 135 : 136;
      b[l4 + 1] = 0;
      h.put32(b, l4 + 4, solicit ? 0 : 0x60000000); // NA: Solicited | Override
      b.set(MixGenerator.v6(this.a6, server, true), l4 + 8); // the server's address is the target either way
      b[l4 + 24] = solicit ? 1 : 2; // source / target link-layer address option
      b[l4 + 25] = 1;
      h.putMac(b, l4 + 26, solicit ? client : SERVER_MAC_BASE + server);
      end = l4 + 32;
    }
    h.l4Checksum(b, ipOff, true, h.PROTO_ICMPV6, l4, end, 2);
    return end - o;
  }
}
