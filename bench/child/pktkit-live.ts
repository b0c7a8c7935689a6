/**
 * pktkit capturing live on IFACE (inside the receiving namespace), reading the
 * same five fields per packet through batches(). Prints READY on stderr once
 * the capture is open and `ENGINE name` on stdout; on SIGTERM closes it and
 * prints RESULT with its counters.
 *   node bench/out/dist/bench/child/pktkit-live.js IFACE [BUFFER_BYTES] [auto|afpacket|libpcap] [WAIT_IN_PLACE_MS]
 */
import { openLive } from '../../lib/capture';
import { report } from './report';
import { foldFiveFields } from './five-fields';
import { tracedLoop } from './live-trace';

async function main(
  iface: string,
  bufferBytes: number,
  engine: 'auto' | 'afpacket' | 'libpcap',
  waitInPlace: number | undefined,
): Promise<void> {
  // The same kernel buffer as tcpdump -B gets (libpcap's default, 2 MiB, unless told).
  const capture = openLive(iface, { bufferSize: bufferBytes, engine, waitInPlace });
  process.on('SIGTERM', () => capture.close());
  process.stdout.write(`ENGINE ${capture.engine}\n`);
  process.stderr.write('READY\n');
  let packets = 0;
  let sink = 0;
  // Off in the trial: bench/live-probe.ts sets it to look inside a run (the loop below stays as it was).
  const traceFile = process.env.PKTKIT_LIVE_TRACE;
  if (traceFile) [packets, sink] = await tracedLoop(traceFile, capture, foldFiveFields);
  else
    for await (const batch of capture.batches()) {
      for (const p of batch) {
        packets++;
        sink = foldFiveFields(p, sink);
      }
    }
  const s = capture.stats();
  report({
    captured: packets,
    received: s.received,
    kernelDrops: s.droppedByKernel,
    ringDrops: s.droppedByRing,
    receivedByFilter: s.receivedByFilter,
    sink,
  });
}

main(
  process.argv[2],
  Number(process.argv[3] ?? 2 << 20),
  (process.argv[4] ?? 'auto') as 'auto',
  process.argv[5] === undefined ? undefined : Number(process.argv[5]),
).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
