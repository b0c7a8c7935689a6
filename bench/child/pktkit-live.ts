/**
 * pktkit capturing live on IFACE (inside the receiving namespace), reading the
 * same five fields per packet through batches(). Prints READY on stderr once
 * the capture is open and `ENGINE name` on stdout; on SIGTERM closes it and
 * prints RESULT with its counters.
 *   node bench/out/dist/bench/child/pktkit-live.js IFACE [BUFFER_BYTES] [auto|afpacket|libpcap]
 */
import { openLive } from '../../lib/capture';
import { report } from './report';

async function main(iface: string, bufferBytes: number, engine: 'auto' | 'afpacket' | 'libpcap'): Promise<void> {
  // The same kernel buffer as tcpdump -B gets (libpcap's default, 2 MiB, unless told).
  const capture = openLive(iface, { bufferSize: bufferBytes, engine });
  process.on('SIGTERM', () => capture.close());
  process.stdout.write(`ENGINE ${capture.engine}\n`);
  process.stderr.write('READY\n');
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
  const s = capture.stats();
  report({
    captured: packets, received: s.received, kernelDrops: s.droppedByKernel, ringDrops: s.droppedByRing,
    receivedByFilter: s.receivedByFilter, sink,
  });
}

main(process.argv[2], Number(process.argv[3] ?? 2 << 20), (process.argv[4] ?? 'auto') as 'auto').catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
