/**
 * Trial 6, export: a file into ClickHouse. pktkit's sink (RowBinary batches
 * from the records, packets and flows, or flows only) against the pipeline a
 * user would write without it: `tshark -T ek` (one JSON document per packet)
 * piped into `clickhouse-client` as JSONEachRow. One clickhouse-server
 * (Debian's, started here in a temp dir on loopback ports, stopped at the end)
 * takes every run; tables are emptied before each. Targets: ≥ 10× the tshark
 * pipeline, ≥ 1 M packet rows/s.
 */
import { spawnSync } from 'node:child_process';
import { compileChildren, compiledChild } from '../harness/compile';
import { runProcess, runResultChild } from '../harness/child';
import { si } from '../harness/format';
import { runAsyncTable, type AsyncDriver } from '../harness/run-async-table';
import { medianPps, newTable, targetNote } from '../harness/run-table';
import type { BenchContext, Metrics, Table } from '../harness/types';
import type { InputFile } from '../gen/generate';
import { hasCommand } from '../drivers/build';
import { addonMissing } from '../drivers/pktkit';
import { CLICKHOUSE_SERVER, startClickHouse, type ClickHouseServer } from '../../test/helpers/clickhouse';
import { describeInput } from './inputs';

const PKTKIT_PACKETS = 'pktkit → ClickHouse, packets + flows';
const PKTKIT_FLOWS = 'pktkit → ClickHouse, flows only';
const TSHARK_EK = 'tshark -T ek | clickhouse-client JSONEachRow';

async function truncate(s: ClickHouseServer): Promise<void> {
  for (const t of ['packets', 'flows']) await s.query(`TRUNCATE TABLE IF EXISTS bench.${t}`);
  await s.query('CREATE DATABASE IF NOT EXISTS bench');
  await s.query('CREATE TABLE IF NOT EXISTS bench.ek (timestamp String) ENGINE = MergeTree ORDER BY tuple()');
  await s.query('TRUNCATE TABLE bench.ek');
}

function pktkit(mode: 'packets' | 'flows', input: InputFile): AsyncDriver<ClickHouseServer> {
  return {
    name: mode === 'packets' ? PKTKIT_PACKETS : PKTKIT_FLOWS,
    unavailable: (ctx) => addonMissing(ctx) ?? compileChildren(ctx),
    async run(ctx, s) {
      await truncate(s);
      const m = runResultChild(process.execPath, [compiledChild(ctx, 'pktkit-export'), mode, input.path, `clickhouse://127.0.0.1:${s.httpPort}/bench`], 'pktkit-export', { cwd: ctx.root });
      const stored = Number((await s.query(`SELECT count() FROM bench.${mode === 'packets' ? 'packets' : 'flows'}`)).trim());
      if (mode === 'packets' && stored !== m.packets) throw new Error(`ClickHouse holds ${stored} packet rows of ${m.packets}`);
      return withDerived(m);
    },
  };
}

function withDerived(m: Metrics): Metrics {
  m.pps = m.packets / m.seconds;
  m.nsPerPacket = (m.seconds * 1e9) / m.packets;
  m.mbps = m.bytes / m.seconds / 1e6;
  return m;
}

function tsharkEk(input: InputFile, subset: number): AsyncDriver<ClickHouseServer> {
  return {
    name: TSHARK_EK,
    unavailable: () => (hasCommand('tshark') ? (hasCommand('clickhouse-client') ? undefined : 'clickhouse-client is not installed') : 'tshark is not installed'),
    async run(_ctx, s) {
      await truncate(s);
      // The bulk-index lines of -T ek are not rows; unknown (nested) fields are skipped by the server.
      const script = `set -o pipefail; tshark -r "$1" -n -c "$2" -T ek | grep -v '^{"index"' | clickhouse-client --host 127.0.0.1 --port "$3" --input_format_skip_unknown_fields=1 --query 'INSERT INTO bench.ek FORMAT JSONEachRow'`;
      const wc = spawnSync('bash', ['-c', `tshark -r "$1" -n -c "$2" -T ek | grep -v '^{"index"' | wc -c`, 'x', input.path, String(subset)], { encoding: 'utf8' });
      const o = runProcess('bash', ['-c', script, 'x', input.path, String(subset), String(s.tcpPort)], { timeoutMs: 1_200_000 });
      const stored = Number((await s.query('SELECT count() FROM bench.ek')).trim());
      if (stored !== subset) throw new Error(`ClickHouse holds ${stored} rows of ${subset}`);
      return withDerived({
        packets: subset, bytes: input.frameBytes, seconds: o.wallSeconds, rows: subset, rowsPerSecond: subset / o.wallSeconds,
        wireBytes: Number(wc.stdout.trim()), wireBytesPerRow: Number(wc.stdout.trim()) / subset,
        cpuSeconds: o.cpuSeconds ?? NaN, cpuNsPerRow: ((o.cpuSeconds ?? NaN) * 1e9) / subset,
      });
    },
  };
}

/** Runs trial 6 on the mix. */
export async function exportTrial(ctx: BenchContext): Promise<Table[]> {
  const input = ctx.input('mix');
  const subset = ctx.quick ? 10_000 : 50_000;
  const small = ctx.input('mix', subset);
  const t = newTable({
    trial: 'export', title: '6. export: a file into ClickHouse', input: describeInput(input),
    columns: [
      { key: 'rowsPerSecond', heading: 'rows/s', format: si },
      { key: 'cpuNsPerRow', heading: 'CPU ns/row', format: (v) => v.toFixed(0) },
      { key: 'wireBytesPerRow', heading: 'bytes/row sent', format: (v) => v.toFixed(0) },
    ],
    throughput: true, reference: PKTKIT_PACKETS,
  });
  const why = CLICKHOUSE_SERVER ? undefined : 'clickhouse-server is not installed (scripts/prepare-host.sh)';
  await runAsyncTable(ctx, t, [pktkit('packets', input), pktkit('flows', input), tsharkEk(small, subset)], why, async (fn) => {
    const s = await startClickHouse();
    try {
      await fn(s);
    } finally {
      await s.stop();
    }
  });
  for (const row of t.rows) {
    const ref = medianPps(t, PKTKIT_PACKETS);
    const pps = row.metrics.pps?.median;
    if (ref && pps) row.ratio = ref / pps;
  }
  if (t.rows.find((r) => r.driver === TSHARK_EK)) {
    const row = t.rows.find((r) => r.driver === TSHARK_EK)!;
    if (!row.skipped) row.subset = subset;
  }
  const ours = medianPps(t, PKTKIT_PACKETS);
  const tshark = medianPps(t, TSHARK_EK);
  t.notes.push('Timed from openFile until the server acknowledged the last insert (pktkit), or the whole pipeline (tshark, on a subset, scaled per packet). ' +
    'bytes/row sent: RowBinary bytes in the inserts (pktkit), JSON bytes into clickhouse-client (tshark; it then sends them in its native format). ' +
    'The tshark pipeline stores one column (the timestamp); pktkit 24 columns per packet plus the flow rows.');
  t.notes.push(targetNote('pktkit packets+flows vs the tshark pipeline', ours && tshark ? ours / tshark : undefined, 10, '×'));
  t.notes.push(targetNote('packet rows/s', ours, 1e6, ' rows/s'));
  return [t];
}
