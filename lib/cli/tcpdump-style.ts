/**
 * The parts of a printed packet that tcpdump users expect in tcpdump's own
 * words: timestamp styles (-t .. -ttttt, --time-stamp-precision), the packet
 * number (-#), the link-level header (-e; interface and direction on
 * `-i any`), -A's ASCII, DNS in one line (`4660+ A? www.example.test. (34)`)
 * and checksums (-vv). Everything reads the Packet views or the headers at
 * the offsets the record gives (l2Off, l3Off, l4Off), never a fixed frame
 * layout.
 */
import fs from 'node:fs';
import {
  DNSLayer,
  DNSRRBase,
  DNSRRLayer,
  DNSRRMXLayer,
  DNS_CLASSES,
  DNS_QTYPES,
  DNS_TYPES,
  type DNSRecord,
} from '../layers/dns';
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader } from '../layers/checksum';
import type { Packet } from '../packet';
import { PROTO_TCP, PROTO_UDP } from '../record.gen';
import type { TimeStyle } from './args';
import { cookedHeader, cookedV2Header, outerEtherType, vlanTags } from './record-layers';

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * Timestamps as tcpdump prints them. Keeps the previous and first packet's
 * time for the delta styles (-ttt, -ttttt).
 */
export class Clock {
  private first: bigint | undefined;
  private prev: bigint | undefined;

  constructor(
    private readonly style: TimeStyle,
    private readonly precision: 'micro' | 'nano',
  ) {}

  /** The timestamp and the space after it ('' with -t). */
  stamp(tsSec: number, tsNsec: number): string {
    // libpcap hands a nanosecond file to a microsecond reader truncated, not rounded.
    const frac =
      this.precision === 'nano' ? String(tsNsec).padStart(9, '0') : String(Math.floor(tsNsec / 1000)).padStart(6, '0');
    switch (this.style) {
      case 1:
        return '';
      case 2:
        return `${tsSec}.${frac} `;
      case 4: {
        const d = new Date(tsSec * 1000);
        return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${frac} `;
      }
      case 3:
      case 5: {
        const now = BigInt(tsSec) * 1_000_000_000n + BigInt(tsNsec);
        this.first ??= now;
        const since = this.style === 3 ? (this.prev ?? now) : this.first;
        this.prev = now;
        return this.delta(now - since);
      }
      default: {
        const d = new Date(tsSec * 1000);
        return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${frac} `;
      }
    }
  }

  /** ` HH:MM:SS.frac` (a sign column, as tcpdump leaves for negative deltas). */
  private delta(ns: bigint): string {
    const sign = ns < 0n ? '-' : ' ';
    const abs = ns < 0n ? -ns : ns;
    const sec = Number(abs / 1_000_000_000n);
    const nsec = Number(abs % 1_000_000_000n);
    const frac =
      this.precision === 'nano' ? String(nsec).padStart(9, '0') : String(Math.floor(nsec / 1000)).padStart(6, '0');
    return `${sign}${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}.${frac} `;
  }
}

/** `-#`: tcpdump's packet number column. */
export function numberColumn(n: number): string {
  return `${String(n).padStart(5, ' ')}  `;
}

// ---- link level ----------------------------------------------------------

const ETHERTYPES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x86dd: 'IPv6',
  0x8100: '802.1Q',
  0x88a8: '802.1Q-QinQ',
  0x8035: 'Reverse ARP',
  0x88cc: 'LLDP',
  0x8847: 'MPLS unicast',
  0x8848: 'MPLS multicast',
  0x888e: 'EAPOL',
  0x8864: 'PPPoE S',
  0x8863: 'PPPoE D',
};

/** `IPv4 (0x0800)`. */
function ethertypeText(t: number): string {
  const name = ETHERTYPES[t] ?? 'Unknown';
  return `${name} (0x${t.toString(16).padStart(4, '0')})`;
}

/** Linux packet types, in tcpdump's words. */
const PKTTYPES: Record<number, string> = { 0: 'In', 1: 'B', 2: 'M', 3: 'P', 4: 'Out' };

let ifNames: Map<number, string> | undefined;

/**
 * This host's interface name for an index (tcpdump names a cooked v2 capture's
 * interfaces after the reading host's indexes, and warns that they may be wrong).
 */
