/**
 * pktkit on a file, the public API only: openFile + batches() or for-await,
 * reading five header fields per packet (addresses, ports, TCP flags).
 *   node --expose-gc --import tsx bench/child/pktkit-file.ts MODE FILE [ACCESS]
 * MODE: batch        addresses as numbers (IPv4 srcInt/dstInt, IPv6 srcWord/dstWord 0..3)
 *       batch-text   every address as text (packet.src / packet.dst)
 *       for-await    as `batch`, one packet per await
 * ACCESS: openFile's `access` (auto, map, read); default auto, as a user gets it.
 * Heap growth is measured after forced collections (what the run retained);
 * GC count and pause time cover the run itself.
 */
import { openFile } from '../../lib/capture';
import { libpcapVersion } from '../../lib/dissect';
import type { Packet } from '../../lib/packet';
import { foldFiveFields } from './five-fields';
import { collect, GcCounter, report, since } from './report';

// Kept within a small integer: a sum that outgrew it would be boxed on every store, an allocation per packet
// that would be the benchmark's, not pktkit's (the same in every JS driver).
let sink = 0;

/** The five fields with addresses as text: ports and flags as the shared fold reads them, addresses formatted. */
function readText(p: Packet, acc: number): number {
  const src = p.src;
  const dst = p.dst;
  if (src !== undefined && dst !== undefined) acc = (acc + src.length + dst.length) & 0x3fffffff;
  const tcp = p.tcp;
  if (tcp !== undefined) return (acc + tcp.sport + tcp.dport + tcp.flags) & 0x3fffffff;
  const udp = p.udp;
  return udp !== undefined ? (acc + udp.sport + udp.dport) & 0x3fffffff : acc;
}

async function main(mode: string, file: string, access = 'auto'): Promise<void> {
  if (!['batch', 'batch-text', 'for-await'].includes(mode) || !file || !['auto', 'map', 'read'].includes(access)) {
    throw new Error('usage: pktkit-file.ts batch|batch-text|for-await FILE [auto|map|read]');
  }
  // One fold per packet (the one every pktkit driver uses), called directly in each loop.
  const read = mode === 'batch-text' ? readText : foldFiveFields;
  // Loads the addon (and libpcap) before the clock starts, as every peer's child loads its native
  // module before its own, and as the C loops have libpcap linked before main. Otherwise the first
  // openFile would time 5-7 ms of module loading, 3-5% of a 1 M-packet run of 64-byte frames.
  libpcapVersion();
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  const gc = new GcCounter();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const capture = openFile(file, { access: access as 'auto' | 'map' | 'read' });
  let packets = 0;
  let bytes = 0;
  if (mode === 'for-await') {
    for await (const p of capture) {
      packets++;
      bytes += p.caplen;
      sink = read(p, sink);
    }
  } else {
    for await (const batch of capture.batches()) {
      for (const p of batch) {
        packets++;
        bytes += p.caplen;
        sink = read(p, sink);
      }
    }
  }
  const seconds = since(t0);
  const cpu = process.cpuUsage(cpu0);
  // GC entries reach the observer through the event loop: let it turn before counting.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 10));
  gc.stop();
  collect();
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  report({
    packets,
    bytes,
    seconds,
    sink,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    gcCount: gc.count,
    gcMs: gc.ms,
    heapGrowth,
    heapGrowthPerPacket: heapGrowth / packets,
    peakRssKb: process.resourceUsage().maxRSS,
  });
}

main(process.argv[2], process.argv[3], process.argv[4]).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
