/** One captured packet as a plain object: what capture tests compare with tshark. */
import type { Packet } from '../../../lib/index';

/** Fields of `p` as tshark would name them (empty when absent). */
export function packetJson(p: Packet): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {
    len: p.length,
    caplen: p.caplen,
    tsSec: p.tsSec,
    tsNsec: p.tsNsec,
    truncated: p.truncated,
    malformed: p.malformed,
  };
  if (p.pktType !== undefined) out.pktType = p.pktType;
  if (p.eth) Object.assign(out, { ethSrc: p.eth.src, ethDst: p.eth.dst, ethType: p.eth.type });
  if (p.vlan) Object.assign(out, { vlan: p.vlan.id });
  if (p.arp) Object.assign(out, { arpOp: p.arp.op, arpSrc: p.arp.psrc, arpDst: p.arp.pdst });
  if (p.ip)
    Object.assign(out, {
      ipSrc: p.ip.src,
      ipDst: p.ip.dst,
      ipTtl: p.ip.ttl,
      ipProto: p.ip.proto,
      ipId: p.ip.id,
      ipLen: p.ip.len,
    });
  if (p.ipv6)
    Object.assign(out, {
      ip6Src: p.ipv6.src,
      ip6Dst: p.ipv6.dst,
      ip6Hlim: p.ipv6.hlim,
      ip6Nh: p.ipv6.nh,
      ip6Plen: p.ipv6.plen,
    });
  if (p.tcp) {
    Object.assign(out, {
      tcpSport: p.tcp.sport,
      tcpDport: p.tcp.dport,
      tcpSeq: p.tcp.seq,
      tcpAck: p.tcp.ack,
      tcpFlags: p.tcp.flags,
      tcpWin: p.tcp.window,
      tcpHdrLen: p.tcp.dataofs * 4,
    });
  }
  if (p.udp) Object.assign(out, { udpSport: p.udp.sport, udpDport: p.udp.dport, udpLen: p.udp.len });
  const icmp = p.icmp ?? p.icmpv6;
  if (icmp) Object.assign(out, { icmpType: icmp.type, icmpCode: icmp.code, icmpId: icmp.id, icmpSeq: icmp.seq });
  out.payload = Buffer.from(p.payload).toString('hex');
  return out;
}
