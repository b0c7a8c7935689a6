/**
 * Live and file captures: the JS half of native/capture.cc.
 *
 * One N-API call per batch asks the source for packets; the native side
 * dissects them into fixed-stride records that point at the packet bytes where
 * the kernel's ring or the file's buffer holds them; JS walks the batch in place
 * (no copy, no allocation per packet) and hands it back by asking for the next
 * one. When the source has nothing, libuv polls its descriptor: there is no
 * capture thread.
 */
import { addon, type InterfaceInfo, type NativeCapture } from './binding';
import { batchIterator, ENDED, NOT_YET, packetIterator, type BatchSource } from './capture-iterators';
import { ColumnGatherer, type Column, type ColumnName } from './columns';
import {
  argError,
  booleanOption,
  checkKeys,
  choiceOption,
  filterOption,
  nameArgument,
  numberOption,
  signalOption,
} from './args';
import { PktkitError } from './errors';
import { Packet, recordMemory, type RecordMemory } from './packet';
import { RECORD_SIZE } from './record.gen';
import {
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_LOOP,
  LINK_NULL,
  LINK_RAW,
} from './constants';

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
  /**
   * Kernel capture buffer in bytes. With the AF_PACKET engine it is the ring JS reads in place,
   * the only buffer between the wire and your loop (default: `ringSize`); with libpcap, its
   * buffer (libpcap's default, 2 MiB, when unset).
   */
  bufferSize?: number;
  /** Kernel batching delay in milliseconds when not immediate. Default 100. */
  timeout?: number;
  /** Which packets: received (`in`), sent (`out`) or both (`inout`, the default). */
  direction?: 'in' | 'out' | 'inout';
  /**
   * Bytes of the AF_PACKET ring when `bufferSize` is unset. Default 32 MiB. When JS falls behind
   * and the ring is full, the kernel drops packets and counts them (`droppedByKernel`).
   */
  ringSize?: number;
  /**
   * What captures: `afpacket` (Linux's TPACKET_V3 ring, read in place: no copy), `libpcap`
   * (copies each packet; any interface libpcap knows), or `auto` (the default: AF_PACKET for
   * Ethernet-like interfaces and `any`, libpcap for the rest).
   */
  engine?: 'auto' | 'afpacket' | 'libpcap';
  /**
   * Joins a PACKET_FANOUT group: every socket of the group on the interface gets a share of its
   * packets (by flow `hash`, round robin `lb`, receiving `cpu`, or `rollover`). All members use
   * the same mode. See {@link openFanout} to spread one interface over worker threads.
   */
  fanout?: { group: number; mode?: FanoutMode };
  /**
   * Link type (tcpdump's `-y`), as a DLT number or libpcap's name (`'EN10MB'`, `'LINUX_SLL'`,
   * `'LINUX_SLL2'`). Default: the interface's own; `LINUX_SLL2` on `any`, as tcpdump.
   */
  linkType?: number | string;
  /**
   * Decode each packet's layers into its record (default true). With false, a Packet has its
   * bytes, lengths, stamp and interface but no layers (`ip`, `tcp`... are undefined): for a
   * capture that only writes files (`pktkit capture -w` does so), which then skips the dissector.
   */
  decode?: boolean;
  /**
   * Milliseconds a read of a busy capture may wait in place for the next block, 0..20 (default 4;
   * 0 never). When the ring is empty after a batch, the next one is usually a millisecond or two
   * away under load, and waiting for it in one system call costs less CPU than going back to the
   * event loop to be woken (bench/LIVE-LOSS.md). The wait ends at once when anything else the event
   * loop watches is ready (I/O, a signal, a worker's message) and before its next timer is due;
   * promise callbacks queued before the read run after it. Event-loop utilization counts the wait
   * as busy time.
   */
  waitInPlace?: number;
  /** Aborting closes the capture; iteration then ends. */
  signal?: AbortSignal;
}

