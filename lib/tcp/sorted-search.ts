/**
 * The binary search both range lists of the TCP analysis use (seen-ranges.ts,
 * reassembly.ts): over indexes 0..length whose `before` test holds for a
 * prefix and fails after it, the first index where it fails (length when it
 * never does).
 */
export function firstNotBefore(length: number, before: (index: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
