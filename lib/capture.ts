/**
 * Live and file captures: the JS half of the ring that native/capture.cc fills.
 *
 * The capture thread decodes packets into the ring and wakes JS at most once
 * per batch; JS walks the batch in place (no copy, no allocation per packet on
 * the batch path) and releases it when the next one is asked for.
 */
import { addon, type InterfaceInfo, type NativeCapture } from './binding';
import { checkNoNul, expected, FilterError, filterError, PktkitError } from './errors';
import { Packet, recordMemory, type RecordMemory } from './packet';
import { Field } from './record.gen';

export type { InterfaceInfo } from './binding';

/** Options of {@link openLive}. */
export interface LiveOptions {
  /** BPF filter in tcpdump syntax, e.g. `'tcp port 80'`. A bad one throws FilterError. */
  filter?: string;
  /** Bytes kept per packet, 1..262144. Default 262144. */
  snaplen?: number;
  /** Promiscuous mode. Default true, as tcpdump (`-p` there turns it off). */
  promisc?: boolean;
  /** Deliver each packet as soon as it arrives instead of in kernel batches. Default false. */
  immediate?: boolean;
  /** Kernel capture buffer in bytes; libpcap's default (2 MiB on Linux) when unset. */
  bufferSize?: number;
  /** Kernel batching delay in milliseconds when not immediate. Default 100. */
  timeout?: number;
  /** Which packets: received (`in`), sent (`out`) or both (`inout`, the default). */
  direction?: 'in' | 'out' | 'inout';
  /** Bytes of the ring shared with the capture thread. Default 32 MiB. Full ring: packets are dropped and counted. */
  ringSize?: number;
  /**
   * Link type (tcpdump's `-y`), as a DLT number or libpcap's name (`'EN10MB'`, `'LINUX_SLL'`,
   * `'LINUX_SLL2'`). Default: the interface's own; `LINUX_SLL2` on `any`, as tcpdump.
   */
  linkType?: number | string;
  /** Aborting closes the capture; iteration then ends. */
  signal?: AbortSignal;
}

const LINK_TYPE_NAMES: Record<string, number> = { NULL: 0, EN10MB: 1, RAW: 12, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 };

/** Options of {@link openFile}. */
export interface FileOptions {
  /** BPF filter in tcpdump syntax. */
  filter?: string;
  /** Bytes of the ring. Default 8 MiB. A file capture waits for the reader instead of dropping. */
  ringSize?: number;
  /** Aborting closes the capture; iteration then ends. */
  signal?: AbortSignal;
}

/** Counters of a capture, as the native side keeps them. At close, `received === delivered + droppedByRing`. */
export interface CaptureStats {
  /** Packets libpcap handed to the capture thread. */
  received: number;
  /** Packets handed to JS. */
  delivered: number;
  /** Packets dropped because the ring was full (JS was behind), or still unread in it at close. */
  droppedByRing: number;
  /** Packets the kernel dropped for lack of buffer space (libpcap's ps_drop; live only). */
  droppedByKernel: number;
  /** Packets the interface or driver dropped (libpcap's ps_ifdrop; live only). */
  droppedByInterface: number;
  /** Packets that reached the kernel filter (libpcap's ps_recv, tcpdump's "received by filter"; live only). */
  receivedByFilter: number;
}

/** Lists the interfaces libpcap can capture on, with addresses and flags. */
export function interfaces(): InterfaceInfo[] {
  return addon().interfaces();
}

/** Opens a live capture on `device` (a name from {@link interfaces}, or `'any'`). */
export function openLive(device: string, options: LiveOptions = {}): Capture {
  if (typeof device !== 'string' || device === '') throw new TypeError(expected('an interface name', 'device', device));
  checkNoNul('an interface name', 'device', device);
  checkOptions(options, ['filter', 'snaplen', 'promisc', 'immediate', 'bufferSize', 'timeout', 'direction', 'ringSize', 'linkType', 'signal']);
  const { snaplen = 262144, timeout = 100, bufferSize = 0, ringSize = 32 << 20 } = options;
  checkInteger('snaplen', snaplen, 1, 262144);
  checkInteger('timeout', timeout, 0, 60_000);
  checkInteger('bufferSize', bufferSize, 0, 2 ** 31 - 1);
  checkInteger('ringSize', ringSize, 1 << 16, 2 ** 31);
  checkBoolean('promisc', options.promisc);
  checkBoolean('immediate', options.immediate);
  if (options.direction !== undefined && !['in', 'out', 'inout'].includes(options.direction)) {
    throw new TypeError(expected("'in', 'out' or 'inout'", 'direction', options.direction));
  }
  checkFilter(options.filter);
  checkSignal(options.signal);
  const linkType = typeof options.linkType === 'string' ? LINK_TYPE_NAMES[options.linkType.toUpperCase()] : options.linkType;
  if (options.linkType !== undefined && (linkType === undefined || !Number.isInteger(linkType) || linkType < 0)) {
    throw new TypeError(expected(`a DLT number or one of ${Object.keys(LINK_TYPE_NAMES).join(', ')}`, 'linkType', options.linkType));
  }
  return quotingFilter(options.filter, () => new Capture(
    (onWake) =>
      new (addon().NativeCapture)({
        linkType,
        kind: 'live',
        device,
        filter: options.filter,
        snaplen,
        promisc: options.promisc ?? true,
        immediate: options.immediate ?? false,
        bufferSize,
        timeoutMs: timeout,
        direction: options.direction ?? 'inout',
        ringSize,
        onWake,
      }),
    { device },
    options.signal,
  ));
}

