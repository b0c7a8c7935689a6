/**
 * The two ways to read a capture, `batches()` and `for await` over packets, as
 * hand-written async iterators rather than async generators and functions.
 *
 * A batch that is there when asked for costs no promise, no result object and
 * no generator step: the result, the Packet or Batch it holds and a promise
 * resolved with it are made once per loop. Only a wait costs one promise, and
 * it is settled from a small plain function called on the wake-up. Async
 * generators and functions allocated ~2 KB per batch here (a scavenge every
 * ~300 ms of a busy live capture, each a few ms the ring must absorb), and
 * gave V8 more to compile under the first burst.
 */
import type { Packet } from './packet';

/** What {@link BatchSource.fill} returns when it has no batch now. */
export const ENDED = -1;
export const NOT_YET = 0;

/** What a capture lends its iterators (lib/capture.ts). */
export interface BatchSource {
  /** Claims the capture for this reader (throws EBUSY if it has one). */
  claim(): void;
  /**
   * Points the loop's Batch at the next batch: its packet count (> 0); or ENDED (closed, or the
   * source is done: it throws the source's error); or NOT_YET, and then `retry` is called once,
   * when the source may have a batch or the event loop has had its turn.
   */
  fill(retry: () => void): number;
  /** True (and `retry` will be called once the event loop has had its turn) when the reader is due to give it one. */
  yieldDue(retry: () => void): boolean;
  close(): void;
  readonly closed: boolean;
  /** `stop` is called when the capture closes (so that a loop can leave its batch mid-way). */
  onClose(stop: () => void): void;
}

/** The loop's one Packet, moved to record `index` of the batch (Batch.at). */
export interface PacketCursor {
  at(index: number): Packet;
}

/** The one next() of an iterator that waits: a promise made when it has to, settled once. */
class Waiting<T> {
  promise: Promise<T> | undefined;
  #resolve: ((value: T) => void) | undefined;
  #reject: ((err: unknown) => void) | undefined;

  start(): Promise<T> {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    return this.promise;
  }

  resolve(value: T): void {
    const resolve = this.#resolve;
    this.#clear();
    resolve?.(value);
  }

  reject(err: unknown): void {
    const reject = this.#reject;
    this.#clear();
    reject?.(err);
  }

  #clear(): void {
    this.promise = this.#resolve = this.#reject = undefined;
  }
}

/**
 * `capture.batches()`. Like an async generator it starts, and claims the capture, at the first
 * next(); leaving the loop (return(), throw(), an error, the end) closes the capture.
 */
export function batchIterator<B>(source: BatchSource, batch: B): AsyncGenerator<B, void, undefined> {
  const yielded: IteratorYieldResult<B> = { value: batch, done: false };
  const ready = Promise.resolve(yielded);
  const done: IteratorReturnResult<void> = { value: undefined, done: true };
  const waiting = new Waiting<IteratorResult<B, void>>();
  let started = false;

  // The wake-up (or the turn) a waiting next() asked for: settles it, or waits again.
  const retry = (): void => {
    let count: number;
    try {
      count = source.fill(retry);
    } catch (err) {
      source.close();
      waiting.reject(err);
      return;
    }
    if (count > 0) waiting.resolve(yielded);
    else if (count === ENDED) {
      source.close();
      waiting.resolve(done);
    }
  };

  const next = (): Promise<IteratorResult<B, void>> => {
    // A next() while another waits (only a hand-driven iterator does that) is answered after it.
    if (waiting.promise) return waiting.promise.then(next, next);
    let count: number;
    try {
      if (!started) {
        source.claim();
        started = true;
      }
      count = source.fill(retry);
    } catch (err) {
      if (started) source.close();
      return Promise.reject(err);
    }
    if (count > 0) return ready;
    if (count === ENDED) {
      source.close();
      return Promise.resolve(done);
    }
    return waiting.start();
  };

  const iterator: AsyncGenerator<B, void, undefined> = {
    next,
    return: (): Promise<IteratorResult<B, void>> => {
      if (started) source.close();
      return Promise.resolve(done);
    },
    throw: (err?: unknown): Promise<IteratorResult<B, void>> => {
      if (started) source.close();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

// How often the per-packet iterator looks at the clock: a slow loop body (summary(), printing)
// can spend long on one batch, so the turn the event loop is due is not left to the next batch.
const CLOCK_EVERY_PACKETS = 16;

/** `for await (const packet of capture)`: one Packet, repositioned on each record of `batch`. */
export function packetIterator(source: BatchSource, batch: PacketCursor): AsyncIterator<Packet> {
  const yielded: IteratorYieldResult<Packet> = { value: batch.at(0), done: false };
  const ready = Promise.resolve(yielded);
  const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
  const waiting = new Waiting<IteratorResult<Packet>>();
  let index = 0;
  let count = 0;
  let sinceClock = 0;
  // A close() mid-batch ends the loop at its next step: the fast path below sees no packet left.
  source.onClose(() => {
    count = 0;
  });

  // Everything but "the next packet of this batch": the clock, the next batch, the end. The
  // result now, or undefined when `retry` will be called.
  const step = (): IteratorResult<Packet> | undefined => {
    if (source.closed) return done;
    if (sinceClock >= CLOCK_EVERY_PACKETS) {
      sinceClock = 0;
      if (source.yieldDue(retry)) return undefined;
    }
    if (index >= count) {
      const n = source.fill(retry);
      if (n === NOT_YET) return undefined;
      if (n === ENDED) {
        source.close();
        return done;
      }
      count = n;
      index = 0;
    }
    sinceClock++;
    batch.at(index++);
    return yielded;
  };

  const retry = (): void => {
    let result: IteratorResult<Packet> | undefined;
    try {
      result = step();
    } catch (err) {
      source.close();
      waiting.reject(err);
      return;
    }
    if (result) waiting.resolve(result);
  };

  const next = (): Promise<IteratorResult<Packet>> => {
    if (index < count && sinceClock < CLOCK_EVERY_PACKETS) {
      sinceClock++;
      batch.at(index++);
      return ready;
    }
    if (waiting.promise) return waiting.promise.then(next, next);
    let result: IteratorResult<Packet> | undefined;
    try {
      result = step();
    } catch (err) {
      source.close();
      return Promise.reject(err);
    }
    if (result === yielded) return ready;
    return result ? Promise.resolve(result) : waiting.start();
  };

  return {
    next,
    return: (): Promise<IteratorResult<Packet>> => {
      source.close();
      return Promise.resolve(done);
    },
    throw: (err?: unknown): Promise<IteratorResult<Packet>> => {
      source.close();
      return Promise.reject(err);
    },
  };
}
