/**
 * node `cap` decoders fed from a pcap file. `cap` captures live only, so the
 * file is read here (pcap-records.ts) and each packet is copied into one reused
 * Buffer, which is how cap hands packets over (it overwrites one Buffer per
 * packet). Then the same five fields as the other drivers are read through
 * cap.decoders (Ethernet → IPV4/IPV6 → TCP/UDP).
 *   node --import tsx bench/child/cap-file.ts FILE
 */
import { forEachRecord } from './pcap-records';
import type { CapDecoders, Decoded } from './cap-decoders';
import { peerRequire } from './peers';
import { report, since } from './report';

interface CapModule {
  decoders: CapDecoders;
}

function main(file: string): void {
  const { decoders } = peerRequire('cap') as CapModule;
  const ETH = decoders.PROTOCOL.ETHERNET;
  const IP = decoders.PROTOCOL.IP;
  let packets = 0;
  let bytes = 0;
  let tcp = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const packet = Buffer.alloc(65535);
  forEachRecord(file, (chunk, off, caplen) => {
    chunk.copy(packet, 0, off, off + caplen);
    packets++;
    bytes += caplen;
    const eth = decoders.Ethernet(packet);
    let l3: Decoded | undefined;
    if (eth.info.type === ETH.IPV4) l3 = decoders.IPV4(packet, eth.offset);
    else if (eth.info.type === ETH.IPV6) l3 = decoders.IPV6(packet, eth.offset);
    if (l3 === undefined) return;
    sink = (sink + String(l3.info.srcaddr).length + String(l3.info.dstaddr).length) & 0x3fffffff;
    if (l3.info.protocol === IP.TCP) {
      const t = decoders.TCP(packet, l3.offset);
      tcp++;
      sink = (sink + (t.info.srcport as number) + (t.info.dstport as number) + (t.info.flags as number)) & 0x3fffffff;
    } else if (l3.info.protocol === IP.UDP) {
      const u = decoders.UDP(packet, l3.offset);
      sink = (sink + (u.info.srcport as number) + (u.info.dstport as number)) & 0x3fffffff;
    }
  });
  const seconds = since(t0);
  const cpu = process.cpuUsage(cpu0);
  report({ packets, bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, tcp, sink });
}

main(process.argv[2]);
