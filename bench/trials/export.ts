/**
 * Trial 6, export: a file into ClickHouse. pktkit's sink (Native blocks
 * from the records, packets and flows, or flows only) against the pipeline a
 * user would write without it: `tshark -T ek` (one JSON document per packet)
 * piped into `clickhouse-client` as JSONEachRow. One clickhouse-server
 * (Debian's, started here in a temp dir on loopback ports, stopped at the end)
 * takes every run; tables are emptied before each. Targets: ≥ 10× the tshark
 * pipeline, ≥ 1 M packet rows/s.
 *
 * The server taking the same rows from another sender: the rows pktkit stored
 * (packets and flows), dumped as Native files once and inserted again by
 * `clickhouse-client` alone; and
 * for every driver the server's own CPU time per row (from /proc), since
 * on a machine of two cores the server's insert work competes with the sender.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
const CEILING = 'clickhouse-client alone < the same rows as Native files';

/** The server's CPU seconds so far (all its threads: utime + stime of /proc/PID/stat). */
function serverCpu(s: ClickHouseServer): number {
  const fields = fs.readFileSync(`/proc/${s.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Clock ticks of 1/100 s (USER_HZ on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `fn` and adds the server's CPU ns per stored row to its metrics. */
async function withServerCpu(s: ClickHouseServer, fn: () => Promise<Metrics>): Promise<Metrics> {
  const c0 = serverCpu(s);
  const m = await fn();
  // Inserts are acknowledged when stored; merges the server starts afterwards are not counted.
  m.serverCpuNsPerRow = ((serverCpu(s) - c0) * 1e9) / (m.rows ?? NaN);
  return m;
}

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
    run: (ctx, s) =>
      withServerCpu(s, async () => {
        await truncate(s);
        const m = runResultChild(
          process.execPath,
          [compiledChild(ctx, 'pktkit-export'), mode, input.path, `clickhouse://127.0.0.1:${s.httpPort}/bench`],
          'pktkit-export',
          { cwd: ctx.root },
        );
        const stored = Number(
          (await s.query(`SELECT count() FROM bench.${mode === 'packets' ? 'packets' : 'flows'}`)).trim(),
        );
        if (mode === 'packets' && stored !== m.packets)
          throw new Error(`ClickHouse holds ${stored} packet rows of ${m.packets}`);
        return withDerived(m);
      }),
  };
}

/**
 * clickhouse-client alone: what pktkit stored in packets+flows mode, dumped once as Native and
 * inserted again by clickhouse-client alone (a native-protocol client in C++), timed.
 */
function ceiling(input: InputFile, dir: string): AsyncDriver<ClickHouseServer> {
  const files = { packets: path.join(dir, 'packets.native'), flows: path.join(dir, 'flows.native') };
  return {
    name: CEILING,
    unavailable: (ctx) =>
      addonMissing(ctx) ??
      compileChildren(ctx) ??
      (hasCommand('clickhouse-client') ? undefined : 'clickhouse-client is not installed'),
    run: (ctx, s) =>
      withServerCpu(s, async () => {
        if (!fs.existsSync(files.flows)) {
          await truncate(s);
          runResultChild(
            process.execPath,
            [compiledChild(ctx, 'pktkit-export'), 'packets', input.path, `clickhouse://127.0.0.1:${s.httpPort}/bench`],
            'pktkit-export',
            { cwd: ctx.root },
          );
          for (const t of ['packets', 'flows'] as const) {
            runProcess('bash', [
              '-c',
              `clickhouse-client --host 127.0.0.1 --port "$1" --query "SELECT * FROM bench.${t} FORMAT Native" > "$2"`,
              'x',
              String(s.tcpPort),
              files[t],
            ]);
          }
        }
        await truncate(s);
        let seconds = 0;
        let cpu = 0;
        for (const t of ['packets', 'flows'] as const) {
          const o = runProcess('bash', [
            '-c',
            `clickhouse-client --host 127.0.0.1 --port "$1" --query "INSERT INTO bench.${t} FORMAT Native" < "$2"`,
            'x',
            String(s.tcpPort),
            files[t],
          ]);
          seconds += o.wallSeconds;
          cpu += o.cpuSeconds ?? NaN;
        }
        const packets = Number((await s.query('SELECT count() FROM bench.packets')).trim());
        const rows = packets + Number((await s.query('SELECT count() FROM bench.flows')).trim());
        if (packets !== input.count) throw new Error(`ClickHouse holds ${packets} packet rows of ${input.count}`);
        const wireBytes = fs.statSync(files.packets).size + fs.statSync(files.flows).size;
        return withDerived({
          packets,
          bytes: input.frameBytes,
          seconds,
          rows,
          rowsPerSecond: rows / seconds,
          wireBytes,
          wireBytesPerRow: wireBytes / rows,
          cpuSeconds: cpu,
          cpuNsPerRow: (cpu * 1e9) / rows,
        });
      }),
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
    unavailable: () =>
      hasCommand('tshark')
        ? hasCommand('clickhouse-client')
          ? undefined
          : 'clickhouse-client is not installed'
        : 'tshark is not installed',
    run: (_ctx, s) =>
      withServerCpu(s, async () => {
        await truncate(s);
        // The bulk-index lines of -T ek are not rows; unknown (nested) fields are skipped by the server.
        const script = `set -o pipefail; tshark -r "$1" -n -c "$2" -T ek | grep -v '^{"index"' | clickhouse-client --host 127.0.0.1 --port "$3" --input_format_skip_unknown_fields=1 --query 'INSERT INTO bench.ek FORMAT JSONEachRow'`;
        const wc = spawnSync(
          'bash',
          ['-c', `tshark -r "$1" -n -c "$2" -T ek | grep -v '^{"index"' | wc -c`, 'x', input.path, String(subset)],
          { encoding: 'utf8' },
        );
        const o = runProcess('bash', ['-c', script, 'x', input.path, String(subset), String(s.tcpPort)], {
          timeoutMs: 1_200_000,
        });
        const stored = Number((await s.query('SELECT count() FROM bench.ek')).trim());
        if (stored !== subset) throw new Error(`ClickHouse holds ${stored} rows of ${subset}`);
        return withDerived({
          packets: subset,
          bytes: input.frameBytes,
          seconds: o.wallSeconds,
          rows: subset,
          rowsPerSecond: subset / o.wallSeconds,
          wireBytes: Number(wc.stdout.trim()),
          wireBytesPerRow: Number(wc.stdout.trim()) / subset,
          cpuSeconds: o.cpuSeconds ?? NaN,
          cpuNsPerRow: ((o.cpuSeconds ?? NaN) * 1e9) / subset,
        });
      }),
  };
}

