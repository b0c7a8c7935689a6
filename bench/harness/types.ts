/** The shapes shared by the trials, the drivers and the reports. */
import type { InputFile } from '../gen/generate';
import type { Spread } from './stats';

/** Names of the trials, in the order a full run does them. */
export const TRIAL_NAMES = ['dissect', 'file', 'peers', 'live', 'send', 'fanout', 'columns', 'export'] as const;
/** One of {@link TRIAL_NAMES}. */
export type TrialName = (typeof TRIAL_NAMES)[number];

/** What one run of one driver measured: named numbers (packets, seconds, bytes, and any extras). */
export type Metrics = Record<string, number>;

/** Everything a driver may need to run. */
export interface BenchContext {
  /** The repository root. */
  root: string;
  /** Built helper programs and logs (bench/out, not committed). */
  outDir: string;
  /** Where generated inputs live (a temp dir). */
  dataDir: string;
  /** Runs per figure (at least 5). */
  runs: number;
  /** Smaller inputs for a fast look. */
  quick: boolean;
  /** Packets in each full input. */
  count: number;
  /** An input of `kind` holding the first `count` packets of the full one (same seed, so the same packets). */
  input(kind: 'mix' | 'min', count?: number): InputFile;
}

/** A way of doing a trial's work: pktkit's or a peer's. */
export interface Driver {
  /** Shown in the tables, e.g. `tcpdump -r -w /dev/null`. */
  name: string;
  /** Why this driver cannot run here, or undefined when it can. May build what it needs. */
  unavailable(ctx: BenchContext): string | undefined;
  /** Packets of the input this driver runs on (a subset for slow peers; results are per packet, so they scale). */
  subset?(ctx: BenchContext): number | undefined;
  /** One run, in a fresh child process. Throws when the run failed. */
  run(ctx: BenchContext, input: InputFile): Metrics;
}

/** One driver's line of a table. */
export interface Row {
  driver: string;
  /** Set when the driver did not run. */
  skipped?: string;
  /** Per metric, its summary over the runs. */
  metrics: Record<string, Spread>;
  /** Every run's own figures, kept for bench/out/results.json. */
  runs?: Metrics[];
  /** Packets per run, when the driver ran on a subset. */
  subset?: number;
  /** Ratio of the reference driver's packets/s to this one's. */
  ratio?: number;
}

/** One table of results. */
export interface Table {
  trial: TrialName;
  title: string;
  /** The input's description (kind, packets, mean size). */
  input: string;
  /** Columns beyond the throughput ones: [metric key, heading, unit formatter]. */
  columns: Array<{ key: string; heading: string; format: (v: number) => string }>;
  /** Whether the packets/s, ns/packet, MB/s and ratio columns apply. */
  throughput: boolean;
  /** The driver the ratios are taken against. */
  reference?: string;
  rows: Row[];
  /** Lines printed under the table: how it was measured, targets and whether they were met. */
  notes: string[];
}
