/**
 * `npm run bench [trial ...] [--quick] [--runs N] [--count N] [--seed S] [--data DIR]`
 *
 * Prints the machine, then per trial one line per driver; writes
 * bench/RESULTS.md and bench/results.svg (the chart of the main table);
 * --quick writes bench/out/RESULTS-quick.md instead.
 * Trials: dissect, file, peers, live, send, fanout, columns, export (default: all). Each driver run is a
 * fresh child process; each figure is the median of ≥ 5 runs with min–max.
 * Nothing here asserts a target: targets are reported as met or missed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SEED, generate, type InputFile } from './gen/generate';
import { describeMachine } from './harness/machine';
import { TRIAL_NAMES, type BenchContext, type Table, type TrialName } from './harness/types';
import { resultsMarkdown } from './report/markdown';
import { svgChart } from './report/svg-chart';
import { columnsTrial } from './trials/columns-sum';
import { dissectTrial } from './trials/dissect';
import { fanoutTrial } from './trials/fanout';
import { fileTrial } from './trials/file';
import { describeInput } from './trials/inputs';
import { liveTrial } from './trials/live';
import { peersTrial } from './trials/peers';
import { sendTrial } from './trials/send';
import { exportTrial } from './trials/export';

interface Args {
  trials: TrialName[];
  quick: boolean;
  runs: number;
  count?: number;
  seed: number;
  data: string;
}

function usage(msg: string): never {
  console.error(
    `${msg}\nusage: npm run bench -- [${TRIAL_NAMES.join('|')} ...] [--quick] [--runs N≥5] [--count N] [--seed S] [--data DIR]`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    trials: [],
    quick: false,
    runs: 5,
    seed: DEFAULT_SEED,
    data: path.join(os.tmpdir(), 'pktkit-bench'),
  };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    const value = (): string => argv[++i] ?? usage(`${s} needs a value`);
    if (s === '--quick') a.quick = true;
    else if (s === '--runs') a.runs = Number(value());
    else if (s === '--count') a.count = Number(value());
    else if (s === '--seed') a.seed = Number(value());
    else if (s === '--data') a.data = value();
    else if ((TRIAL_NAMES as readonly string[]).includes(s)) a.trials.push(s as TrialName);
    else usage(`unknown argument: ${s}`);
  }
  if (!Number.isInteger(a.runs) || a.runs < 5) usage(`Expected an integer ≥ 5 for --runs but received ${a.runs}`);
  if (a.count !== undefined && (!Number.isInteger(a.count) || a.count < 1000))
    usage(`Expected an integer ≥ 1000 for --count but received ${a.count}`);
  if (!Number.isInteger(a.seed)) usage(`Expected an integer for --seed but received ${a.seed}`);
  a.trials = a.trials.length === 0 ? [...TRIAL_NAMES] : TRIAL_NAMES.filter((t) => a.trials.includes(t));
  return a;
}

const TRIALS: Record<TrialName, (ctx: BenchContext) => Table[] | Promise<Table[]>> = {
  dissect: dissectTrial,
  file: fileTrial,
  peers: peersTrial,
  live: liveTrial,
  send: sendTrial,
  fanout: fanoutTrial,
  columns: columnsTrial,
  export: exportTrial,
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = path.join(__dirname, '..');
  const started = Date.now();
  const count = args.count ?? (args.quick ? 100_000 : 1_000_000);
  const inputs = new Map<string, InputFile>();
  const ctx: BenchContext = {
    root,
    outDir: path.join(root, 'bench', 'out'),
    dataDir: args.data,
    runs: args.runs,
    quick: args.quick,
    count,
    input(kind, n = count) {
      const key = `${kind}/${n}`;
      let f = inputs.get(key);
      if (!f) {
        f = generate({ outDir: args.data, count: n, kind, seed: args.seed });
        if (f.seconds > 0 && n >= 10_000)
          console.log(`(generated ${describeInput(f)} in ${f.seconds.toFixed(1)} s → ${f.path})`);
        inputs.set(key, f);
      }
      return f;
    },
  };
  fs.mkdirSync(ctx.outDir, { recursive: true });

  const machine = describeMachine(root);
  console.log('pktkit benchmark');
  for (const [k, v] of machine) console.log(`  ${k.padEnd(13)} ${v}`);
  console.log(`  runs          ${args.runs} per figure, each in a fresh process${args.quick ? ' (quick)' : ''}`);

  const tables: Table[] = [];
  for (const name of args.trials) tables.push(...(await TRIALS[name](ctx)));

  for (const t of tables) {
    if (t.notes.length === 0) continue;
    console.log(`\n${t.title} (${t.input})`);
    for (const n of t.notes) console.log(`  - ${n}`);
  }

  // A quick run's figures are not for comparison: they go to bench/out, leaving the committed results alone.
  const reportDir = args.quick ? ctx.outDir : path.join(root, 'bench');
  const mdFile = args.quick ? 'RESULTS-quick.md' : 'RESULTS.md';
  const main = tables.find((t) => t.trial === 'peers') ?? tables.find((t) => t.trial === 'file');
  const chartFile = args.quick ? 'results-quick.svg' : 'results.svg';
  const svg = main ? svgChart(main, `${main.input}; ${machine[0][1]}, Node ${process.version}`) : undefined;
  if (svg) fs.writeFileSync(path.join(reportDir, chartFile), svg);
  const md = resultsMarkdown(machine, tables, {
    date: new Date(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    runs: args.runs,
    quick: args.quick,
    seed: args.seed,
    chart: svg ? chartFile : undefined,
    seconds: (Date.now() - started) / 1000,
    inputs: [...inputs.values()].sort((a, b) => a.kind.localeCompare(b.kind) || b.count - a.count),
  });
  fs.writeFileSync(path.join(reportDir, mdFile), md);
  // Every run's figures, for whoever wants more than median and min–max.
  fs.writeFileSync(
    path.join(ctx.outDir, args.quick ? 'results-quick.json' : 'results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine, args, tables }, null, 1)}\n`,
  );
  const rel = path.relative(root, reportDir);
  console.log(
    `\nwrote ${rel}/${mdFile}${svg ? ` and ${rel}/${chartFile}` : ''} (${Math.round((Date.now() - started) / 1000)} s)`,
  );
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? String(err));
  process.exit(1);
});
