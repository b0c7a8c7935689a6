/**
 * What each fanout worker thread runs (openFanout's `module`): the same five
 * fields per packet as the live child, through batches(); returns its count.
 */
import type { Capture } from '../../lib/capture';
import { foldFiveFields } from './five-fields';

export default async function read(capture: Capture): Promise<{ packets: number; sink: number }> {
  let packets = 0;
  let sink = 0;
  for await (const batch of capture.batches()) {
    for (const p of batch) {
      packets++;
      sink = foldFiveFields(p, sink);
    }
  }
  return { packets, sink };
}