export function interfaceName(index: number): string | undefined {
  if (ifNames === undefined) {
    ifNames = new Map();
    try {
      for (const name of fs.readdirSync('/sys/class/net')) {
        try {
          ifNames.set(Number(fs.readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8').trim()), name);
        } catch {
          // An interface that went away while listing: not named.
        }
      }
    } catch {
      // No /sys: indexes stay unnamed.
    }
  }
  return ifNames.get(index);
}

const be16 = (d: Uint8Array, o: number): number => (d[o]! << 8) | d[o + 1]!;
/** A cooked header's link address: its first `len` bytes (at most 8), colon-separated hex. */
const mac = (src: Uint8Array, len: number): string =>
  Array.from(src.subarray(0, Math.min(8, len)), (b) => b.toString(16).padStart(2, '0')).join(':');

/** The cooked v2 header's interface index, packet type and link address, when the packet has one whole. */
function sll2(p: Packet): { ifindex: number; pktType: number; addr: string; proto: number } | undefined {
  const h = cookedV2Header(p);
  return h && { ifindex: h.ifindex, pktType: h.pkttype, addr: mac(h.src, h.lladdrlen), proto: h.proto };
}

/**
 * Without -e: the interface and direction of a cooked v2 (`-i any`) packet,
 * `eth0  Out `, as tcpdump prints them; '' for other links.
 */
export function interfacePrefix(p: Packet): string {
  const h = sll2(p);
  if (h === undefined) return '';
  return `${(interfaceName(h.ifindex) ?? `ifindex ${h.ifindex}`).padEnd(5)} ${(PKTTYPES[h.pktType] ?? String(h.pktType)).padEnd(3)} `;
}

/**
 * With -e: tcpdump's link-level text up to and including `length N: `, e.g.
 * `02:00:5e:10:00:0a > 02:00:5e:10:00:0b, ethertype IPv4 (0x0800), length 98: `
 * (VLAN tags follow as `vlan 100, p 5, ethertype IPv4 (0x0800), `).
 */
export function linkHeaderText(p: Packet): string {
  const s2 = sll2(p);
  if (s2 !== undefined) {
    const name = interfaceName(s2.ifindex) ?? `ifindex ${s2.ifindex}`;
    const dir = (PKTTYPES[s2.pktType] ?? String(s2.pktType)).padEnd(3);
    return `${name.padEnd(5)} ${dir} ifindex ${s2.ifindex} ${s2.addr} ethertype ${ethertypeText(s2.proto)}, length ${p.length}: `;
  }
  const sll = cookedHeader(p);
  if (sll !== undefined) {
    const dir = (PKTTYPES[sll.pkttype] ?? String(sll.pkttype)).padStart(3);
    return `${dir} ${mac(sll.src, sll.lladdrlen)} ethertype ${ethertypeText(sll.proto)}, length ${p.length}: `;
  }
  const eth = p.eth;
  const type = outerEtherType(p);
  if (eth !== undefined && type !== undefined) {
    let text = `${eth.src} > ${eth.dst}, ethertype ${ethertypeText(type)}, length ${p.length}: `;
    // Each VLAN tag the dissector counted (the first two), as the Dot1Q layer at its offset reads it.
    for (const tag of vlanTags(p, 2)) {
      text += `vlan ${tag.vlan}, p ${tag.prio}${tag.id ? ', DEI' : ''}, ethertype ${ethertypeText(tag.type)}, `;
    }
    return text;
  }
  return '';
}

// ---- -A ------------------------------------------------------------------

/**
 * tcpdump -A: the bytes as text, graphic characters, space, tab and newline
 * as they are, anything else as `.`; a carriage return is dropped before a
 * newline and near the end, as tcpdump does so that lines end cleanly.
 */
export function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const left = bytes.length - i - 1;
    if (b === 0x0d) {
      if (left > 1 && bytes[i + 1] !== 0x0a) s += '.';
    } else if ((b > 0x20 && b < 0x7f) || b === 0x20 || b === 0x09 || b === 0x0a) {
      s += String.fromCharCode(b);
    } else {
      s += '.';
    }
  }
  return s;
}

// ---- DNS -----------------------------------------------------------------

const OPCODES = [
  '',
  ' inv_q',
  ' stat',
  ' op3',
  ' notify',
  ' update',
  ' op6',
  ' op7',
  ' op8',
  ' updateA',
  ' updateD',
  ' updateDA',
  ' updateM',
  ' updateMA',
  ' zoneInit',
  ' zoneRef',
];
const RCODES = [
  '',
  ' FormErr',
  ' ServFail',
  ' NXDomain',
  ' NotImp',
  ' Refused',
  ' YXDomain',
  ' YXRRSet',
  ' NXRRSet',
  ' NotAuth',
  ' NotZone',
  ' Resp11',
  ' Resp12',
  ' Resp13',
  ' Resp14',
  ' NoChange',
];

/**
 * DNS over port 53 in tcpdump's one-line form, or undefined when the packet
 * does not carry one whole message: over UDP the payload, over TCP a segment
 * that holds the 2-byte length prefix and the whole message (RFC 1035 4.2.2).
 */
