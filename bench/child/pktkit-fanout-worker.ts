/**
 * What each fanout worker thread runs (openFanout's `module`): the same five
 * fields per packet as the live child, through batches(); returns its count.
 */
import type { Capture } from '../../lib/capture';

export default async function read(capture: Capture): Promise<{ packets: number; sink: number }> {
  let packets = 0;
  let sink = 0;
  for await (const batch of capture.batches()) {
    for (const p of batch) {
      packets++;
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
      if (tcp !== undefined) sink = (sink + tcp.sport + tcp.dport + tcp.flags) & 0x3fffffff;
      else {
        const udp = p.udp;
        if (udp !== undefined) sink = (sink + udp.sport + udp.dport) & 0x3fffffff;
      }
    }
  }
  return { packets, sink };
}
