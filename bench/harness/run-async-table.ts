/**
 * The live and send trials' version of runTable: drivers whose runs are
 * asynchronous and share one network set up once for the whole table (and
 * always torn down). Same output: one line per driver, `skipped: <why>` when
 * it cannot run, medians with min–max over `ctx.runs` interleaved runs.
 */
import { rowLine } from './run-table';
import { spread } from './stats';
import type { BenchContext, Metrics, Row, Table } from './types';

/** A driver of an asynchronous trial, run against a shared resource `N` (the veth pair). */
export interface AsyncDriver<N> {
  name: string;
  unavailable(ctx: BenchContext): string | undefined;
  run(ctx: BenchContext, net: N): Promise<Metrics>;
}

/**
 * Fills `t` with one row per driver. `sharedWhy`, when set, skips them all
 * (no namespaces here); otherwise `withNet` provides the network for the runs.
 */
export async function runAsyncTable<N>(
  ctx: BenchContext,
  t: Table,
  drivers: Array<AsyncDriver<N>>,
  sharedWhy: string | undefined,
  withNet: (fn: (net: N) => Promise<void>) => Promise<void>,
): Promise<void> {
  console.log(`\n${t.title} — ${t.input}`);
  const pending: Array<[AsyncDriver<N>, Row]> = [];
  for (const d of drivers) {
    const row: Row = { driver: d.name, metrics: {} };
    t.rows.push(row);
    const why = sharedWhy ?? d.unavailable(ctx);
    if (why) row.skipped = why;
    else pending.push([d, row]);
  }
  // Interleaved runs, as in runTable: drift over minutes falls on every driver alike.
  const runs = new Map<Row, Metrics[]>(pending.map(([, row]) => [row, []]));
  if (pending.length > 0)
    await withNet(async (net) => {
      for (let i = 0; i < ctx.runs; i++) {
        for (const [d, row] of pending) {
          if (row.skipped) continue;
          try {
            runs.get(row)?.push(await d.run(ctx, net));
          } catch (err) {
            row.skipped = `failed: ${(err as Error).message}`;
          }
        }
        process.stderr.write(`  (round ${i + 1}/${ctx.runs} done)\r`);
      }
    });
  for (const [, row] of pending) {
    const mine = runs.get(row) ?? [];
    if (!row.skipped && mine.length > 0) {
      row.runs = mine;
      for (const k of Object.keys(mine[0])) {
        const xs = mine.map((r) => r[k]).filter((v) => Number.isFinite(v));
        if (xs.length === mine.length) row.metrics[k] = spread(xs);
      }
    }
  }
  for (const row of t.rows) console.log(rowLine(t, row));
}
