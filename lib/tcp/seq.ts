/**
 * TCP sequence-number arithmetic (RFC 793 section 3.3, RFC 1982 serial numbers).
 * Sequence numbers wrap at 2^32; comparisons are only meaningful within half
 * the space, which is all TCP itself guarantees.
 */

const SPACE = 0x1_0000_0000;
const HALF = 0x8000_0000;

/** Signed distance `a - b` in sequence space, in [-2^31, 2^31). */
export function seqDiff(a: number, b: number): number {
  const d = (((a - b) % SPACE) + SPACE) % SPACE;
  return d >= HALF ? d - SPACE : d;
}

/** `seq + n` reduced to an unsigned 32-bit sequence number. */
export function seqAdd(seq: number, n: number): number {
  return (((seq + n) % SPACE) + SPACE) % SPACE;
}

/**
 * Maps 32-bit sequence numbers of one direction onto a line that does not wrap
 * (a float64 stays exact far beyond any stream length), so that ranges and
 * ordering can use plain `<`. Each number is placed nearest to the highest one
 * seen so far; that is correct while the stream never jumps by 2^31 or more.
 */
export class SeqUnwrapper {
  private refRaw: number;
  private refPos: number;

  /** `first` is placed at position `first` (so small streams keep their raw numbers). */
  constructor(first: number) {
    this.refRaw = first >>> 0;
    this.refPos = first >>> 0;
  }

  /** Position of `seq` on the unwrapped line; advances the reference when `seq` is ahead. */
  unwrap(seq: number): number {
    const pos = this.refPos + seqDiff(seq >>> 0, this.refRaw);
    if (pos > this.refPos) {
      this.refPos = pos;
      this.refRaw = seq >>> 0;
    }
    return pos;
  }

  /** Like {@link unwrap} but never moves the reference (for numbers the peer only mentions, such as acks). */
  peek(seq: number): number {
    return this.refPos + seqDiff(seq >>> 0, this.refRaw);
  }
}
