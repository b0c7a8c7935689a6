/**
 * node `cap` capturing live on IFACE (inside the receiving namespace): one
 * 'packet' event per packet into its one reused Buffer, decoded with
 * cap.decoders for the same five fields. Prints READY on stderr once open; on
 * SIGTERM closes and prints RESULT (cap exposes no kernel drop counter).
 *   node --import tsx bench/child/cap-live.ts IFACE
 */
import type { CapDecoders, Decoded } from './cap-decoders';
import { peerRequire } from './peers';
import { report } from './report';

interface CapInstance {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  close(): void;
}
interface CapModule {
  Cap: new () => CapInstance;
  decoders: CapDecoders;
}

function main(iface: string): void {
  const { Cap, decoders } = peerRequire('cap') as CapModule;
  const ETH = decoders.PROTOCOL.ETHERNET;
  const IP = decoders.PROTOCOL.IP;
  const cap = new Cap();
  const buffer = Buffer.alloc(65535);
  cap.open(iface, '', 2 << 20, buffer);
  let packets = 0;
  let sink = 0;
  cap.on('packet', () => {
    packets++;
    const eth = decoders.Ethernet(buffer);
    let l3: Decoded | undefined;
    if (eth.info.type === ETH.IPV4) l3 = decoders.IPV4(buffer, eth.offset);
    else if (eth.info.type === ETH.IPV6) l3 = decoders.IPV6(buffer, eth.offset);
    if (l3 === undefined) return;
    sink = (sink + String(l3.info.srcaddr).length) & 0x3fffffff;
    if (l3.info.protocol === IP.TCP) {
      const t = decoders.TCP(buffer, l3.offset);
      sink = (sink + (t.info.srcport as number) + (t.info.dstport as number) + (t.info.flags as number)) & 0x3fffffff;
    } else if (l3.info.protocol === IP.UDP) {
      const u = decoders.UDP(buffer, l3.offset);
      sink = (sink + (u.info.srcport as number) + (u.info.dstport as number)) & 0x3fffffff;
    }
  });
  process.on('SIGTERM', () => {
    cap.close();
    report({ captured: packets, sink });
    process.exit(0);
  });
  process.stderr.write('READY\n');
}

main(process.argv[2]);
