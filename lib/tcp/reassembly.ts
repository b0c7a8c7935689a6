/**
 * Reassembly of one direction of a TCP stream (RFC 793 section 3.3 sequence
 * space: SYN and FIN each take one number, data bytes one each).
 *
 * Segments may come in any order, repeat, or overlap. Bytes are delivered in
 * stream order as soon as they are contiguous; for overlapping bytes the first
 * copy that arrived wins (what the receiving stack kept), and a later copy that
 * disagrees is counted as a conflict. Without a SYN the stream start is not
 * known, so nothing is delivered until {@link StreamReassembler.finish}, which
 * then starts at the lowest sequence number seen.
 *
 * At most {@link MAX_HELD_RANGES} ranges and {@link MAX_HELD_BYTES} bytes wait
 * behind holes. Past either, the first hole is given up, reported as missing,
 * and delivery goes on after it, as if the capture had lost that segment: what
 * a sender that scatters its sequence numbers can cost is bounded, per segment
 * and in all.
 */
import { type TcpSegment, TcpFlag, segmentLength } from './segment';
import { SeqUnwrapper } from './seq';
import { firstNotBefore } from './sorted-search';

/**
 * Held ranges before the first hole is given up. A real receive window (Linux
 * allows up to 6 MiB) holds about 4,300 full-size segments behind one loss.
 */
export const MAX_HELD_RANGES = 8192;

/** Bytes held behind holes before the first hole is given up: a few times the largest common receive window. */
export const MAX_HELD_BYTES = 16 << 20;

/** A run of stream bytes handed out in order. */
export interface ReassembledChunk {
  /** Offset of the first byte in the stream (0 = first byte after the SYN, or the lowest byte seen without one). */
  offset: number;
  /** The bytes. */
  data: Uint8Array;
  /** Bytes the capture never saw just before this chunk (0 when contiguous). */
  missingBefore: number;
  /** Capture time of the segment that made these bytes deliverable. */
  timestamp: number;
}

/** What the reassembler saw, for summaries and tests. */
export interface ReassemblyStats {
  /** Segments given to {@link StreamReassembler.add}. */
  segments: number;
  /** Payload bytes that repeated bytes already held or delivered. */
  duplicateBytes: number;
  /** Repeated bytes whose value differed from the first copy (detectable while that copy is still held). */
  conflictingBytes: number;
  /** Segments that arrived ahead of a hole. */
  outOfOrderSegments: number;
  /** Bytes delivered in order. */
  deliveredBytes: number;
  /** Bytes reported missing by {@link StreamReassembler.finish}. */
  missingBytes: number;
}

interface Pending {
  start: number;
  end: number;
  data: Uint8Array;
  timestamp: number;
}

/** Reassembles the bytes one side of a TCP connection sent. */
export class StreamReassembler {
  private unwrapper: SeqUnwrapper | undefined;
  /** Position of stream offset 0 on the unwrapped line, once known. */
  private origin: number | undefined;
  /** Next position to deliver, once the origin is known. */
  private next = 0;
  /** Disjoint held ranges, sorted by start. */
  private pending: Pending[] = [];
  /** Bytes in `pending`. */
  private heldBytes = 0;
  private finPos: number | undefined;
  private sawSyn = false;

  /** Counters of what was seen so far. */
  readonly stats: ReassemblyStats = {
    segments: 0,
    duplicateBytes: 0,
    conflictingBytes: 0,
    outOfOrderSegments: 0,
    deliveredBytes: 0,
    missingBytes: 0,
  };

  /** Whether a SYN fixed the stream start. */
  get synSeen(): boolean {
    return this.sawSyn;
  }

  /** Whether every byte up to the FIN has been delivered. */
  get complete(): boolean {
    return this.finPos !== undefined && this.origin !== undefined && this.next >= this.finPos;
  }

  /**
   * Takes one segment of this direction; returns the bytes that became
   * contiguous because of it (empty when it filled no hole or repeated data).
   */
  add(seg: TcpSegment): ReassembledChunk[] {
    this.stats.segments++;
    this.unwrapper ??= new SeqUnwrapper(seg.seq);
    let pos = this.unwrapper.unwrap(seg.seq);
    if (seg.flags & TcpFlag.SYN) {
      if (this.origin === undefined) {
        this.sawSyn = true;
        this.origin = pos + 1;
        this.next = this.origin;
        this.dropBefore(this.next);
      }
      pos += 1;
    }
    // Bytes past the snap length were never captured: the held range stops where the capture did.
    const data = seg.payload.subarray(0, Math.min(seg.payload.length, segmentLength(seg)));
    if (seg.flags & TcpFlag.FIN) this.finPos ??= pos + segmentLength(seg);
    if (data.length > 0) this.hold(pos, data, seg.timestamp);
    const out = this.origin === undefined ? [] : this.deliver(seg.timestamp);
    // Bounded, because segments are hostile: a sender that scatters its sequence numbers would
    // leave one held range per segment. Past the bound the first hole is skipped as finish()
    // skips it (without a SYN the stream then starts at the lowest byte held).
    while (this.pending.length > MAX_HELD_RANGES || this.heldBytes > MAX_HELD_BYTES) {
      if (this.origin === undefined) this.origin = this.next = this.pending[0]!.start;
      out.push(...this.skipHole());
    }
    return out;
  }

