/**
 * Trial 1, dissect: the native dissector alone over packets already in memory
 * (no file, no ring, no JS per packet), through the addon (benchmark.js) and
 * as plain C++. Target: ≥ 25 M packets/s.
 */
import { cDissect } from '../drivers/c-loop';
import { DISSECT_SETS, pktkitDissect } from '../drivers/pktkit';
import { medianCpuNs, medianPps, newTable, runTable, targetNote } from '../harness/run-table';
import type { BenchContext, Table } from '../harness/types';
import { cpuNsColumn } from './columns';
import { describeInput } from './inputs';

/** Runs trial 1 on both inputs. */
export function dissectTrial(ctx: BenchContext): Table[] {
  const { cold, hot } = DISSECT_SETS;
  return (['mix', 'min'] as const).map((kind) => {
    const input = ctx.input(kind);
    const coldN = Math.min(cold, input.count);
    const reference = pktkitDissect(coldN);
    const t = newTable({
      trial: 'dissect',
      title: '1. dissect: the dissector alone over packets in memory',
      input: describeInput(input),
      columns: [cpuNsColumn],
      throughput: true,
      reference: reference.name,
    });
    runTable(ctx, t, [reference, cDissect(coldN), pktkitDissect(hot), cDissect(hot)], input);
    t.notes.push(
      `The first N packets of the input, packed in memory and dissected in a loop: ${coldN.toLocaleString('en-US')} ` +
        `packets are far larger than the caches, ${hot.toLocaleString('en-US')} fit in L2. The addon rows are timed by ` +
        'benchmark.js around dissectLoop (one N-API call per pass), the C++ rows by their own clock.',
    );
    const best = [reference.name, pktkitDissect(hot).name];
    const pps = Math.max(...best.map((n) => medianPps(t, n) ?? NaN).filter(Number.isFinite));
    const cpuNs = Math.min(...best.map((n) => medianCpuNs(t, n) ?? NaN).filter(Number.isFinite));
    t.notes.push(
      targetNote(
        'dissector alone (addon, best set), M packets/s',
        Number.isFinite(pps) ? pps / 1e6 : undefined,
        25,
        ' M/s',
        Number.isFinite(cpuNs) ? 1e3 / cpuNs : undefined,
      ),
    );
    return t;
  });
}
