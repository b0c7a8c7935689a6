/** Summaries of repeated runs: the median with its min–max, and the relative error. */

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Two-sided 95% Student t quantiles for 1..30 degrees of freedom (beyond: 1.96). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * Relative margin of error of the mean at 95%, in percent (what benchmark.js
 * prints as ±rme): t · s/√n / mean.
 */
export function rme(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const t = T95[n - 2] ?? 1.96;
  return mean === 0 ? 0 : (100 * t * Math.sqrt(variance / n)) / mean;
}

/** Median, extremes and relative error of one metric over the runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rme: number;
  runs: number;
}

/** Summarizes one metric over the runs. */
export function spread(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), rme: rme(xs), runs: xs.length };
}