/** How a fanout group shares packets (PACKET_FANOUT_HASH, _LB, _CPU, _ROLLOVER). */
export type FanoutMode = 'hash' | 'lb' | 'cpu' | 'rollover';
const FANOUT_MODES: Record<FanoutMode, number> = { hash: 0, lb: 1, cpu: 2, rollover: 3 };

const LINK_TYPE_NAMES: Record<string, number> = {
  NULL: LINK_NULL,
  EN10MB: LINK_ETHERNET,
  RAW: LINK_RAW,
  LOOP: LINK_LOOP,
  LINUX_SLL: LINK_LINUX_SLL,
  IPV4: LINK_IPV4,
  IPV6: LINK_IPV6,
  LINUX_SLL2: LINK_LINUX_SLL2,
};

/** Options of {@link openFile}. */
export interface FileOptions {
  /** BPF filter in tcpdump syntax. */
  filter?: string;
  /** Accepted for compatibility; a file has no ring between it and your loop (see `access`). */
  ringSize?: number;
  /** Decode each packet's layers (default true); see {@link LiveOptions.decode}. */
  decode?: boolean;
  /**
   * How a regular file's bytes reach your loop (pipes and standard input are always read in chunks):
   * `map` (the file is mapped: packets are read where the page cache holds them), `read` (large
   * `pread()`s into one buffer that is reused batch after batch), or `auto` (the default: the way
   * that measured faster, see docs/ARCHITECTURE.md). Either way a Packet is valid until the iterator
   * advances; `copy()` keeps one.
   */
  access?: 'auto' | 'map' | 'read';
  /** Aborting closes the capture; iteration then ends. */
  signal?: AbortSignal;
}

/**
 * Counters of a capture. At close, `received === delivered + droppedByKernel + droppedByRing`:
 * every packet that matched is either delivered or counted as dropped.
 */
export interface CaptureStats {
  /** Packets that matched the filter: as the kernel counted them (live), or read (files). */
  received: number;
  /** Packets handed to JS. */
  delivered: number;
  /** Packets stored for JS but still unread when the capture closed. */
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
  nameArgument('an interface name', 'device', device);
  checkKeys('', options, [
    'filter',
    'snaplen',
    'promisc',
    'immediate',
    'bufferSize',
    'timeout',
    'direction',
    'ringSize',
    'linkType',
    'engine',
    'fanout',
    'decode',
    'waitInPlace',
    'signal',
  ]);
  const snaplen = numberOption('', 'snaplen', options.snaplen, 262144, 1, 262144, true);
  const timeout = numberOption('', 'timeout', options.timeout, 100, 0, 60_000, true);
  const bufferSize = numberOption('', 'bufferSize', options.bufferSize, 0, 0, 2 ** 31 - 1, true);
  const ringSize = numberOption('', 'ringSize', options.ringSize, 32 << 20, 1 << 16, 2 ** 31, true);
  const waitInPlace = numberOption('', 'waitInPlace', options.waitInPlace, 4, 0, 20, false);
  booleanOption('', 'promisc', options.promisc, true);
  booleanOption('', 'immediate', options.immediate, false);
  booleanOption('', 'decode', options.decode, true);
  choiceOption('', 'direction', options.direction, ['in', 'out', 'inout'] as const);
  filterOption('', options.filter);
  signalOption('', options.signal);
  choiceOption('', 'engine', options.engine, ['auto', 'afpacket', 'libpcap'] as const);
  const fanout = options.fanout;
  if (fanout !== undefined) {
    if (typeof fanout !== 'object' || fanout === null) throw argError('{ group, mode? }', 'fanout', fanout);
    numberOption('', 'fanout.group', fanout.group, NaN, 0, 0xffff, true);
    if (fanout.group === undefined) throw argError('an integer 0..65535', 'fanout.group', fanout.group);
    choiceOption('', 'fanout.mode', fanout.mode, Object.keys(FANOUT_MODES) as Array<keyof typeof FANOUT_MODES>);
  }
  const linkType =
    typeof options.linkType === 'string' ? LINK_TYPE_NAMES[options.linkType.toUpperCase()] : options.linkType;
  if (options.linkType !== undefined && (linkType === undefined || !Number.isInteger(linkType) || linkType < 0)) {
    throw argError(`a DLT number or one of ${Object.keys(LINK_TYPE_NAMES).join(', ')}`, 'linkType', options.linkType);
  }
  return new Capture(
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
        engine: options.engine ?? 'auto',
        fanoutGroup: fanout?.group,
        fanoutMode: fanout ? FANOUT_MODES[fanout.mode ?? 'hash'] : undefined,
        decode: options.decode ?? true,
        waitInPlaceUs: Math.round(waitInPlace * 1000),
        onWake,
      }),
    { device },
    options.signal,
  );
}

