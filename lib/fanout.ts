/**
 * One interface spread over N worker threads: each worker opens its own
 * AF_PACKET ring in one PACKET_FANOUT group, so the kernel hands each packet to
 * exactly one of them (by flow hash by default: a flow stays on one worker).
 * Each worker runs a function of yours over its capture; stats are summed.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CaptureStats, FanoutMode, LiveOptions } from './capture';
import { argError } from './args';
import { PktkitError } from './errors';

/** Options of {@link openFanout}. */
export interface FanoutOptions extends Omit<LiveOptions, 'fanout' | 'signal' | 'engine'> {
  /** Worker threads, each with its own ring: 1..64. */
  workers: number;
  /**
   * Absolute path of a module whose default export runs in each worker:
   * `(capture, { worker, workers, data }) => result`. It reads the capture (which ends when
   * the fanout is closed) and returns a result that can be posted between threads.
   */
  module: string;
  /** How the kernel shares packets. Default `hash` (one flow, one worker). */
  mode?: FanoutMode;
  /** The fanout group id, 0..65535. Default: one derived from the process id. */
  group?: number;
  /** Handed to every worker's function (structured-cloned). */
  data?: unknown;
}

/** What {@link FanoutCapture.close} resolves to. */
export interface FanoutResult<T> {
  /** Each worker's return value, by worker index. */
  results: T[];
  /** The workers' counters, summed. */
  stats: CaptureStats;
  /** Each worker's counters. */
  perWorker: CaptureStats[];
}

/** The signature of a fanout worker module's default export. */
export type FanoutWorkerFunction<T = unknown> = (
  capture: import('./capture').Capture,
  info: { worker: number; workers: number; data: unknown },
) => Promise<T> | T;

interface WorkerMessage {
  type: 'ready' | 'stats' | 'done' | 'error';
  stats?: CaptureStats;
  result?: unknown;
  error?: { name: string; message: string; code?: string };
}

// Every counter at zero; its keys are the counters summed.
const NO_STATS: CaptureStats = {
  received: 0,
  delivered: 0,
  droppedByRing: 0,
  droppedByKernel: 0,
  droppedByInterface: 0,
  receivedByFilter: 0,
};
const STAT_KEYS = Object.keys(NO_STATS) as Array<keyof CaptureStats>;

function sum(all: CaptureStats[]): CaptureStats {
  const total = { ...NO_STATS };
  for (const s of all) for (const k of STAT_KEYS) total[k] += s[k];
  return total;
}

/** A running fanout: see {@link openFanout}. */
export class FanoutCapture<T = unknown> {
  /** Resolves when every worker's capture is open (packets sent before may be missed). */
  readonly ready: Promise<void>;
  readonly #workers: Worker[];
  readonly #done: Promise<FanoutResult<T>>;
  #pendingStats: Array<(s: CaptureStats) => void>[] = [];

  /** @internal use {@link openFanout} */
  constructor(device: string, options: FanoutOptions) {
    const { workers, module, mode = 'hash', group = process.pid & 0xffff, data, ...live } = options;
    const script = path.join(__dirname, `fanout-worker${path.extname(__filename)}`);
    this.#workers = [];
    const readies: Promise<void>[] = [];
    const dones: Promise<{ result: T; stats: CaptureStats }>[] = [];
    for (let index = 0; index < workers; index++) {
      const workerData = { device, options: live, group, mode, module, index, workers, data };
      // Run from the TypeScript sources (the tests), the worker needs tsx's require hook first.
      const worker = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData })
        : new Worker(script, { workerData });
      this.#workers.push(worker);
      this.#pendingStats.push([]);
      let readyResolve!: () => void;
      let fail!: (e: Error) => void;
      readies.push(new Promise<void>((resolve, reject) => ((readyResolve = resolve), (fail = reject))));
      dones.push(
        new Promise((resolve, reject) => {
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'ready') readyResolve();
            else if (m.type === 'stats') this.#pendingStats[index].shift()?.(m.stats as CaptureStats);
            else if (m.type === 'done') resolve({ result: m.result as T, stats: m.stats as CaptureStats });
            else if (m.type === 'error') {
              const err = new PktkitError(`fanout worker ${index}: ${m.error?.message}`, {
                code: m.error?.code ?? 'EWORKER',
              });
              fail(err);
              reject(err);
            }
          });
          worker.on('error', (e) => (fail(e), reject(e)));
          worker.on('exit', (code) => {
            const err = new PktkitError(`fanout worker ${index} exited (${code}) before it was done`, {
              code: 'EWORKER',
            });
            fail(err);
            reject(err);
          });
        }),
      );
    }
    this.ready = Promise.all(readies).then(() => undefined);
    this.#done = Promise.all(dones).then((all) => ({
      results: all.map((d) => d.result),
      perWorker: all.map((d) => d.stats),
      stats: sum(all.map((d) => d.stats)),
    }));
    // A failure surfaces through `ready` or `close()`, not as an unhandled rejection.
    this.ready.catch(() => undefined);
    this.#done.catch(() => undefined);
  }

  /** The workers' counters so far, summed. */
  async stats(): Promise<CaptureStats> {
    const all = await Promise.all(
      this.#workers.map(
        (w, i) =>
          new Promise<CaptureStats>((resolve) => {
            this.#pendingStats[i].push(resolve);
            w.postMessage({ type: 'stats' });
          }),
      ),
    );
    return sum(all);
  }

  /** Closes every worker's capture and resolves with their results and counters. */
  async close(): Promise<FanoutResult<T>> {
    for (const w of this.#workers) w.postMessage({ type: 'close' });
    try {
      return await this.#done;
    } finally {
      await Promise.all(this.#workers.map((w) => w.terminate()));
    }
  }
}

/**
 * Captures on `device` with `workers` threads in one PACKET_FANOUT group (AF_PACKET only).
 * Await `ready` before traffic you must not miss; `close()` gives every worker's result.
 */
export function openFanout<T = unknown>(device: string, options: FanoutOptions): FanoutCapture<T> {
  if (typeof device !== 'string' || device === '') throw argError('an interface name', 'device', device);
  if (typeof options !== 'object' || options === null) throw argError('an options object', 'options', options);
  const { workers, module } = options;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw argError('an integer 1..64', 'workers', workers);
  }
  if (typeof module !== 'string' || !path.isAbsolute(module))
    throw argError('an absolute module path', 'module', module);
  return new FanoutCapture<T>(device, options);
}
