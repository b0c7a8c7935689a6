/**
 * pktkit into ClickHouse, the public API only: openFile + ClickHouseSink.addBatch
 * (one native call per batch: flow table and staged rows, Native blocks; inserts through @clickhouse/client), timed from openFile until
 * the server acknowledged the last batch.
 *   node bench/child/pktkit-export.ts packets|flows FILE URL
 * MODE packets: a row per packet and per flow; flows: flow rows only.
 */
import { openFile } from '../../lib/capture';
import { ClickHouseSink } from '../../lib/clickhouse/sink';
import { report, since } from './report';

async function main(mode: string, file: string, url: string): Promise<void> {
  if (!['packets', 'flows'].includes(mode) || !file || !url)
    throw new Error('usage: pktkit-export.ts packets|flows FILE URL');
  const sink = await ClickHouseSink.open(url, { packets: mode === 'packets', sensor: 'bench' });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let packets = 0;
  let bytes = 0;
  for await (const batch of openFile(file).batches()) {
    packets += batch.count;
    bytes += (batch.column('frame.cap_len') as Uint32Array).reduce((n, v) => n + v, 0);
    sink.addBatch(batch);
    if (sink.full) await sink.ready();
  }
  const st = await sink.close();
  const seconds = since(t0);
  const cpu = process.cpuUsage(cpu0);
  const rows = st.packetRowsSent + st.flowRowsSent;
  report({
    packets,
    bytes,
    seconds,
    rows,
    flows: st.flows,
    rowsPerSecond: rows / seconds,
    wireBytes: st.bytesSent,
    wireBytesPerRow: st.bytesSent / rows,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpuNsPerRow: ((cpu.user + cpu.system) * 1000) / rows,
    peakRssKb: process.resourceUsage().maxRSS,
  });
}

main(process.argv[2]!, process.argv[3]!, process.argv[4]!).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