/** Runs trial 6 on the mix. */
export async function exportTrial(ctx: BenchContext): Promise<Table[]> {
  const input = ctx.input('mix');
  const subset = ctx.quick ? 10_000 : 50_000;
  const small = ctx.input('mix', subset);
  const t = newTable({
    trial: 'export',
    title: '6. export: a file into ClickHouse',
    input: describeInput(input),
    columns: [
      { key: 'rowsPerSecond', heading: 'rows/s', format: si },
      { key: 'cpuNsPerRow', heading: 'CPU ns/row', format: (v) => v.toFixed(0) },
      { key: 'serverCpuNsPerRow', heading: 'server CPU ns/row', format: (v) => v.toFixed(0) },
      { key: 'wireBytesPerRow', heading: 'bytes/row sent', format: (v) => v.toFixed(0) },
    ],
    throughput: true,
    reference: PKTKIT_PACKETS,
  });
  const why = CLICKHOUSE_SERVER ? undefined : 'clickhouse-server is not installed (scripts/prepare-host.sh)';
  const dumps = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-bench-export-'));
  try {
    await runAsyncTable(
      ctx,
      t,
      [pktkit('packets', input), pktkit('flows', input), ceiling(input, dumps), tsharkEk(small, subset)],
      why,
      async (fn) => {
        const s = await startClickHouse();
        try {
          await fn(s);
        } finally {
          await s.stop();
        }
      },
    );
  } finally {
    fs.rmSync(dumps, { recursive: true, force: true });
  }
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
  t.notes.push(
    'Timed from openFile until the server acknowledged the last insert (pktkit), or the whole pipeline (tshark, on a subset, scaled per packet). ' +
      'bytes/row sent: Native-format bytes in the inserts (pktkit), JSON bytes into clickhouse-client (tshark; it then sends them in its native format). ' +
      'The tshark pipeline stores one column (the timestamp); pktkit 24 columns per packet plus the flow rows. ' +
      `CPU ns/row: the sender's (pktkit's process; clickhouse-client's for its row; the tshark pipeline's processes); server CPU ns/row: clickhouse-server's, all threads, during the run. ` +
      "The clickhouse-client row is the server taking the same rows from clickhouse-client alone (its native TCP protocol, LZ4-compressed blocks, the rows in the dump's order, which the server sorts again): the server's cost for a C++ sender that does not sort; pktkit's blocks, already in the table's order, can cost the server less.",
  );
  t.notes.push(
    targetNote('pktkit packets+flows vs the tshark pipeline', ours && tshark ? ours / tshark : undefined, 10, '×'),
  );
  t.notes.push(targetNote('packet rows/s', ours, 1e6, ' rows/s'));
  return [t];
}
