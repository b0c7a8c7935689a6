/**
 * A per-batch trace of a live capture, for finding what makes JS fall behind
 * the kernel (bench/live-probe.ts turns it on with PKTKIT_LIVE_TRACE=FILE; the
 * trial never does). Per batch: when JS got it and let it go, how old its
 * first packet was then, how many of the ring's blocks the kernel had handed
 * over and not yet got back, and the kernel's drop count; plus every GC and
 * the CPU time of each of the process's threads. A few numbers per batch
 * (one AF_PACKET block), none per packet.
 */
import * as fs from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Batch, Capture } from '../../lib/capture';
import type { Packet } from '../../lib/packet';

/**
 * Per batch: [got (ms, realtime), released (ms), first packet's stamp (ms), packets, blocks ready,
 * kernel drops, its block's last stamp (ms: about when the kernel closed the block and woke the
 * reader), the JS thread's time so far waiting on a run queue (ms, /proc schedstat), when JS
 * began reading it (ms, after the trace's own work), the JS thread's minor page faults so far].
 */
const FIELDS = 10;
const MAX_BATCHES = 1 << 16;
/** TPACKET_V3 block descriptor: block_status is the u32 at byte 8 (tpacket_block_desc.hdr.bh1). */
const BLOCK_STATUS = 8;
const TP_STATUS_USER = 1;
/** tpacket_block_desc.hdr.bh1.ts_last_pkt: seconds, then nanoseconds. */
const TS_LAST = 40;

/** Time the JS thread has spent runnable but waiting for a CPU, in ms: read into one reused buffer. */
let schedstat = -1; // opened by the first LiveTrace, on the JS thread
const schedBuf = Buffer.alloc(128);
function runQueueMs(): number {
  if (schedstat < 0) schedstat = fs.openSync('/proc/thread-self/schedstat', 'r');
  const n = fs.readSync(schedstat, schedBuf, 0, schedBuf.length, 0);
  // "on-cpu-ns run-queue-ns timeslices\n": the second number.
  let i = 0;
  while (i < n && schedBuf[i] !== 0x20) i++;
  let v = 0;
  for (i++; i < n && schedBuf[i] >= 0x30 && schedBuf[i] <= 0x39; i++) v = v * 10 + (schedBuf[i] - 0x30);
  return v / 1e6;
}

/**
 * The JS thread's minor page faults so far (/proc/thread-self/stat field 10), read into one reused buffer.
 * On the VMs measured here a fault on a fresh page costs ~14 µs (bench/LIVE-LOSS.md).
 */
let procStat = -1;
const statBuf = Buffer.alloc(1024);
function minorFaults(): number {
  if (procStat < 0) procStat = fs.openSync('/proc/thread-self/stat', 'r');
  const n = fs.readSync(procStat, statBuf, 0, statBuf.length, 0);
  // "pid (comm) state ppid ...": minflt is the 8th field after the comm's closing parenthesis.
  let i = statBuf.lastIndexOf(0x29, n - 1) + 2;
  for (let field = 0; field < 7 && i < n; i++) if (statBuf[i] === 0x20) field++;
  let v = 0;
  for (; i < n && statBuf[i] >= 0x30 && statBuf[i] <= 0x39; i++) v = v * 10 + (statBuf[i] - 0x30);
  return v;
}

/** tpacket_block_desc.hdr.bh1.num_pkts. */
const NUM_PKTS = 12;

/**
 * The smallest power of two (from 4 KiB) for which the batch's first and last
 * packets lie in one block whose descriptor counts exactly the batch's
 * packets: the ring's block size, or less for a block the timeout closed half
 * empty (so the largest answer so far is kept).
 */
function blockSizeOf(bytes: Uint8Array, firstAt: number, lastAt: number, count: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let size = 4096; size <= bytes.byteLength; size *= 2) {
    const start = Math.floor(firstAt / size) * size;
    if (Math.floor(lastAt / size) * size !== start) continue;
    if (view.getUint32(start + NUM_PKTS, true) === count) return size;
  }
  return 0;
}

interface ThreadCpu {
  name: string;
  ms: number;
  minorFaults: number;
}

