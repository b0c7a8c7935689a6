/**
 * pktkit's openFanout on IFACE with WORKERS worker threads (PACKET_FANOUT,
 * hash mode), each doing WORK per packet (pktkit-fanout-worker.ts: fields or summary).
 * Prints READY on stderr once every worker's ring is open; on SIGTERM closes
 * the fanout and prints RESULT with the summed counters and each worker's count.
 *   node bench/out/dist/bench/child/pktkit-fanout.js IFACE WORKERS [BUFFER_BYTES] [fields|summary]
 */
import * as path from 'node:path';
import { openFanout } from '../../lib/fanout';
import { report } from './report';

async function main(iface: string, workers: number, bufferBytes: number, work: string): Promise<void> {
  const fan = openFanout<{ packets: number; sink: number }>(iface, {
    workers,
    module: path.join(__dirname, 'pktkit-fanout-worker.js'),
    bufferSize: bufferBytes,
    mode: 'hash',
    data: work,
  });
  await fan.ready;
  const closed = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  process.stderr.write('READY\n');
  await closed;
  const { results, stats } = await fan.close();
  const m: Record<string, number> = {
    captured: results.reduce((a, r) => a + r.packets, 0),
    received: stats.received,
    kernelDrops: stats.droppedByKernel,
    ringDrops: stats.droppedByRing,
    workers,
  };
  results.forEach((r, i) => (m[`worker${i}`] = r.packets));
  report(m);
}

main(process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 2 << 20), process.argv[5] ?? 'fields').catch(
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
