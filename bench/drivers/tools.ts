/**
 * Command-line peers timed from outside: tcpdump and tshark. Their time is the
 * process's wall time (and CPU time, from GNU time) minus its start-up,
 * measured as the same command on a one-packet file (median of 3), so a
 * subset's figure scales per packet.
 */
import type { InputFile } from '../gen/generate';
import { runProcess } from '../harness/child';
import { median } from '../harness/stats';
import type { BenchContext, Driver, Metrics } from '../harness/types';
import { hasCommand } from './build';

interface ToolSpec {
  name: string;
  cmd: string;
  args: (file: string) => string[];
  /** Packets of the input when the tool is too slow for the full one. */
  subset?: (ctx: BenchContext) => number;
}

const startups = new Map<string, { wall: number; cpu: number }>();

function startup(ctx: BenchContext, spec: ToolSpec, kind: InputFile['kind']): { wall: number; cpu: number } {
  const key = `${spec.name}/${kind}`;
  let s = startups.get(key);
  if (s === undefined) {
    const one = ctx.input(kind, 1);
    const runs = [0, 1, 2].map(() => runProcess(spec.cmd, spec.args(one.path), { discardStdout: true }));
    s = { wall: median(runs.map((r) => r.wallSeconds)), cpu: median(runs.map((r) => r.cpuSeconds ?? NaN)) };
    startups.set(key, s);
  }
  return s;
}

function tool(spec: ToolSpec): Driver {
  return {
    name: spec.name,
    unavailable: () => (hasCommand(spec.cmd) ? undefined : `${spec.cmd} is not installed`),
    subset: spec.subset,
    run: (ctx, input): Metrics => {
      const start = startup(ctx, spec, input.kind);
      const o = runProcess(spec.cmd, spec.args(input.path), { discardStdout: true });
      return {
        packets: input.count,
        bytes: input.frameBytes,
        seconds: Math.max(o.wallSeconds - start.wall, 1e-6),
        cpuSeconds: Math.max((o.cpuSeconds ?? NaN) - start.cpu, 0),
        wallSeconds: o.wallSeconds,
        startupSeconds: start.wall,
        processCpuSeconds: o.cpuSeconds ?? NaN,
        maxRssKb: o.maxRssKb ?? NaN,
      };
    },
  };
}

/** tcpdump reading and writing nothing: libpcap's read path plus tcpdump's own loop. */
export const tcpdumpWrite = tool({
  name: 'tcpdump -r -w /dev/null',
  cmd: 'tcpdump',
  args: (f) => ['-r', f, '-w', '/dev/null'],
});

/** tcpdump decoding and printing every packet (output discarded); -nn: no name lookups. */
export const tcpdumpPrint = tool({ name: 'tcpdump -nn -r > /dev/null', cmd: 'tcpdump', args: (f) => ['-nn', '-r', f] });

/** tshark's full dissection and summary line per packet, on a subset; -n: no name lookups. */
export const tshark = tool({
  name: 'tshark -n -r > /dev/null',
  cmd: 'tshark',
  args: (f) => ['-n', '-r', f],
  subset: (ctx) => (ctx.quick ? 10_000 : 50_000),
});
