/**
 * Trial 7, columns: one sum over every packet of the mix, through
 * `batch.column('tcp.dport')` and through the Packet views (`p.tcp?.dport`).
 * Only the summing is timed (the file is read either way). Target: the column
 * ≥ 3× the views.
 */
import { runNodeChild } from '../harness/child';
import { newTable, runTable, targetNote } from '../harness/run-table';
import type { BenchContext, Driver, Table } from '../harness/types';
import { addonMissing } from '../drivers/pktkit';
import { describeInput } from './inputs';

const COLUMN = "pktkit batch.column('tcp.dport') sum";
const VIEWS = 'pktkit Packet views p.tcp.dport sum';

function driver(name: string, mode: 'column' | 'view'): Driver {
  return {
    name,
    unavailable: addonMissing,
    run: (ctx, input) => runNodeChild(ctx, 'pktkit-columns', [mode, input.path]),
  };
}

/** Runs trial 7. */
export function columnsTrial(ctx: BenchContext): Table[] {
  const input = ctx.input('mix');
  const t = newTable({
    trial: 'columns',
    title: '7. columns: one field summed over every packet',
    input: describeInput(input),
    columns: [],
    throughput: true,
    reference: COLUMN,
  });
  runTable(ctx, t, [driver(COLUMN, 'column'), driver(VIEWS, 'view')], input);
  t.notes.push(
    'openFile + batches(); per batch only the sum is timed (performance.now() around it), the other way is computed ' +
      "too, untimed, and both sums must agree. MB/s counts the packets' bytes, which neither way reads.",
  );
  const ratio = t.rows.find((r) => r.driver === VIEWS && !r.skipped)?.ratio;
  t.notes.push(
    targetNote(
      `batch.column over ${input.count.toLocaleString('en-US')} packets / the same sum through Packet views`,
      ratio,
      3,
      '×',
    ),
  );
  return [t];
}
