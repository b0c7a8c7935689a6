/** A fanout worker module: collects the ids of the test's datagrams that this worker saw. */
import type { Capture } from '../../../lib/index';

export default async function collect(
  capture: Capture,
  info: { worker: number; data: unknown },
): Promise<{ worker: number; ids: number[] }> {
  const { port } = info.data as { port: number };
  const ids: number[] = [];
  for await (const batch of capture.batches()) {
    for (const p of batch) {
      if (p.udp?.dport !== port) continue;
      const text = Buffer.from(p.payload).toString();
      if (text.startsWith('id-')) ids.push(Number(text.slice(3)));
    }
  }
  return { worker: info.worker, ids };
}