/** Opens a pcap or pcapng file (microsecond or nanosecond stamps). */
export function openFile(path: string, options: FileOptions = {}): Capture {
  nameArgument('a file path', 'path', path);
  checkKeys('', options, ['filter', 'ringSize', 'decode', 'access', 'signal']);
  const ringSize = numberOption('', 'ringSize', options.ringSize, 8 << 20, 1 << 16, 2 ** 31, true);
  booleanOption('', 'decode', options.decode, true);
  choiceOption('', 'access', options.access, ['auto', 'map', 'read'] as const);
  filterOption('', options.filter);
  signalOption('', options.signal);
  return new Capture(
    (onWake) =>
      new (addon().NativeCapture)({
        kind: 'file',
        path,
        filter: options.filter,
        ringSize,
        decode: options.decode ?? true,
        access: options.access ?? 'auto',
        onWake,
      }),
    { path },
    options.signal,
  );
}

/**
 * A batch of packets, iterated in place. Records sit in fixed-stride slots and
 * point at their bytes where the kernel or the file put them. The iterator
 * yields one Packet object repositioned on each record, and one result object:
 * nothing is allocated per packet. Valid until the next batch is requested.
 */
export class Batch implements Iterable<Packet> {
  readonly #packet: Packet;
  readonly #columns: ColumnGatherer;
  readonly #native: NativeCapture | undefined;
  #count = 0;

  /** @internal */
  constructor(mem: RecordMemory, native?: NativeCapture) {
    this.#packet = new Packet(mem, 0, EMPTY);
    this.#columns = new ColumnGatherer(mem, native?.columns, native && (() => native.wantColumns()));
    this.#native = native;
  }

  /**
   * @internal The shared Packet moved to record `index` (0 <= index < count):
   * valid until it is moved again or the batch ends.
   */
  at(index: number): Packet {
    this.#packet.base = index * RECORD_SIZE;
    return this.#packet;
  }

  /**
   * @internal Whether {@link Batch.writePcap} can write this batch natively
   * (a batch of a capture, not one JS assembled).
   */
  get nativeWritable(): boolean {
    return this.#native !== undefined;
  }

  /**
   * @internal Classic pcap records of packets [from, to) written to `fd` from
   * where their bytes lie (native/pcap_dump.cc). `io`: [0] the file's bytes so
   * far (updated), [1] a size limit and [2] a second limit (negative: none),
   * [3] set to the first packet not written. lib/pcap-writer.ts calls it.
   */
  writePcap(fd: number, from: number, to: number, snaplen: number, nano: boolean, io: Float64Array): void {
    this.#native!.writePcap(fd, from, Math.min(to, this.#count), snaplen, nano, io);
  }

  /** @internal */
  reset(count: number, bytes: Uint8Array): void {
    this.#count = count;
    this.#packet.bytes = bytes;
  }

  /** Number of packets in the batch. */
  get count(): number {
    return this.#count;
  }

  /**
   * One field of every packet in the batch, e.g. `batch.column('tcp.dport')`: a typed array
   * (0 where the packet lacks the protocol), reused by the next batch: copy it to keep it.
   * `frame.len`, `ip.proto`, the TCP and UDP ports and `tcp.flags` (and their aliases) are
   * views of arrays the dissector wrote; other fields are gathered from the records.
   */
  column(name: ColumnName): Column {
    return this.#columns.column(name, this.#count);
  }

