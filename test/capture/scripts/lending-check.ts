/**
 * Runs inside a test namespace: reads a live capture whose kernel ring is
 * tiny, holds each batch while traffic keeps coming (so the kernel would
 * overwrite any block handed back too early), and checks that every packet's
 * bytes in place at the end of its batch are what they were at its start,
 * and what its copy() holds. Also reports where each batch's bytes lie in the
 * ring: one block's packets run forward, and a block is a fraction of the ring.
 *
 * argv[2]: JSON { device, port }; stdin {"cmd":"stop"} closes.
 */
import { createHash } from 'node:crypto';
import { openLive } from '../../../lib/index';
import { readCommands, report } from '../../helpers/report';

const RING = 1 << 16;
const hash = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

async function main(): Promise<void> {
  const { device, port } = JSON.parse(process.argv[2]) as { device: string; port: number };
  const cap = openLive(device, { bufferSize: RING, snaplen: 256, filter: `udp port ${port}`, timeout: 5 });
  void (async () => {
    for await (const command of readCommands()) if ((command as { cmd: string }).cmd === 'stop') cap.close();
  })();
  report({ ready: true });
  let batches = 0;
  let packets = 0;
  let changed = 0;
  let copiesDiffer = 0;
  // Where in the ring each batch's bytes lie: a batch within one block runs forward and is short.
  let backwards = 0;
  let widestSpan = 0;
  for await (const batch of cap.batches()) {
    const before: string[] = [];
    const copies = [];
    let first = -1;
    let last = -1;
    for (const p of batch) {
      before.push(hash(p.data));
      copies.push(p.copy());
      const at = p.data.byteOffset;
      if (first < 0) first = at;
      if (at < last) backwards++;
      last = at;
      widestSpan = Math.max(widestSpan, at + p.data.length - first);
    }
    // Hold every other batch while the sender keeps the ring busy: long enough
    // for the kernel to go round the ring, and every other one so that a batch
    // of one small block at a time still keeps up with most of the traffic.
    if (batches % 2 === 0) await new Promise((r) => setTimeout(r, 20));
    let i = 0;
    for (const p of batch) {
      if (hash(p.data) !== before[i]) changed++;
      if (hash(copies[i].data) !== before[i]) copiesDiffer++;
      i++;
    }
    batches++;
    packets += batch.count;
  }
  report({ batches, packets, changed, copiesDiffer, backwards, widestSpan, ringBytes: RING, stats: cap.stats() });
  process.exit(0);
}

void main();
