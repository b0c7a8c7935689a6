/**
 * Flows and packets as JSON objects in the Elastic Common Schema (ECS 8.x)
 * convention, the one packetbeat, Filebeat and Vector's ECS mode ship:
 * `@timestamp`, `event.*`, `network.*` (with `network.community_id`),
 * `source.*` / `destination.*` (ip, port, packets, bytes). What ECS has no
 * field for lives under the vendor namespace `pktkit.*`, as ECS asks custom
 * fields to. Times are RFC 3339 with nanoseconds; `event.duration` is in ns.
 */
import { PROTO_TCP, PROTO_UDP, tcpFlagLetters } from '../constants';
import type { Packet } from '../packet';
import type { FlowRecord } from './table';

const TRANSPORT: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };

/** TCP flag bits as Scapy's letters ('S', 'SA', 'FPA', ...). */
export { tcpFlagLetters };

/** RFC 3339 UTC time with 9 fraction digits from ns since the epoch. */
export function isoNs(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

function network(version: 4 | 6, proto: number, communityId: string | undefined): Record<string, unknown> {
  const n: Record<string, unknown> = {
    type: version === 4 ? 'ipv4' : 'ipv6',
    iana_number: String(proto),
    transport: TRANSPORT[proto] ?? String(proto),
  };
  if (communityId !== undefined) n.community_id = communityId;
  return n;
}

/**
 * One flow record as an ECS document: `event.action` `network_flow`,
 * `event.start`/`end`/`duration`, `source`/`destination` with ip, port,
 * packets and bytes sent by that side, `network.packets`/`bytes` totals, and
 * `pktkit.flow` with what ECS has no field for (open/close reason, TCP flags
 * and retransmissions each way, ICMP type/code/id).
 */
export function flowToEcs(f: FlowRecord): Record<string, unknown> {
  const source: Record<string, unknown> = { ip: f.src, packets: f.packetsToDst, bytes: f.bytesToDst };
  const destination: Record<string, unknown> = { ip: f.dst, packets: f.packetsToSrc, bytes: f.bytesToSrc };
  if (f.proto === PROTO_TCP || f.proto === PROTO_UDP) {
    source.port = f.sport;
    destination.port = f.dport;
  }
  const net = network(f.ipVersion, f.proto, f.communityId);
  net.packets = f.packetsToDst + f.packetsToSrc;
  net.bytes = f.bytesToDst + f.bytesToSrc;
  if (f.vlan !== undefined) net.vlan = { id: String(f.vlan) };
  const flow: Record<string, unknown> = { open: f.open, close: f.close };
  if (f.proto === PROTO_TCP) {
    flow.tcp_flags_source = tcpFlagLetters(f.tcpFlagsToDst);
    flow.tcp_flags_destination = tcpFlagLetters(f.tcpFlagsToSrc);
    flow.retransmissions_source = f.retransToDst;
    flow.retransmissions_destination = f.retransToSrc;
  }
  if (f.icmpType !== undefined) flow.icmp = { type: f.icmpType, code: f.icmpCode, id: f.icmpId };
  return {
    '@timestamp': isoNs(f.firstNs),
    event: {
      kind: 'event',
      category: ['network'],
      type: ['connection', 'end'],
      action: 'network_flow',
      start: isoNs(f.firstNs),
      end: isoNs(f.lastNs),
      duration: Number(f.lastNs - f.firstNs),
      reason: f.close,
    },
    network: net,
    source,
    destination,
    pktkit: { flow },
  };
}

/**
 * One packet as an ECS document (`event.action` `network_packet`): addresses
 * and ports, `network.*`, and under `pktkit.packet` the lengths, TTL, TCP
 * flags/seq/ack and ICMP type/code. Non-IP packets carry `pktkit.packet` and
 * `network.type` only when known. `communityId` is the flow's, when known.
 */
export function packetToEcs(p: Packet, communityId?: string): Record<string, unknown> {
  const ts = BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec);
  const pkt: Record<string, unknown> = { length: p.length, caplen: p.caplen };
  const doc: Record<string, unknown> = {
    '@timestamp': isoNs(ts),
    event: { kind: 'event', category: ['network'], type: ['info'], action: 'network_packet' },
  };
  const ip = p.ip;
  const ip6 = p.ipv6;
  if (ip !== undefined || ip6 !== undefined) {
    const proto = ip !== undefined ? ip.proto : ip6!.nh;
    const net = network(ip !== undefined ? 4 : 6, proto, communityId);
    net.bytes = p.length;
    net.packets = 1;
    const vlan = p.vlan;
    if (vlan !== undefined) net.vlan = { id: String(vlan.id) };
    doc.network = net;
    const source: Record<string, unknown> = { ip: ip !== undefined ? ip.src : ip6!.src };
    const destination: Record<string, unknown> = { ip: ip !== undefined ? ip.dst : ip6!.dst };
    pkt.ttl = ip !== undefined ? ip.ttl : ip6!.hlim;
    const l4 = p.tcp ?? p.udp;
    if (l4 !== undefined) {
      source.port = l4.sport;
      destination.port = l4.dport;
    }
    const tcp = p.tcp;
    if (tcp !== undefined) {
      pkt.tcp_flags = tcp.flagStr;
      pkt.tcp_seq = tcp.seq;
      pkt.tcp_ack = tcp.ack;
    }
    const icmp = p.icmp ?? p.icmpv6;
    if (icmp !== undefined) {
      pkt.icmp_type = icmp.type;
      pkt.icmp_code = icmp.code;
    }
    doc.source = source;
    doc.destination = destination;
  }
  doc.pktkit = { packet: pkt };
  return doc;
}