  /** Calls `fn` for each packet: the fastest way through a batch. */
  forEach(fn: (packet: Packet) => void): void {
    const packet = this.#packet;
    for (let i = 0, n = this.#count; i < n; i++) {
      packet.base = i * RECORD_SIZE;
      fn(packet);
    }
  }

  [Symbol.iterator](): Iterator<Packet> {
    const packet = this.#packet;
    const result = { value: packet, done: false } as IteratorResult<Packet>;
    let i = 0;
    const n = this.#count;
    return {
      next: () => {
        if (i < n) {
          packet.base = i++ * RECORD_SIZE;
          return result;
        }
        result.done = true;
        (result as { value: unknown }).value = undefined;
        return result;
      },
    };
  }
}

const EMPTY = new Uint8Array(0);

// What the addon's acquire() returns instead of a batch when JS has kept the event loop 20 ms.
const TURN_DUE = -2;

/** A live or file capture. Iterate it with `for await`, or its {@link Capture.batches}. */
export class Capture implements AsyncIterable<Packet> {
  /** The interface, for live captures. */
  readonly device: string | undefined;
  /** The file, for file captures. */
  readonly path: string | undefined;
  /** libpcap's warning at activation (e.g. promiscuous mode not supported), if any. */
  readonly warning: string | undefined;
  /** What serves the capture: the AF_PACKET ring (`afpacket`), `libpcap`, or the file reader (`file`). */
  readonly engine: 'afpacket' | 'libpcap' | 'file';

