import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationTracker } from '../../lib/tcp/conversations';
import { MAX_SEEN_RANGES, SeenRanges } from '../../lib/tcp/seen-ranges';
import { type TcpSegment, TcpFlag } from '../../lib/tcp/segment';
import { segmentWith } from './tcp-script';

/** A byte-by-byte model of the same set, for spans small enough to enumerate. */
class ByteModel {
  readonly seen = new Set<number>();
  add(start: number, end: number): void {
    for (let p = start; p < end; p++) this.seen.add(p);
  }
  covers(start: number, end: number): boolean {
    for (let p = start; p < end; p++) if (!this.seen.has(p)) return false;
    return true;
  }
  /** Disjoint, non-touching runs of seen bytes. */
  runs(): number {
    let n = 0;
    for (const p of this.seen) if (!this.seen.has(p - 1)) n++;
    return n;
  }
}

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
}

test('seen ranges: agree with a byte model while the holes stay under the bound', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rnd = lcg(seed);
    const ranges = new SeenRanges();
    const model = new ByteModel();
    for (let i = 0; i < 60; i++) {
      const start = rnd() % 2000;
      const end = start + (rnd() % 40);
      ranges.add(start, end);
      model.add(start, end);
      assert.ok(model.runs() <= MAX_SEEN_RANGES, 'the test stays inside the exact regime');
      assert.equal(ranges.size, model.runs(), `seed ${seed}, step ${i}: one range per run of seen bytes`);
      for (let k = 0; k < 20; k++) {
        const s = rnd() % 2100;
        const e = s + 1 + (rnd() % 30);
        assert.equal(ranges.covers(s, e), model.covers(s, e), `seed ${seed}: covers(${s}, ${e})`);
      }
    }
  }
});

test('seen ranges: scattered segments never hold more than the bound, and the oldest holes merge first', () => {
  const ranges = new SeenRanges();
  const rnd = lcg(7);
  for (let i = 0; i < 20_000; i++) {
    const start = rnd() % 4_000_000_000;
    ranges.add(start, start + 100);
    assert.ok(ranges.size <= MAX_SEEN_RANGES);
  }
  assert.equal(ranges.size, MAX_SEEN_RANGES);

  // Ascending ranges with a hole after each: the lowest holes are the ones given up.
  const ordered = new SeenRanges();
  const n = MAX_SEEN_RANGES + 10;
  for (let i = 0; i < n; i++) ordered.add(i * 100, i * 100 + 50);
  assert.equal(ordered.size, MAX_SEEN_RANGES);
  assert.equal(ordered.covers(50, 100), true, 'the first hole merged into the range below it');
  assert.equal(ordered.covers(9 * 100 + 50, 10 * 100), true, 'and so on to the tenth: one per range past the bound');
  assert.equal(ordered.covers(10 * 100 + 50, 11 * 100), false, 'the eleventh is still a hole');
  assert.equal(ordered.covers((n - 1) * 100 + 50, n * 100), false, 'beyond the last range nothing is seen');
});

function segment(seq: number, payload: number, flags = TcpFlag.ACK | TcpFlag.PSH): TcpSegment {
  return segmentWith({ seq: seq >>> 0, flags, payload: new Uint8Array(payload) });
}

test('conversations: a sender that scatters its sequence numbers keeps recent holes exact', () => {
  const tracker = new ConversationTracker();
  tracker.add(segment(1000, 0, TcpFlag.SYN));
  // 500 segments of 10 bytes, each 10 bytes past the last one's end: 500 holes.
  for (let i = 0; i < 500; i++) assert.equal(tracker.add(segment(1001 + i * 20, 10)).label, 'data');
  const last = 1001 + 499 * 20;
  assert.equal(tracker.add(segment(last, 10)).label, 'retransmission', 'the newest bytes were seen');
  assert.equal(tracker.add(segment(last - 10, 10)).label, 'out-of-order', 'a recent hole is still a hole');
  assert.equal(tracker.add(segment(1011, 10)).label, 'retransmission', 'the oldest hole was given up as seen');
});
