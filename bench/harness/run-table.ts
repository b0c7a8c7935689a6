/**
 * Runs every driver of a table `ctx.runs` times, each run in a fresh child,
 * and prints one line per driver when the table is done: packets/s,
 * ns/packet and MB/s as median [min–max], ±rme, and the ratio
 * reference/driver. A driver that cannot run prints `skipped: <why>`.
 */
import type { InputFile } from '../gen/generate';
import { count, num, si, withRange } from './format';
import { spread, type Spread } from './stats';
import type { BenchContext, Driver, Metrics, Row, Table } from './types';

/** Adds the derived throughput metrics to one run's figures. */
function derive(m: Metrics): Metrics {
  if (m.packets > 0 && m.seconds > 0) {
    m.pps = m.packets / m.seconds;
    m.nsPerPacket = (m.seconds * 1e9) / m.packets;
    m.mbps = m.bytes / m.seconds / 1e6;
  }
  if (m.packets > 0 && Number.isFinite(m.cpuSeconds)) m.cpuNsPerPacket = (m.cpuSeconds * 1e9) / m.packets;
  return m;
}

function summarize(runs: Metrics[]): Record<string, Spread> {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  const out: Record<string, Spread> = {};
  for (const k of keys) {
    const xs = runs.map((r) => r[k]).filter((v) => typeof v === 'number' && Number.isFinite(v));
    if (xs.length === runs.length) out[k] = spread(xs);
  }
  return out;
}

/** The console line of one row. */
export function rowLine(table: Table, row: Row): string {
  const name = row.driver.padEnd(42);
  if (row.skipped) return `  ${name} skipped: ${row.skipped}`;
  const parts: string[] = [];
  const m = row.metrics;
  if (table.throughput && m.pps) {
    parts.push(`${withRange(m.pps.median, m.pps.min, m.pps.max, si)} packets/s`);
    parts.push(`${num(m.nsPerPacket.median)} ns/packet`);
    parts.push(`${num(m.mbps.median)} MB/s`);
    parts.push(`±${m.pps.rme.toFixed(1)}%`);
    if (row.ratio !== undefined) parts.push(`pktkit/driver ${row.ratio.toFixed(2)}×`);
  }
  for (const c of table.columns) {
    const s = m[c.key];
    if (s) parts.push(`${c.heading} ${withRange(s.median, s.min, s.max, c.format)}`);
  }
  if (row.subset) parts.push(`(subset: ${count(row.subset)} packets, scaled)`);
  return `  ${name} ${parts.join('  ')}`;
}

/**
 * Runs the drivers on `full` (or their subset of it), filling and printing
 * `table`'s rows. Runs are interleaved (run 1 of every driver, then run 2, ...)
 * so that a slow drift of the machine's speed, which a shared or virtual
 * machine has over minutes, lands on every driver alike instead of biasing
 * the ratios; the min–max then shows it.
 */
export function runTable(ctx: BenchContext, table: Table, drivers: Driver[], full: InputFile): Table {
  console.log(`\n${table.title} — ${table.input}`);
  const active: Array<{ d: Driver; row: Row; input: InputFile; runs: Metrics[] }> = [];
  for (const d of drivers) {
    const row: Row = { driver: d.name, metrics: {} };
    table.rows.push(row);
    const why = d.unavailable(ctx);
    if (why) {
      row.skipped = why;
      continue;
    }
    const subset = d.subset?.(ctx);
    const input = subset !== undefined && subset < full.count ? ctx.input(full.kind, subset) : full;
    if (input !== full) row.subset = input.count;
    active.push({ d, row, input, runs: [] });
  }
  for (let i = 0; i < ctx.runs; i++) {
    for (const a of active) {
      if (a.row.skipped) continue;
      try {
        a.runs.push(derive(a.d.run(ctx, a.input)));
      } catch (err) {
        a.row.skipped = `failed: ${(err as Error).message}`;
      }
    }
    process.stderr.write(`  (round ${i + 1}/${ctx.runs} done)\r`);
  }
  for (const a of active) {
    if (a.row.skipped) continue;
    a.row.metrics = summarize(a.runs);
    a.row.runs = a.runs;
  }
  const ref = table.rows.find((r) => r.driver === table.reference && !r.skipped);
  for (const row of table.rows) {
    if (table.throughput && ref?.metrics.pps && row.metrics.pps)
      row.ratio = ref.metrics.pps.median / row.metrics.pps.median;
    console.log(rowLine(table, row));
  }
  return table;
}

/** A new, empty table. */
export function newTable(init: Omit<Table, 'rows' | 'notes'>): Table {
  return { ...init, rows: [], notes: [] };
}

/** The median packets/s of a driver's row, when it ran. */
export function medianPps(table: Table, driver: string): number | undefined {
  const r = table.rows.find((x) => x.driver === driver && !x.skipped);
  return r?.metrics.pps?.median;
}

/** The median CPU ns/packet of a driver's row, when it ran and counted CPU. */
export function medianCpuNs(table: Table, driver: string): number | undefined {
  const r = table.rows.find((x) => x.driver === driver && !x.skipped);
  return r?.metrics.cpuNsPerPacket?.median;
}

/**
 * A note saying whether a measured target was met: `what` ≥ `goal`, judged
 * on wall-clock packets/s, with the same ratio by CPU time beside it when
 * known (on a busy machine the CPU figure is the steadier one). Missing
 * figures say so.
 */
export function targetNote(what: string, value: number | undefined, goal: number, unit = '×', byCpu?: number): string {
  const goalText = unit === '%' ? `${goal}%` : `${goal}${unit}`;
  if (value === undefined || !Number.isFinite(value)) return `target ${what} ≥ ${goalText}: not measured here`;
  const fmt = (v: number): string => (unit === '%' ? `${v.toFixed(0)}%` : `${v.toFixed(2)}${unit}`);
  const cpu =
    byCpu !== undefined && Number.isFinite(byCpu)
      ? `; by CPU time ${fmt(byCpu)}, ${byCpu >= goal ? 'met' : 'missed'}`
      : '';
  return `target ${what} ≥ ${goalText}: ${value >= goal ? 'met' : 'MISSED'} (wall-clock ${fmt(value)}${cpu})`;
}

/**
 * As {@link targetNote}, for targets the issue states by CPU time: the
 * verdict is on the CPU ratio, with the wall-clock ratio beside it.
 */
export function cpuTargetNote(what: string, byCpu: number | undefined, goal: number, wall?: number): string {
  if (byCpu === undefined || !Number.isFinite(byCpu)) return `target ${what} ≥ ${goal}× by CPU time: not measured here`;
  const w = wall !== undefined && Number.isFinite(wall) ? `; wall-clock ${wall.toFixed(2)}×` : '';
  return `target ${what} ≥ ${goal}× by CPU time: ${byCpu >= goal ? 'met' : 'MISSED'} (${byCpu.toFixed(2)}×${w})`;
}
