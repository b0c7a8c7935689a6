/** The child side of the protocol: one `RESULT {json}` line on stdout, and GC counting. */
import { PerformanceObserver } from 'node:perf_hooks';

/** Prints the result line the parent parses. */
export function report(metrics: Record<string, number>): void {
  process.stdout.write(`RESULT ${JSON.stringify(metrics)}\n`);
}

/** Counts garbage collections (and their pause time) from when it is created. */
export class GcCounter {
  count = 0;
  ms = 0;
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.count++;
      this.ms += e.duration;
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops counting; entries still queued are taken first. */
  stop(): void {
    for (const e of this.observer.takeRecords()) {
      this.count++;
      this.ms += e.duration;
    }
    this.observer.disconnect();
  }
}

/** Runs a full collection when Node was started with --expose-gc, so heap figures show what is retained. */
export function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Seconds elapsed since `t0` (from process.hrtime.bigint()). */
export function since(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
