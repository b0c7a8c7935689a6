/**
 * Trial 6, fanout: openFanout on the receiving end of the benchmark's veth
 * with 1 and then 2 worker threads (PACKET_FANOUT, hash), while the sendmmsg
 * sender offers the mix as fast as it can, pinned to CPU 0. The capturer is
 * not pinned: two workers need two CPUs. Reported: packets/s captured (over
 * the sender's time), lost, each worker's share, CPU of the capturing process.
 * Target: 2 workers capture ≥ 1.7× the packets/s of one at the rate where one
 * starts to drop (at top speed, when one worker drops there: above that rate).
 */
import type { InputFile } from '../gen/generate';
import { compileChildren, compiledChild } from '../harness/compile';
import { count, num, si } from '../harness/format';
import { cpuSecondsOf, namespacesUnavailable, stop, watch, withSilentPair, type NetPair } from '../harness/live-net';
import { runAsyncTable, type AsyncDriver } from '../harness/run-async-table';
import { newTable } from '../harness/run-table';
import type { BenchContext, Metrics, Row, Table } from '../harness/types';
import { addonMissing } from '../drivers/pktkit';
import { describeInput } from './inputs';
import { buildSender, sendmmsg } from './live';

const BUFFER_BYTES = 2 << 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function oneRun(ctx: BenchContext, net: NetPair, workers: number, input: InputFile): Promise<Metrics> {
  const child = net.spawn(
    net.nsB,
    process.execPath,
    [compiledChild(ctx, 'pktkit-fanout'), net.ifB, String(workers), String(BUFFER_BYTES)],
    { cwd: ctx.root },
  );
  const w = watch(child, /READY/);
  try {
    await w.ready;
    await sleep(300);
    const cpu0 = cpuSecondsOf(child.pid as number);
    const sent = await sendmmsg(ctx, net, input.path, input.count);
    await sleep(1500);
    const cpu = cpuSecondsOf(child.pid as number) - cpu0;
    await stop(child, 'SIGTERM');
    const line = w
      .out()
      .split('\n')
      .find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`pktkit-fanout printed no RESULT line: ${w.err().trim().slice(-200)}`);
    const m = JSON.parse(line.slice(7)) as Metrics;
    const shares: Metrics = {};
    for (let i = 0; i < workers; i++) shares[`share${i}`] = m.captured > 0 ? (100 * m[`worker${i}`]) / m.captured : NaN;
    return {
      ...m,
      ...shares,
      offered: sent.sent,
      offeredPps: sent.pps,
      sendSeconds: sent.seconds,
      lost: sent.sent - m.captured,
      capturedPps: m.captured / sent.seconds,
      cpuSeconds: cpu,
      cpuNsPerPacket: m.captured > 0 ? (cpu * 1e9) / m.captured : NaN,
    };
  } finally {
    await stop(child, 'SIGKILL');
  }
}

const COLUMNS: Table['columns'] = [
  { key: 'offeredPps', heading: 'offered pps', format: si },
  { key: 'capturedPps', heading: 'captured pps', format: si },
  { key: 'offered', heading: 'sent', format: count },
  { key: 'captured', heading: 'captured', format: count },
  { key: 'lost', heading: 'lost (sent − captured)', format: count },
  { key: 'kernelDrops', heading: 'kernel drops', format: count },
  { key: 'share0', heading: 'worker 0 %', format: (v) => v.toFixed(0) },
  { key: 'share1', heading: 'worker 1 %', format: (v) => v.toFixed(0) },
  { key: 'cpuSeconds', heading: 'CPU s', format: (v) => v.toFixed(2) },
  { key: 'cpuNsPerPacket', heading: 'CPU ns/packet', format: num },
];

const name = (workers: number): string => `pktkit openFanout, ${workers} worker${workers > 1 ? 's' : ''}`;

/** Runs trial 6. */
export async function fanoutTrial(ctx: BenchContext): Promise<Table[]> {
  const input = ctx.input('mix');
  const t = newTable({
    trial: 'fanout',
    title: '6. fanout: 1 vs 2 worker threads while sendmmsg sends the mix at top speed',
    input: describeInput(input),
    columns: COLUMNS,
    throughput: false,
  });
  const why = namespacesUnavailable() ?? buildSender(ctx);
  const drivers = [1, 2].map((n): AsyncDriver<NetPair> => ({
    name: name(n),
    unavailable: (c) => addonMissing(c) ?? compileChildren(c),
    run: (_ctx, net) => oneRun(ctx, net, n, input),
  }));
  await runAsyncTable(ctx, t, drivers, why, withSilentPair);
  t.notes.push(
    `Each run: ${count(input.count)} frames from the sendmmsg sender (pinned to CPU 0) once every worker's ring is open; ` +
      `each worker has its own ${BUFFER_BYTES >> 20} MiB ring (so 2 workers have twice the buffer); the capturer is not pinned. ` +
      "Captured pps = packets captured / the sender's time. On a 2-core machine the sender and the kernel's receive path " +
      'take one CPU, which leaves the two workers about one between them.',
  );
  const row = (n: number): Row | undefined => t.rows.find((r) => r.driver === name(n) && !r.skipped);
  const one = row(1)?.metrics;
  const two = row(2)?.metrics;
  const goal = 'target 2 workers ≥ 1.7× the packets/s of one where one drops';
  if (!one?.capturedPps || !two?.capturedPps) t.notes.push(`${goal}: not measured here`);
  else {
    const ratio = two.capturedPps.median / one.capturedPps.median;
    const figures =
      `1 worker ${si(one.capturedPps.median)} pps lost ${count(one.lost.median)}, ` +
      `2 workers ${si(two.capturedPps.median)} pps lost ${count(two.lost.median)}, offered ${si(one.offeredPps.median)} pps; ratio ${ratio.toFixed(2)}×`;
    if (one.lost.median <= 0)
      t.notes.push(`${goal}: not decided: one worker lost nothing at the sender's top speed (${figures})`);
    else if (ratio < 1.7 && two.lost.median <= 0) {
      // Two workers took all that was offered: their capacity is above the offered rate, which is then the limit.
      t.notes.push(
        `${goal}: not decided: 2 workers captured all that the sender offered, so the sender is the limit; ` +
          `showing 1.7× needs ${si(1.7 * one.capturedPps.median)} pps offered, which this machine's sender did not reach ` +
          `while the workers shared its CPUs (${figures})`,
      );
    } else t.notes.push(`${goal}: ${ratio >= 1.7 ? 'met' : 'MISSED'} (${figures})`);
  }
  return [t];
}
