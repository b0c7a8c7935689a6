/**
 * node `pcap` (node_pcap) on a file: createOfflineSession, and pcap.decode.packet
 * on every 'packet' event, then the same five fields as the other drivers.
 *   node --import tsx bench/child/pcap-file.ts FILE
 */
import { peerRequire } from './peers';
import { report, since } from './report';

interface Layer {
  [field: string]: unknown;
  payload?: Layer;
}
interface PcapModule {
  createOfflineSession(
    path: string,
    options?: { filter?: string },
  ): {
    on(event: 'packet', fn: (raw: { buf: Buffer; header: Buffer }) => void): void;
    on(event: 'complete', fn: () => void): void;
    close(): void;
  };
  decode: { packet(raw: unknown): Layer };
}

function main(file: string): void {
  const pcap = peerRequire('pcap') as PcapModule;
  let packets = 0;
  let bytes = 0;
  let tcp = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const session = pcap.createOfflineSession(file, { filter: '' });
  session.on('packet', (raw) => {
    const decoded = pcap.decode.packet(raw);
    packets++;
    bytes += raw.header.readUInt32LE(8);
    const ip = decoded.payload?.payload; // PcapPacket → EthernetPacket (VLAN handled there) → IPv4/IPv6
    if (ip === undefined || ip.saddr === undefined) return;
    sink = (sink + (ip.saddr === ip.daddr ? 1 : 2)) & 0x3fffffff;
    const l4 = ip.payload;
    if (l4 === undefined || l4 === null) return;
    if (l4.constructor.name === 'TCP') {
      tcp++;
      sink = (sink + (l4.sport as number) + (l4.dport as number) + (l4.flags === undefined ? 0 : 1)) & 0x3fffffff;
    } else if (l4.constructor.name === 'UDP') {
      sink = (sink + (l4.sport as number) + (l4.dport as number)) & 0x3fffffff;
    }
  });
  session.on('complete', () => {
    const seconds = since(t0);
    const cpu = process.cpuUsage(cpu0);
    session.close();
    report({ packets, bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, tcp, sink });
  });
}

main(process.argv[2]);