  readonly #native: NativeCapture;
  readonly #mem: RecordMemory;
  #bytesBuffer: ArrayBuffer | undefined;
  #bytes: Uint8Array = EMPTY;
  #closed = false;
  #final: CaptureStats | undefined;
  #resume: (() => void) | undefined;
  #iterating = false;
  /** Set by the reading loop: called by close(). */
  #onClose: (() => void) | undefined;
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
    // The addon holds this function weakly (the capture owns it), and strongly while JS awaits a wake-up.
    this.#native = open(this.#wake);
    this.#mem = recordMemory(this.#native.records);
    this.warning = this.#native.warning;
    this.engine = this.#native.engine;
    this.device = source.device;
    this.path = source.path;
    this.#signal = signal;
    if (signal?.aborted) this.close();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Snap length in force (of a file: its first interface's). */
  get snaplen(): number {
    return this.#native.snaplen;
  }

  /** True when timestamps carry nanoseconds. */
  get nanosecond(): boolean {
    return this.#native.nanosecond;
  }

  /** Link type of the packets (DLT_* number); -1 for a pipe whose header has not arrived yet. */
  get linkType(): number {
    return this.#native.linkType;
  }

  /** libpcap's name of the link type, e.g. `EN10MB`, `LINUX_SLL2`. */
  get linkTypeName(): string {
    return this.#native.linkTypeName;
  }

  // Called by the addon when the source may have packets, by setImmediate when the reader gave the
  // event loop its turn, and by close(): the loop's step that was waiting runs.
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
      this.#onClose?.();
      this.#final = this.#native.close();
      this.#signal?.removeEventListener('abort', this.#onAbort);
      this.#wake();
    }
    return this.#final as CaptureStats;
  }

  /**
   * Batches of packets as the source delivers them: the allocation-free way to
   * read. Leaving the loop (break, return, throw) closes the capture. On the
   * AF_PACKET engine a batch is at most one kernel block, handed back when you
   * ask for the next batch: the kernel keeps the rest of its ring meanwhile.
   */
  batches(): AsyncGenerator<Batch, void, undefined> {
    const batch = new Batch(this.#mem, this.#native);
    return batchIterator(this.#lend(batch), batch);
  }

  /**
   * Packets one by one. The yielded Packet is reused: it is valid until the
   * iterator advances (use `copy()` to keep one). Leaving the loop closes the capture.
   */
  [Symbol.asyncIterator](): AsyncIterator<Packet> {
    this.#claim();
    const batch = new Batch(this.#mem, this.#native);
    return packetIterator(this.#lend(batch), batch);
  }

  /**
   * @internal Every packet, written to `fd` as classic pcap records by the addon until the capture
   * ends (close(), abort, end of file, the interface going away) or `limit` packets are written
   * (then it closes); returns how many. The addon writes each wake-up's batches in its poll
   * callback and calls back into JS only at the end, so no JS runs per batch: V8 has nothing to
   * compile under traffic, and a wake-up costs no call into JS. io[0]: the file's bytes so far,
   * updated. PcapWriter.writeThrough calls it.
   */
  async writeThrough(fd: number, snaplen: number, nano: boolean, io: Float64Array, limit = -1): Promise<number> {
    this.#claim();
    let packets = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: unknown): void => {
          this.#resume = undefined;
          if (err === undefined) resolve();
          else reject(err);
        };
        // Called at the start, and when the addon stops writing by itself (`limit` reached, the
        // source ended or failed, a write failed) or close() wakes it. Once more after close():
        // the addon then writes nothing and only reports what it wrote.
        const step = (): void => {
          try {
            packets = this.#native.drainPcap(fd, snaplen, nano, io, limit);
            if (this.#closed || this.#native.finished() || (limit >= 0 && packets >= limit)) return done();
            this.#resume = step;
          } catch (err) {
            done(err);
          }
        };
        step();
      });
      const error = this.#native.takeError();
      if (error) throw error;
      return packets;
    } finally {
      this.close();
    }
  }

  #claim(): void {
    if (this.#iterating) {
      throw new PktkitError(
        'this capture is already being iterated: a capture has one reader (use one loop, or open another capture)',
        { code: 'EBUSY' },
      );
    }
    this.#iterating = true;
  }

  /** What one loop over `batch` needs of this capture (lib/capture-iterators.ts). */
  #lend(batch: Batch): BatchSource {
    const capture = this; // the getter below has its own `this`
    return {
      claim: () => this.#claim(),
      fill: (retry) => this.#fill(batch, retry),
      yieldDue: (retry) => this.#yieldDue(retry),
      close: () => {
        this.close();
      },
      get closed(): boolean {
        return capture.#closed;
      },
      onClose: (stop) => {
        this.#onClose = stop;
      },
    };
  }

  /**
   * BatchSource.fill: the next batch into `batch` now (its packet count), or ENDED (closed, or the
   * source is done: its error is thrown), or NOT_YET, and `retry` runs after the event loop's turn
   * (the addon says one is due after 20 ms of reading) or when the source may have packets.
   */
  #fill(batch: Batch, retry: () => void): number {
    if (this.#closed) return ENDED;
    const count = this.#native.acquire();
    if (count > 0) {
      const buffer = this.#native.bytes;
      if (buffer !== this.#bytesBuffer && buffer !== undefined) {
        this.#bytesBuffer = buffer;
        this.#bytes = new Uint8Array(buffer);
      }
      batch.reset(count, this.#bytes);
      return count;
    }
    if (count === TURN_DUE) {
      this.#afterTurn(retry);
      return NOT_YET;
    }
    if (this.#native.finished()) {
      const error = this.#native.takeError();
      this.close();
      if (error) throw error;
      return ENDED;
    }
    this.#afterWake(retry);
    return NOT_YET;
  }

  /** BatchSource.yieldDue: the reader has kept the event loop 20 ms; it gets a turn, then `retry`. */
  #yieldDue(retry: () => void): boolean {
    if (!this.#native.turnDue()) return false;
    this.#afterTurn(retry);
    return true;
  }

  /** `resume` runs once the event loop has had a turn (or the capture closes). */
  #afterTurn(resume: () => void): void {
    this.#resume = resume;
    setImmediate(this.#wake);
  }

  /** `resume` runs once the source may have packets (or the capture closes). */
  #afterWake(resume: () => void): void {
    this.#resume = resume;
    this.#native.wait();
  }
}
