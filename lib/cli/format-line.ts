/**
 * The default output: one line per packet in tcpdump's manner (local time,
 * protocol, `src:port > dst:port`, flags, seq/ack, length), plus, for TCP, the
 * segment's place in its connection's life in parentheses.
 *
 *   12:00:00.000100 TCP 198.18.0.1:40000 > 198.18.0.2:80: Flags [S], seq 0, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0  (handshake 1/3 SYN)
 */
import type { TCPOption } from '../layers/tcp';
import type { Packet } from '../packet';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../record.gen';
import type { SegmentAnalysis } from '../tcp/conversations';
import { tcpdumpFlags } from '../tcp/segment';
import { formatTcpOptions } from './tcp-options';
import { dnsText } from './tcpdump-style';

/** How lines are written. */
export interface LineOptions {
  /** Raw sequence numbers instead of relative ones. */
  absolute: boolean;
  /** tcpdump's -q: protocol, endpoints and length only. */
  quiet: boolean;
}

/** `HH:MM:SS.uuuuuu` in local time, as tcpdump prints it. */
export function formatTime(tsSec: number, tsNsec: number): string {
  const d = new Date(tsSec * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(Math.floor(tsNsec / 1000)).padStart(6, '0')}`;
}

/** `addr:port`, with IPv6 addresses in brackets. */
export function endpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

const ICMP_TYPES: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  4: 'source quench',
  5: 'redirect',
  8: 'echo request',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'timestamp request',
  14: 'timestamp reply',
};
const ICMP_UNREACH: Record<number, string> = {
  0: 'net unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  4: 'fragmentation needed',
  9: 'net prohibited',
  10: 'host prohibited',
  13: 'administratively prohibited',
};
const ICMP6_TYPES: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  143: 'multicast listener report v2',
};
const IP_PROTOS: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMP6',
  132: 'SCTP',
};

/** The one-line description of a packet; `tcp` is the conversation tracker's analysis of a TCP segment. */
export function formatLine(
  p: Packet,
  tcp: SegmentAnalysis | undefined,
  opts: LineOptions,
  tcpOptions: readonly TCPOption[] = [],
): string {
  return `${formatTime(p.tsSec, p.tsNsec)} ${describePacket(p, tcp, opts, tcpOptions)}`;
}

/**
 * The line without its timestamp. TCP lines carry the options as tcpdump
 * prints them (`options [mss 1460,sackOK,...]`, SACK blocks relative unless
 * `absolute`); port 53 lines (UDP, or a TCP segment with a whole message) the DNS message in tcpdump's words.
 */
export function describePacket(
  p: Packet,
  a: SegmentAnalysis | undefined,
  opts: LineOptions,
  tcpOptions: readonly TCPOption[] = [],
): string {
  const ip = p.ip;
  const ip6 = p.ipv6;
  const src = ip?.src ?? ip6?.src;
  const dst = ip?.dst ?? ip6?.dst;
  const tcp = p.tcp;
  const udp = p.udp;
  const trunc = p.truncated ? ' [|truncated]' : '';
  if (tcp !== undefined && src !== undefined && dst !== undefined) {
    const len = p.payloadLength;
    const head = `TCP ${endpoint(src, tcp.sport)} > ${endpoint(dst, tcp.dport)}:`;
    if (opts.quiet) return `${head} tcp ${len}${trunc}`;
    const seq = opts.absolute || a === undefined ? tcp.seq : a.relSeq;
    const parts = [`Flags [${tcpdumpFlags(tcp.flags)}]`];
    // As tcpdump: a bare ACK (no data, SYN, FIN or RST) shows only its ack.
    if (len > 0) parts.push(`seq ${seq}:${(seq + len) >>> 0}`);
    else if (tcp.flags & (TCP_FIN | TCP_SYN | TCP_RST)) parts.push(`seq ${seq}`);
    if (tcp.flags & TCP_ACK) parts.push(`ack ${opts.absolute || a === undefined ? tcp.ack : a.relAck}`);
    parts.push(`win ${tcp.window}`);
    if (tcpOptions.length > 0) {
      // SACK blocks name the peer's sequence space, whose initial number the relative ack reveals.
      const sackBase = opts.absolute || a === undefined ? undefined : (tcp.ack - a.relAck) >>> 0;
      parts.push(`options [${formatTcpOptions(tcpOptions, sackBase)}]`);
    }
    // DNS over TCP, as tcpdump: after the length, without a colon.
    const dns = len > 0 ? dnsText(p) : undefined;
    parts.push(dns === undefined ? `length ${len}` : `length ${len} ${dns}`);
    const label = a === undefined ? '' : `  (${[a.label, ...a.notes].join('; ')})`;
    return `${head} ${parts.join(', ')}${trunc}${label}`;
  }
  if (udp !== undefined && src !== undefined && dst !== undefined) {
    const frag = p.fragment ? ' (first fragment)' : '';
    const dns = opts.quiet ? undefined : dnsText(p);
    if (dns !== undefined) return `UDP ${endpoint(src, udp.sport)} > ${endpoint(dst, udp.dport)}: ${dns}${trunc}`;
    return `UDP ${endpoint(src, udp.sport)} > ${endpoint(dst, udp.dport)}: length ${Math.max(0, udp.len - 8)}${frag}${trunc}`;
  }
  const icmp = p.icmp;
  if (icmp !== undefined && src !== undefined && dst !== undefined) {
    let what = ICMP_TYPES[icmp.type] ?? `type ${icmp.type}`;
    if (icmp.type === 3) what = ICMP_UNREACH[icmp.code] ?? `${what} code ${icmp.code}`;
    if (icmp.type === 0 || icmp.type === 8) what += `, id ${icmp.id}, seq ${icmp.seq}`;
    const len = ip !== undefined ? ip.len - ip.ihl * 4 : p.payloadLength;
    return `ICMP ${src} > ${dst}: ${what}, length ${len}${trunc}`;
  }
  const icmp6 = p.icmpv6;
  if (icmp6 !== undefined && src !== undefined && dst !== undefined) {
    let what = ICMP6_TYPES[icmp6.type] ?? `type ${icmp6.type}`;
    if (icmp6.type === 128 || icmp6.type === 129) what += `, id ${icmp6.id}, seq ${icmp6.seq}`;
    return `ICMP6 ${src} > ${dst}: ${what}, length ${ip6 ? ip6.plen - ip6.extLen : p.payloadLength}${trunc}`;
  }
  const arp = p.arp;
  if (arp !== undefined) {
    if (arp.op === 1) return `ARP, Request who-has ${arp.pdst} tell ${arp.psrc}, length ${p.length}${trunc}`;
    if (arp.op === 2) return `ARP, Reply ${arp.psrc} is-at ${arp.hwsrc ?? '?'}, length ${p.length}${trunc}`;
    return `ARP, op ${arp.op} ${arp.psrc} > ${arp.pdst}, length ${p.length}${trunc}`;
  }
  if (ip !== undefined) {
    const proto = IP_PROTOS[ip.proto] ?? `ip-proto-${ip.proto}`;
    const frag =
      ip.frag > 0 || ip.flags & 1 ? ` (frag id ${ip.id}, offset ${ip.frag * 8}${ip.flags & 1 ? ', more' : ''})` : '';
    return `IP ${ip.src} > ${ip.dst}: ${proto}${frag}, length ${ip.len - ip.ihl * 4}${trunc}`;
  }
  if (ip6 !== undefined) {
    const proto = IP_PROTOS[ip6.nh] ?? `ip-proto-${ip6.nh}`;
    const frag = p.fragment ? ' (fragment)' : '';
    return `IP6 ${ip6.src} > ${ip6.dst}: ${proto}${frag}, length ${ip6.plen}${trunc}`;
  }
  if (p.eth !== undefined) {
    return `${p.eth.src} > ${p.eth.dst}, ethertype 0x${p.eth.type.toString(16).padStart(4, '0')}, length ${p.length}${trunc}`;
  }
  return `link type ${p.linkType}, length ${p.length}${trunc}`;
}
