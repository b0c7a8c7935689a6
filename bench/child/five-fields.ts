/**
 * The five header fields every pktkit driver reads per packet (addresses as
 * numbers, ports, TCP flags), folded into a small integer so that the work
 * cannot be optimised away and the sum never outgrows a small integer (a boxed
 * number would be an allocation per packet that is the benchmark's, not pktkit's).
 */
import type { Packet } from '../../lib/packet';

export function foldFiveFields(p: Packet, sink: number): number {
  const ip = p.ip;
  if (ip !== undefined) sink = (sink + ((ip.srcInt ^ ip.dstInt) & 0xffff)) & 0x3fffffff;
  else {
    const ip6 = p.ipv6;
    if (ip6 !== undefined) {
      let words = 0;
      for (let i = 0; i < 4; i++) words ^= ip6.srcWord(i) ^ ip6.dstWord(i);
      sink = (sink + (words & 0xffff)) & 0x3fffffff;
    }
  }
  const tcp = p.tcp;
  if (tcp !== undefined) return (sink + tcp.sport + tcp.dport + tcp.flags) & 0x3fffffff;
  const udp = p.udp;
  return udp !== undefined ? (sink + udp.sport + udp.dport) & 0x3fffffff : sink;
}