/** Opens a pcap or pcapng file (microsecond or nanosecond stamps). */
export function openFile(path: string, options: FileOptions = {}): Capture {
  if (typeof path !== 'string' || path === '') throw new TypeError(expected('a file path', 'path', path));
  checkNoNul('a file path', 'path', path);
  checkOptions(options, ['filter', 'ringSize', 'signal']);
  const { ringSize = 8 << 20 } = options;
  checkInteger('ringSize', ringSize, 1 << 16, 2 ** 31);
  checkFilter(options.filter);
  checkSignal(options.signal);
  return quotingFilter(options.filter, () => new Capture(
    (onWake) => new (addon().NativeCapture)({ kind: 'file', path, filter: options.filter, ringSize, onWake }),
    { path },
    options.signal,
  ));
}

/**
 * Opens, and bounds the filter quoted in a FilterError: native/capture.cc
 * quotes the whole filter (a megabyte one in full), so its message is composed
 * again here from libpcap's reason with {@link quoteFilter}'s bounded prefix.
 */
function quotingFilter(filter: string | undefined, open: () => Capture): Capture {
  try {
    return open();
  } catch (err) {
    const prefix = `bad filter '${filter}': `;
    if (filter !== undefined && err instanceof FilterError && err.message.startsWith(prefix)) {
      throw filterError(filter, err.message.slice(prefix.length));
    }
    throw err;
  }
}

/**
 * A batch of packets, iterated in place. The iterator yields one Packet object
 * repositioned on each entry, and one result object: nothing is allocated per
 * packet. Valid until the next batch is requested.
 */
export class Batch implements Iterable<Packet> {
  readonly #mem: RecordMemory;
  readonly #size: number;
  readonly #packet: Packet;
  #start = 0;
  #end = 0;

  /** @internal */
  constructor(mem: RecordMemory, size: number) {
    this.#mem = mem;
    this.#size = size;
    this.#packet = new Packet(mem, 0);
  }

  /** @internal */
  reset(start: number, end: number): void {
    this.#start = start;
    this.#end = end;
  }

  /** Number of packets in the batch (walks the records; no allocation). */
  get count(): number {
    let n = 0;
    for (let pos = this.#start; pos < this.#end; ) {
      const step = this.#step(pos);
      if (step > 0) n++;
      pos += Math.abs(step);
    }
    return n;
  }

  /** Calls `fn` for each packet: the fastest way through a batch. */
  forEach(fn: (packet: Packet) => void): void {
    const packet = this.#packet;
    for (let pos = this.#start; pos < this.#end; ) {
      const step = this.#step(pos);
      if (step > 0) {
        packet.base = pos % this.#size;
        fn(packet);
        pos += step;
      } else {
        pos -= step;
      }
    }
  }

  /** Bytes to the next entry from `pos`: positive after a packet, negative after a wrap marker. */
  #step(pos: number): number {
    const offset = pos % this.#size;
    const len = this.#mem.u32[(offset + Field.entryLen) >>> 2];
    return len === 0 ? -(this.#size - offset) : len;
  }

  [Symbol.iterator](): Iterator<Packet> {
    const packet = this.#packet;
    const result = { value: packet, done: false } as IteratorResult<Packet>;
    let pos = this.#start;
    const end = this.#end;
    return {
      next: () => {
        while (pos < end) {
          const step = this.#step(pos);
          if (step > 0) {
            packet.base = pos % this.#size;
            pos += step;
            return result;
          }
          pos -= step;
        }
        result.done = true;
        (result as { value: unknown }).value = undefined;
        return result;
      },
    };
  }
}

// Captures whose iteration is waiting for the capture thread. While waiting
// nothing else may refer to the capture (the awaiting code only holds a
// promise), so it is kept here: it must not be collected mid-wait.
const waiting = new Set<Capture>();

/** A live or file capture. Iterate it with `for await`, or its {@link Capture.batches}. */
export class Capture implements AsyncIterable<Packet> {
  /** Link type of the packets (DLT_* number). */
  readonly linkType: number;
  /** libpcap's name of the link type, e.g. `EN10MB`, `LINUX_SLL2`. */
  readonly linkTypeName: string;
  /** Snap length in force. */
  readonly snaplen: number;
  /** True when timestamps carry nanoseconds. */
  readonly nanosecond: boolean;
  /** The interface, for live captures. */
  readonly device: string | undefined;
  /** The file, for file captures. */
  readonly path: string | undefined;
  /** libpcap's warning at activation (e.g. promiscuous mode not supported), if any. */
  readonly warning: string | undefined;