/** CPU time and minor page faults of each thread of this process (schedstat: nanoseconds on a CPU). */
function threadCpu(): ThreadCpu[] {
  const out: ThreadCpu[] = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const minorFaults = Number(statFields(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'))[7]);
      out.push({ name: `${name}/${tid}`, ms: ns / 1e6, minorFaults });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** The fields of a /proc stat line after the command's name: [0] state, [7] minflt, [9] majflt. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function faults(): { minor: number; major: number } {
  const f = statFields(fs.readFileSync('/proc/self/stat', 'utf8'));
  return { minor: Number(f[7]), major: Number(f[9]) };
}

export class LiveTrace {
  readonly #file: string;
  readonly #capture: Capture;
  readonly #rows = new Float64Array(MAX_BATCHES * FIELDS);
  #n = 0;
  readonly #gc: number[] = [];
  readonly #observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.#gcEntry(e);
    }
  });
  readonly #cpu0 = threadCpu();
  readonly #faults0 = faults();

  #gcEntry(e: PerformanceEntry): void {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
    this.#gc.push(performance.timeOrigin + e.startTime, e.duration, kind);
  }

  constructor(file: string, capture: Capture) {
    this.#file = file;
    this.#capture = capture;
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  #blockSize = 0;

  /** A batch arrived (before any of its packets is read). */
  got(batch: Batch): void {
    if (this.#n >= MAX_BATCHES || batch.count === 0) return;
    const now = performance.timeOrigin + performance.now();
    const at = this.#n * FIELDS;
    const count = batch.count;
    const lastAt = batch.at(count - 1).at(0);
    const first = batch.at(0);
    const bytes = first.bytes;
    const firstAt = first.at(0);
    const size = blockSizeOf(bytes, firstAt, lastAt, count);
    if (size > this.#blockSize) this.#blockSize = size;
    const blockSize = this.#blockSize;
    let ready = 0;
    let closed = NaN;
    if (blockSize > 0) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let off = 0; off + blockSize <= bytes.byteLength; off += blockSize) {
        if (view.getUint32(off + BLOCK_STATUS, true) & TP_STATUS_USER) ready++;
      }
      const mine = Math.floor(firstAt / blockSize) * blockSize;
      closed = view.getUint32(mine + TS_LAST, true) * 1e3 + view.getUint32(mine + TS_LAST + 4, true) / 1e6;
    }
    this.#rows[at] = now;
    // The batch is held from here: the trace's own work above is not counted in it.
    this.#heldFrom = performance.timeOrigin + performance.now();
    this.#rows[at + 2] = first.tsSec * 1e3 + first.tsNsec / 1e6;
    this.#rows[at + 3] = count;
    this.#rows[at + 4] = ready;
    this.#rows[at + 5] = this.#capture.stats().droppedByKernel;
    this.#rows[at + 6] = closed;
    this.#rows[at + 7] = runQueueMs();
    this.#rows[at + 9] = minorFaults();
  }

  #heldFrom = 0;

  /** JS has read the batch and asks for the next. */
  released(): void {
    if (this.#n >= MAX_BATCHES) return;
    this.#rows[this.#n * FIELDS + 1] = performance.timeOrigin + performance.now();
    this.#rows[this.#n * FIELDS + 8] = this.#heldFrom;
    this.#n++;
  }

  write(): void {
    for (const e of this.#observer.takeRecords()) {
      this.#gcEntry(e);
    }
    this.#observer.disconnect();
    const cpu1 = threadCpu();
    const cpu = cpu1.map((t) => {
      const before = this.#cpu0.find((s) => s.name === t.name);
      return { name: t.name, ms: t.ms - (before?.ms ?? 0), minorFaults: t.minorFaults - (before?.minorFaults ?? 0) };
    });
    const f = faults();
    fs.writeFileSync(
      this.#file,
      JSON.stringify({
        fields: [
          'got',
          'released',
          'firstStamp',
          'packets',
          'blocksReady',
          'kernelDrops',
          'blockClosed',
          'runQueueMs',
          'readFrom',
          'minorFaults',
        ],
        blockSize: this.#blockSize,
        batches: Array.from(this.#rows.subarray(0, this.#n * FIELDS)),
        gc: this.#gc,
        threadCpuMs: cpu,
        minorFaults: f.minor - this.#faults0.minor,
        majorFaults: f.major - this.#faults0.major,
      }),
    );
  }
}

/** The child's loop with the trace around each batch: [packets, sink]. */
export async function tracedLoop(
  file: string,
  capture: Capture,
  fold: (p: Packet, sink: number) => number,
): Promise<[number, number]> {
  const trace = new LiveTrace(file, capture);
  let packets = 0;
  let sink = 0;
  for await (const batch of capture.batches()) {
    trace.got(batch);
    for (const p of batch) {
      packets++;
      sink = fold(p, sink);
    }
    trace.released();
  }
  trace.write();
  return [packets, sink];
}
