/**
 * Trial 1, dissect: the native dissector alone over packets already in memory
 * (no file, no ring, no JS per packet), through the addon (benchmark.js) and
 * as plain C++. Target: ≥ 25 M packets/s.
 */
import { cDissect } from '../drivers/c-loop';
import { dissectCount, pktkitDissect } from '../drivers/pktkit';
import { medianCpuNs, medianPps, newTable, runTable, targetNote } from '../harness/run-table';
import type { BenchContext, Table } from '../harness/types';
import { cpuNsColumn } from './columns';
import { describeInput } from './inputs';

/** Runs trial 1 on both inputs. */
export function dissectTrial(ctx: BenchContext): Table[] {
  return (['mix', 'min'] as const).map((kind) => {
    const input = ctx.input(kind);
    const n = dissectCount(ctx);
    const t = newTable({
      trial: 'dissect', title: `1. dissect: the dissector alone, ${n.toLocaleString('en-US')} packets in memory`,
      input: describeInput(input), columns: [cpuNsColumn], throughput: true, reference: pktkitDissect.name,
    });
    runTable(ctx, t, [pktkitDissect, cDissect], input);
    t.notes.push(`The first ${n.toLocaleString('en-US')} packets of the input, packed in memory and dissected in a loop; ` +
      'the addon row is timed by benchmark.js around dissectLoop (one N-API call per pass), the C++ row by its own clock.');
    const cpuNs = medianCpuNs(t, pktkitDissect.name);
    t.notes.push(targetNote('dissector alone, M packets/s', (medianPps(t, pktkitDissect.name) ?? NaN) / 1e6, 25, ' M/s',
      cpuNs ? 1e3 / cpuNs : undefined));
    return t;
  });
}