export function dnsText(p: Packet): string | undefined {
  const msg = dnsMessage(p);
  if (msg === undefined) return undefined;
  let dns: DNSLayer;
  try {
    dns = DNSLayer.dissect(msg, 0, msg.length).layer as DNSLayer;
  } catch {
    return undefined;
  }
  const counts = [be16(msg, 4), be16(msg, 6), be16(msg, 8), be16(msg, 10)] as const;
  let s = `${dns.id}${OPCODES[dns.opcode] ?? ''}`;
  if (dns.qr) {
    s += `${RCODES[dns.rcode] ?? ''}${dns.aa ? '*' : ''}${dns.ra ? '' : '-'}${dns.tc ? '|' : ''}${dns.ad ? '$' : ''}`;
    if (counts[0] !== 1) s += ` [${counts[0]}q]`;
    s += ` ${counts[1]}/${counts[2]}/${counts[3]}`;
    s += dns.an.map((rr) => rrText(rr)).join(',');
  } else {
    s += `${dns.rd ? '+' : ''}${dns.cd ? '%' : ''}${dns.tc ? '|' : ''}${dns.ad ? '$' : ''}`;
    if (counts[0] !== 1) s += ` [${counts[0]}q]`;
    if (counts[1] > 0) s += ` [${counts[1]}a]`;
    if (counts[2] > 0) s += ` [${counts[2]}n]`;
    if (counts[3] > 0) s += ` [${counts[3]}au]`;
    for (const q of dns.qd) {
      const qclass = q.qclass === 1 ? '' : ` ${DNS_CLASSES[q.qclass] ?? `CLASS${q.qclass}`}`;
      s += ` ${DNS_QTYPES[q.qtype] ?? `Type${q.qtype}`}${qclass}? ${q.qname}`;
    }
  }
  return `${s} (${msg.length})`;
}

function dnsMessage(p: Packet): Uint8Array | undefined {
  if (p.fragment) return undefined;
  const l4 = p.udp ?? p.tcp;
  if (l4 === undefined || (l4.sport !== 53 && l4.dport !== 53)) return undefined;
  const payload = p.payload;
  if (payload.length < p.payloadLength) return undefined;
  if (p.udp !== undefined) return payload.length >= 12 ? payload : undefined;
  if (payload.length < 14) return undefined;
  const len = be16(payload, 0);
  return len >= 12 && payload.length === 2 + len ? payload.subarray(2) : undefined;
}

/** One answer as tcpdump's default verbosity prints it: type and data, without the owner name. */
function rrText(rr: DNSRecord): string {
  if (rr instanceof DNSRRMXLayer) return ` MX ${rr.exchange} ${rr.preference}`;
  if (!(rr instanceof DNSRRLayer)) {
    // Every answer record has a type; a question record put among the answers has none.
    const t = rr instanceof DNSRRBase ? (rr.getField('type') as number) : undefined;
    return ` ${(t !== undefined && DNS_TYPES[t]) || `Type${t}`}`;
  }
  const name = DNS_TYPES[rr.type] ?? `Type${rr.type}`;
  const r = rr.rdata;
  if (typeof r === 'string') return ` ${name} ${r}`;
  if (Array.isArray(r) && rr.type === 16)
    return ` ${name} ${r.map((b) => `"${Buffer.from(b).toString('latin1')}"`).join(' ')}`;
  return ` ${name}`;
}

// ---- -vv: checksums ------------------------------------------------------

/**
 * The transport checksum as tcpdump -v judges it (`cksum 0x1c58 (incorrect
 * -> 0x1db1)`, `cksum 0x3b7e (correct)`), and the IPv4 header's when it is
 * wrong; undefined when the segment was not captured whole.
 */
export function checksumText(p: Packet): string | undefined {
  const d = p.data;
  const parts: string[] = [];
  const ip = p.ip;
  const l3 = p.l3Off;
  if (ip !== undefined && l3 !== undefined && l3 + ip.ihl * 4 <= p.caplen) {
    const hdr = d.subarray(l3, l3 + ip.ihl * 4);
    const got = be16(hdr, 10);
    const zeroed = Uint8Array.from(hdr);
    zeroed[10] = 0;
    zeroed[11] = 0;
    const want = internetChecksum(zeroed);
    parts.push(`ip cksum 0x${hex4(got)} (${internetChecksum(hdr) === 0 ? 'correct' : `incorrect -> 0x${hex4(want)}`})`);
  }
  const l4 = p.l4Off;
  const proto = p.tcp !== undefined ? PROTO_TCP : p.udp !== undefined ? PROTO_UDP : undefined;
  if (proto !== undefined && l4 !== undefined && l3 !== undefined && !p.fragment) {
    const len = ip !== undefined ? ip.len - ip.ihl * 4 : p.ipv6 !== undefined ? p.ipv6.plen - p.ipv6.extLen : -1;
    if (len > 0 && l4 + len <= p.caplen) {
      const seg = Uint8Array.from(d.subarray(l4, l4 + len));
      const at = proto === PROTO_TCP ? 16 : 6;
      const got = be16(seg, at);
      const name = proto === PROTO_TCP ? 'tcp' : 'udp';
      if (proto === PROTO_UDP && got === 0 && ip !== undefined) {
        parts.push(`${name} [no cksum]`);
      } else {
        seg[at] = 0;
        seg[at + 1] = 0;
        const pseudo =
          ip !== undefined
            ? ipv4PseudoHeader(d.subarray(l3 + 12, l3 + 16), d.subarray(l3 + 16, l3 + 20), proto, len)
            : ipv6PseudoHeader(d.subarray(l3 + 8, l3 + 24), d.subarray(l3 + 24, l3 + 40), proto, len);
        let want = internetChecksum(pseudo, seg);
        if (proto === PROTO_UDP && want === 0) want = 0xffff;
        parts.push(`${name} cksum 0x${hex4(got)} (${want === got ? 'correct' : `incorrect -> 0x${hex4(want)}`})`);
      }
    }
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