  /**
   * Ends the stream: delivers what is still held, reporting holes as
   * `missingBefore`. Without a SYN, the stream starts at the lowest byte seen.
   */
  finish(): ReassembledChunk[] {
    if (this.origin === undefined) {
      if (this.pending.length === 0) return [];
      this.origin = this.pending[0]!.start;
      this.next = this.origin;
    }
    const out: ReassembledChunk[] = [];
    while (this.pending.length > 0) out.push(...this.skipHole());
    return out;
  }

  /** Gives up the hole before the first held range: counts it missing and delivers what follows it. */
  private skipHole(): ReassembledChunk[] {
    const first = this.pending[0]!;
    const missing = first.start - this.next;
    this.stats.missingBytes += missing;
    this.next = first.start;
    const chunks = this.deliver(first.timestamp);
    if (chunks.length > 0) chunks[0]!.missingBefore += missing;
    return chunks;
  }

  /** Stream offset of the next byte expected (bytes delivered so far plus holes skipped). */
  get nextOffset(): number {
    return this.origin === undefined ? 0 : this.next - this.origin;
  }

  private hold(start: number, data: Uint8Array, timestamp: number): void {
    const end = start + data.length;
    // Already delivered bytes: a retransmission; compare nothing (they are gone), count them.
    if (this.origin !== undefined && start < this.next) {
      const cut = Math.min(end, this.next) - start;
      this.stats.duplicateBytes += cut;
      if (cut === data.length) return;
      data = data.subarray(cut);
      start += cut;
    }
    // Held ranges that reach `next` are delivered at once, so a start beyond it means a hole before.
    if (this.origin !== undefined && start > this.next) this.stats.outOfOrderSegments++;
    // Cut the new range around the held ones: the first copy of a byte wins.
    const pieces: Pending[] = [];
    let cursor = start;
    for (let k = this.firstEndingAfter(cursor); k < this.pending.length; k++) {
      const p = this.pending[k]!;
      if (p.start >= end) break;
      if (p.start > cursor) {
        pieces.push({ start: cursor, end: p.start, data: data.subarray(cursor - start, p.start - start), timestamp });
      }
      const ovStart = Math.max(cursor, p.start);
      const ovEnd = Math.min(end, p.end);
      this.stats.duplicateBytes += ovEnd - ovStart;
      for (let i = ovStart; i < ovEnd; i++) {
        if (data[i - start] !== p.data[i - p.start]) this.stats.conflictingBytes++;
      }
      cursor = ovEnd;
    }
    if (cursor < end) pieces.push({ start: cursor, end, data: data.subarray(cursor - start, end - start), timestamp });
    for (const piece of pieces) {
      // Copy: the caller's payload is typically a view into a capture ring that is reused.
      piece.data = new Uint8Array(piece.data); // (Buffer#slice would be a view)
      this.pending.splice(this.firstEndingAfter(piece.start), 0, piece);
      this.heldBytes += piece.end - piece.start;
    }
  }

  /** Index of the first held range that ends after `pos` (the count when none does). */
  private firstEndingAfter(pos: number): number {
    return firstNotBefore(this.pending.length, (i) => this.pending[i]!.end <= pos);
  }

  private dropBefore(pos: number): void {
    while (this.pending.length > 0 && this.pending[0]!.start < pos) {
      const p = this.pending[0]!;
      if (p.end <= pos) {
        this.pending.shift();
        this.heldBytes -= p.end - p.start;
      } else {
        this.heldBytes -= pos - p.start;
        p.data = p.data.subarray(pos - p.start);
        p.start = pos;
      }
    }
  }

  /** Hands out the held bytes contiguous with `next`, as one chunk (the caller adds any hole before it). */
  private deliver(timestamp: number): ReassembledChunk[] {
    const offset = this.next - this.origin!;
    const parts: Uint8Array[] = [];
    let taken = 0;
    for (; taken < this.pending.length && this.pending[taken]!.start <= this.next; taken++) {
      const p = this.pending[taken]!;
      this.heldBytes -= p.end - p.start;
      if (p.end <= this.next) continue;
      parts.push(p.data.subarray(this.next - p.start));
      this.next = p.end;
    }
    // shift() trims the array in place; splice() from the front moves every element.
    if (taken === 1) this.pending.shift();
    else if (taken > 1) this.pending.splice(0, taken);
    if (parts.length === 0) return [];
    // Joined once: a hole filled late may free thousands of held ranges at a time.
    const data = parts.length === 1 ? parts[0]! : concat(parts);
    this.stats.deliveredBytes += data.length;
    return [{ offset, data, missingBefore: 0, timestamp }];
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