  readonly #native: NativeCapture;
  readonly #mem: RecordMemory;
  readonly #size: number;
  #readPos = 0;
  #closed = false;
  #final: CaptureStats | undefined;
  #resume: (() => void) | undefined;
  #iterating = false;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    this.close();
  };

  /** @internal use {@link openLive} or {@link openFile} */
  constructor(
    open: (onWake: () => void) => NativeCapture,
    source: { device?: string; path?: string },
    signal: AbortSignal | undefined,
  ) {
    // The native side holds this function weakly: the capture owns it.
    this.#native = open(this.#wake);
    this.#mem = recordMemory(this.#native.ring);
    this.#size = this.#native.ring.byteLength;
    this.linkType = this.#native.linkType;
    this.linkTypeName = this.#native.linkTypeName;
    this.snaplen = this.#native.snaplen;
    this.nanosecond = this.#native.nanosecond;
    this.warning = this.#native.warning;
    this.device = source.device;
    this.path = source.path;
    this.#signal = signal;
    if (signal?.aborted) this.close();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #wake = (): void => {
    const resume = this.#resume;
    if (resume) {
      this.#resume = undefined;
      resume();
    }
  };

  /** Counters so far; after close, the final ones. */
  stats(): CaptureStats {
    return this.#final ?? this.#native.stats();
  }

  /** True once closed (by close(), break, abort, end of file or error). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Stops capturing and frees the handle. Safe to call at any time, more than
   * once, and while a batch is being read (its packets stay readable).
   */
  close(): CaptureStats {
    if (!this.#closed) {
      this.#closed = true;
      this.#final = this.#native.close();
      this.#signal?.removeEventListener('abort', this.#onAbort);
      this.#wake();
    }
    return this.#final as CaptureStats;
  }

  /**
   * Batches of packets as the capture thread delivers them: the allocation-free
   * way to read. Leaving the loop (break, return, throw) closes the capture.
   */
  async *batches(): AsyncGenerator<Batch, void, undefined> {
    this.#claim();
    const batch = new Batch(this.#mem, this.#size);
    try {
      for (;;) {
        const end = await this.#next();
        if (end < 0) return;
        batch.reset(this.#readPos, end);
        yield batch;
        this.#release(end);
      }
    } finally {
      this.close();
    }
  }

  /**
   * Packets one by one. The yielded Packet is reused: it is valid until the
   * iterator advances (use `copy()` to keep one). Leaving the loop closes the capture.
   */
  [Symbol.asyncIterator](): AsyncIterator<Packet> {
    this.#claim();
    const batch = new Batch(this.#mem, this.#size);
    const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
    let packets = batch[Symbol.iterator]();
    let end = 0;
    return {
      next: async (): Promise<IteratorResult<Packet>> => {
        for (;;) {
          if (this.#closed) return done;
          const step = packets.next();
          if (!step.done) return step;
          if (end > this.#readPos) this.#release(end);
          const next = await this.#next();
          if (next < 0) return done;
          batch.reset(this.#readPos, next);
          end = next;
          packets = batch[Symbol.iterator]();
        }
      },
      return: async (): Promise<IteratorResult<Packet>> => {
        this.close();
        return done;
      },
      throw: async (err?: unknown): Promise<IteratorResult<Packet>> => {
        this.close();
        throw err;
      },
    };
  }

  #claim(): void {
    if (this.#iterating) {
      throw new PktkitError('this capture is already being iterated: a capture has one reader (use one loop, or open another capture)', { code: 'EBUSY' });
    }
    this.#iterating = true;
  }

  #release(end: number): void {
    this.#readPos = end;
    if (!this.#closed) this.#native.release(end);
  }

  /** The end of the next batch, or -1 at the end (after throwing the source's error, if any). */
  async #next(): Promise<number> {
    for (;;) {
      if (this.#closed) return -1;
      let end = this.#native.acquire();
      if (end > this.#readPos) return end;
      if (this.#native.finished()) {
        // The thread published its last packets before saying it finished.
        end = this.#native.acquire();
        if (end > this.#readPos) return end;
        const error = this.#native.takeError();
        this.close();
        if (error) throw error;
        return -1;
      }
      await this.#waitForWake();
    }
  }

  #waitForWake(): Promise<void> {
    return new Promise<void>((resolve) => {
      waiting.add(this);
      this.#native.ref();
      this.#resume = () => {
        waiting.delete(this);
        if (!this.#closed) this.#native.unref();
        resolve();
      };
    });
  }
}

function checkOptions(options: object, known: string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(expected('an options object', 'options', options));
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`Unknown option '${key}': expected one of ${known.join(', ')}`);
  }
}

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(expected(`an integer ${min}..${max}`, name, value));
  }
}

function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(expected('a boolean', name, value));
}

function checkFilter(filter: unknown): void {
  if (filter !== undefined && typeof filter !== 'string') throw new TypeError(expected('a BPF filter string', 'filter', filter));
  if (filter !== undefined) checkNoNul('a BPF filter string', 'filter', filter);
}

function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(expected('an AbortSignal', 'signal', signal));
}
