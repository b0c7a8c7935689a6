/**
 * Trial 5, send: pktkit's sendpfast and tcpreplay --topspeed send the same
 * frames from one end of the benchmark's veth; tcpdump on the other end counts
 * what arrived. Target: sendpfast ≥ tcpreplay's packets/s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InputFile } from '../gen/generate';
import { hasCommand } from '../drivers/build';
import { addonMissing } from '../drivers/pktkit';
import { compileChildren, compiledChild } from '../harness/compile';
import { count, num, si } from '../harness/format';
import { namespacesUnavailable, parseTcpreplay, stop, watch, withSilentPair, type NetPair } from '../harness/live-net';
import { runAsyncTable, type AsyncDriver } from '../harness/run-async-table';
import { newTable } from '../harness/run-table';
import type { BenchContext, Metrics, Table } from '../harness/types';
import { describeInput } from './inputs';

interface Sender {
  name: string;
  unavailable(ctx: BenchContext): string | undefined;
  /** Sends `input` once from nsA; returns what the sender itself reports (sent, seconds, pps). */
  send(ctx: BenchContext, net: NetPair, input: InputFile): Promise<Metrics>;
}

const TCPREPLAY: Sender = {
  name: 'tcpreplay --topspeed',
  unavailable: () => (hasCommand('tcpreplay') ? undefined : 'tcpreplay is not installed'),
  send: async (_ctx, net, input) => {
    const r = await net.execOk(net.nsA, 'tcpreplay', ['--topspeed', '-i', net.ifA, input.path], { timeoutMs: 300_000 });
    const p = parseTcpreplay(r.stdout);
    return { sent: p.sent, seconds: p.seconds, pps: p.pps, failed: p.failed };
  },
};

const SENDPFAST: Sender = {
  name: 'pktkit sendpfast',
  unavailable: (ctx) => {
    const index = path.join(ctx.root, 'lib', 'index.ts');
    const missing = addonMissing(ctx);
    if (missing) return missing;
    return /\bsendpfast\b/.test(fs.readFileSync(index, 'utf8')) &&
      fs.existsSync(path.join(ctx.root, 'lib', 'send', 'send.ts'))
      ? compileChildren(ctx)
      : 'pktkit has no sendpfast yet (lib/send/send.ts)';
  },
  send: async (ctx, net, input) => {
    const r = await net.execOk(
      net.nsA,
      process.execPath,
      [compiledChild(ctx, 'pktkit-send'), net.ifA, input.path, String(input.count)],
      { timeoutMs: 300_000, cwd: ctx.root },
    );
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error('pktkit-send printed no RESULT line');
    return JSON.parse(line.slice(7)) as Metrics;
  },
};

async function oneRun(ctx: BenchContext, net: NetPair, s: Sender, input: InputFile): Promise<Metrics> {
  const counter = net.spawn(net.nsB, 'tcpdump', ['-n', '-i', net.ifB, '-B', '8192', '-w', '/dev/null']);
  const w = watch(counter, /listening on/);
  try {
    await w.ready;
    await new Promise((r) => setTimeout(r, 300));
    const m = await s.send(ctx, net, input);
    await new Promise((r) => setTimeout(r, 1500));
    await stop(counter, 'SIGINT');
    const captured = Number(/(\d+) packets? captured/.exec(w.err())?.[1] ?? NaN);
    const kernelDrops = Number(/(\d+) packets? dropped by kernel/.exec(w.err())?.[1] ?? NaN);
    return {
      ...m,
      arrived: captured + kernelDrops,
      counterDrops: kernelDrops,
      arrivedPps: (captured + kernelDrops) / m.seconds,
    };
  } finally {
    await stop(counter, 'SIGKILL');
  }
}

const COLUMNS: Table['columns'] = [
  { key: 'pps', heading: 'sent pps', format: si },
  { key: 'callPps', heading: 'pps incl. preparation', format: si },
  { key: 'sent', heading: 'sent', format: count },
  { key: 'arrived', heading: 'arrived', format: count },
  { key: 'arrivedPps', heading: 'arrived pps', format: si },
  { key: 'counterDrops', heading: 'counter drops', format: count },
];

/** Packets each send run offers. */
function sendCount(ctx: BenchContext): number {
  return Math.min(ctx.count, ctx.quick ? 50_000 : 200_000);
}

/** Runs trial 5. */
export async function sendTrial(ctx: BenchContext): Promise<Table[]> {
  const input = ctx.input('mix', sendCount(ctx));
  const t = newTable({
    trial: 'send',
    title: '5. send: the same frames from one end of the veth, counted at the other',
    input: describeInput(input),
    columns: COLUMNS,
    throughput: false,
  });
  const nsWhy = namespacesUnavailable() ?? (hasCommand('tcpdump') ? undefined : 'tcpdump is not installed');
  const drivers = [SENDPFAST, TCPREPLAY].map((s): AsyncDriver<NetPair> => ({
    name: s.name,
    unavailable: s.unavailable,
    run: (_ctx, net) => oneRun(ctx, net, s, input),
  }));
  await runAsyncTable(ctx, t, drivers, nsWhy, withSilentPair);
  t.notes.push(
    'The receiving tcpdump counts arrivals (captured + its own kernel drops) with an 8 MiB buffer; sent pps is the ' +
      "sender's own figure from its first to its last send (tcpreplay's Rated line; sendpfast's result), frames already in " +
      "memory for sendpfast; 'pps incl. preparation' times the whole sendpfast call, which also checks and parses every frame.",
  );
  const pf = t.rows.find((r) => r.driver === SENDPFAST.name && !r.skipped)?.metrics.pps?.median;
  const tr = t.rows.find((r) => r.driver === TCPREPLAY.name && !r.skipped)?.metrics.pps?.median;
  t.notes.push(
    pf !== undefined && tr !== undefined
      ? `target sendpfast ≥ tcpreplay pps: ${pf >= tr ? 'met' : 'MISSED'} (${num(pf)} vs ${num(tr)} packets/s)`
      : 'target sendpfast ≥ tcpreplay pps: not measured here',
  );
  return [t];
}
