/**
 * What each fanout worker thread runs (openFanout's `module`), through
 * batches(); returns its count. `data` says the work per packet: 'fields', the
 * same five fields as the live child, or 'summary', Scapy's one-line summary()
 * (several µs a packet: work heavy enough that one thread cannot keep up with
 * the sender, which is when fanout is worth having).
 */
import type { Capture } from '../../lib/capture';
import type { Packet } from '../../lib/packet';
import { foldFiveFields } from './five-fields';

function foldSummary(p: Packet, sink: number): number {
  return (sink + p.summary().length) & 0x3fffffff;
}

export default async function read(
  capture: Capture,
  info: { data: unknown },
): Promise<{ packets: number; sink: number }> {
  const fold = info.data === 'summary' ? foldSummary : foldFiveFields;
  let packets = 0;
  let sink = 0;
  for await (const batch of capture.batches()) {
    for (const p of batch) {
      packets++;
      sink = fold(p, sink);
    }
  }
  return { packets, sink };
}
