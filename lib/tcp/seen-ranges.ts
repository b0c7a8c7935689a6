/**
 * The sequence space one direction of a connection has sent, as disjoint
 * sorted [start, end) ranges on the unwrapped line: what tells a
 * retransmission (bytes seen before) from an out-of-order segment (bytes
 * that filled a hole).
 *
 * Bounded, because the segments are hostile: a sender that scatters its
 * sequence numbers would otherwise leave one range per segment, and a search
 * through all of them per segment is quadratic in the capture's length. Past
 * {@link MAX_SEEN_RANGES} holes the two lowest ranges merge: the oldest hole
 * is taken as seen, so a segment that fills it late is called a
 * retransmission rather than out-of-order. Lookups are binary searches.
 */
import { firstNotBefore } from './sorted-search';

/** Holes kept per direction; a live connection rarely has more than a few dozen at once. */
export const MAX_SEEN_RANGES = 64;

export class SeenRanges {
  /** Range i is [starts[i], ends[i]); sorted, disjoint, not touching. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Ranges held now (at most {@link MAX_SEEN_RANGES}). */
  get size(): number {
    return this.starts.length;
  }

  /** Records [start, end) as seen, merging the ranges it touches or overlaps. */
  add(start: number, end: number): void {
    if (end <= start) return;
    // The first range that ends at or after `start`: everything before it stays.
    const i = this.firstEndingFrom(start);
    let j = i;
    while (j < this.starts.length && this.starts[j]! <= end) {
      start = Math.min(start, this.starts[j]!);
      end = Math.max(end, this.ends[j]!);
      j++;
    }
    this.starts.splice(i, j - i, start);
    this.ends.splice(i, j - i, end);
    if (this.starts.length > MAX_SEEN_RANGES) {
      this.starts.splice(1, 1);
      this.ends.splice(0, 1);
    }
  }

  /** Whether [start, end) lies wholly inside one seen range. */
  covers(start: number, end: number): boolean {
    const i = this.firstEndingFrom(start);
    return i < this.starts.length && this.starts[i]! <= start && end <= this.ends[i]!;
  }

  /** Index of the first range whose end is ≥ pos (the length when none is). */
  private firstEndingFrom(pos: number): number {
    return firstNotBefore(this.ends.length, (i) => this.ends[i]! < pos);
  }
}
