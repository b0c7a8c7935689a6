/**
 * One sum over every packet of a file, two ways: `batch.column('tcp.dport')`
 * (a typed array per batch) or the Packet views (`p.tcp?.dport`). Only the
 * summing is timed (the file is read either way, untimed), batch by batch.
 * Both sums are computed in both modes and must agree, so that neither mode
 * can be fast by doing less; the mode only says which one is timed.
 *   node bench/out/dist/bench/child/pktkit-columns.js column|view FILE
 */
import { performance } from 'node:perf_hooks';
import { openFile, type Batch } from '../../lib/capture';
import { report } from './report';

function columnSum(batch: Batch): number {
  const col = batch.column('tcp.dport');
  let s = 0;
  for (let i = 0; i < col.length; i++) s += col[i];
  return s;
}

function viewSum(batch: Batch): number {
  let s = 0;
  for (const p of batch) {
    const tcp = p.tcp;
    if (tcp !== undefined) s += tcp.dport;
  }
  return s;
}

async function main(mode: string, file: string): Promise<void> {
  if ((mode !== 'column' && mode !== 'view') || !file) throw new Error('usage: pktkit-columns.ts column|view FILE');
  const [timed, other] = mode === 'column' ? [columnSum, viewSum] : [viewSum, columnSum];
  let packets = 0;
  let bytes = 0;
  let seconds = 0;
  let sum = 0;
  for await (const batch of openFile(file).batches()) {
    const t0 = performance.now();
    const a = timed(batch);
    seconds += (performance.now() - t0) / 1e3;
    const b = other(batch);
    if (a !== b) throw new Error(`column and view sums differ in a batch: ${a} vs ${b}`);
    sum += a;
    packets += batch.count;
    for (const p of batch) bytes += p.caplen;
  }
  report({ packets, bytes, seconds, sum });
}

main(process.argv[2], process.argv[3]).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
