/**
 * The live and send trials' version of runTable: drivers whose runs are
 * asynchronous and share one network set up once for the whole table (and
 * always torn down). Same output: one line per driver, `skipped: <why>` when
 * it cannot run, medians with min–max over `ctx.runs` runs.
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
export async function runAsyncTable<N>(ctx: BenchContext, t: Table, drivers: Array<AsyncDriver<N>>, sharedWhy: string | undefined,
  withNet: (fn: (net: N) => Promise<void>) => Promise<void>): Promise<void> {
  console.log(`\n${t.title} — ${t.input}`);
  const pending: Array<[AsyncDriver<N>, Row]> = [];
  for (const d of drivers) {
    const row: Row = { driver: d.name, metrics: {} };
    t.rows.push(row);
    const why = sharedWhy ?? d.unavailable(ctx);
    if (why) {
      row.skipped = why;
      console.log(rowLine(t, row));
    } else pending.push([d, row]);
  }
  if (pending.length === 0) return;
  await withNet(async (net) => {
    for (const [d, row] of pending) {
      const runs: Metrics[] = [];
      try {
        for (let i = 0; i < ctx.runs; i++) runs.push(await d.run(ctx, net));
      } catch (err) {
        row.skipped = `failed: ${(err as Error).message}`;
        console.log(rowLine(t, row));
        continue;
      }
      row.runs = runs;
      for (const k of Object.keys(runs[0])) {
        const xs = runs.map((r) => r[k]).filter((v) => Number.isFinite(v));
        if (xs.length === runs.length) row.metrics[k] = spread(xs);
      }
      console.log(rowLine(t, row));
    }
  });
}
