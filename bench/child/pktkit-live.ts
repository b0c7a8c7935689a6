/**
 * pktkit capturing live on IFACE (inside the receiving namespace), reading the
 * same five fields per packet through batches(). Prints READY on stderr once
 * the capture is open; on SIGTERM closes it and prints RESULT with its counters.
 *   node --import tsx bench/child/pktkit-live.ts IFACE
 */
import { openLive } from '../../lib/capture';
import { report } from './report';

async function main(iface: string): Promise<void> {
  // libpcap's default kernel buffer (2 MiB), as tcpdump and the cap driver use.
  const capture = openLive(iface, { bufferSize: 2 << 20 });
  process.on('SIGTERM', () => capture.close());
  process.stderr.write('READY\n');
  let packets = 0;
  let sink = 0;
  for await (const batch of capture.batches()) {
    for (const p of batch) {
      packets++;
      const ip = p.ip;
      if (ip !== undefined) sink = (sink + ((ip.srcInt ^ ip.dstInt) & 0xffff)) & 0x3fffffff;
      const tcp = p.tcp;
      if (tcp !== undefined) sink = (sink + tcp.sport + tcp.dport + tcp.flags) & 0x3fffffff;
      else {
        const udp = p.udp;
        if (udp !== undefined) sink = (sink + udp.sport + udp.dport) & 0x3fffffff;
      }
    }
  }
  const s = capture.stats();
  report({
    captured: packets, received: s.received, kernelDrops: s.droppedByKernel, ringDrops: s.droppedByRing,
    receivedByFilter: s.receivedByFilter, sink,
  });
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
