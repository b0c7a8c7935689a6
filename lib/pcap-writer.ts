/**
 * Writing capture files: classic pcap (microsecond or nanosecond timestamps)
 * and pcapng (one section, one interface, Enhanced Packet Blocks).
 *
 * Formats: https://www.tcpdump.org/manpages/pcap-savefile.5.html and
 * draft-ietf-opsawg-pcapng (the IETF pcapng draft). Files are written in the
 * host's byte order with the magic that says so, as libpcap does; every reader
 * (tcpdump, tshark, libpcap) accepts either order.
 *
 * Writes are synchronous and batched: packets are copied into one buffer that
 * goes to the file with one `fs.writeSync` when it fills, on `flush()` and on
 * `close()`. A writer can also feed a stream (stdout, a socket), which gets
 * each full buffer as one chunk. `writeBatch()` of a pcap writer on a path or
 * descriptor copies nothing in JS: the native side gathers each record header
 * and the packet's bytes, from where the kernel's ring or the mapped file holds
 * them, into a 256 KiB buffer that it writes whole, as `pktkit capture -w FILE`
 * does.
 *
 * @example
 * ```ts
 * const w = openWriter('out.pcapng', { linkType: capture.linkType });
 * for await (const p of capture) w.writePacket(p);
 * await w.close();
 * ```
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Batch, Capture } from './capture';
import { argError, rangeError } from './args';
import { FileError, PktkitError } from './errors';
import { LINK_RAW, LINK_RAW_FILE, LINK_RAW_OPENBSD } from './constants';

/**
 * Where a writer puts its bytes: a file path (created or truncated; `'-'`
 * means standard output, as in `tcpdump -w -`), an open file descriptor (left
 * open), or a stream. Paths and descriptors are written synchronously; a
 * stream is handed each full buffer without waiting for `'drain'`, so a stream
 * slower than the packets buffers them in memory.
 */
export type WriterTarget = string | number | NodeJS.WritableStream;

/** Timestamp resolution of a file: `'micro'` (10^-6 s) or `'nano'` (10^-9 s). */
export type TimestampPrecision = 'micro' | 'nano';

/** Options shared by {@link PcapWriter} and {@link PcapngWriter}. */
export interface WriterOptions {
  /**
   * Link type of every packet (LINKTYPE_* number; default 1, Ethernet).
   * libpcap's platform-specific DLT_RAW values (12, 14) are written as
   * LINKTYPE_RAW (101), as libpcap itself does.
   */
  linkType?: number;
  /** Largest number of bytes stored per packet (default 262144); longer packets are cut, keeping their wire length. */
  snaplen?: number;
  /** Timestamp resolution written to the file (default `'micro'` for pcap, `'nano'` for pcapng). */
  precision?: TimestampPrecision;
  /** Bytes buffered before a write to the target (default 256 KiB). */
  bufferSize?: number;
  /** For a stream target: call `end()` on it in `close()` (default true; never for process.stdout/stderr). */
  endStream?: boolean;
}

/** Options of {@link PcapngWriter}. */
export interface PcapngWriterOptions extends WriterOptions {
  /** Interface name stored in the Interface Description Block (`if_name`), e.g. `eth0`. */
  ifName?: string;
  /** Application name stored in the Section Header Block (`shb_userappl`); default `pktkit`. */
  userAppl?: string;
}

/** Timestamp and original length of one packet. */
export interface PacketInfo {
  /** Seconds since the epoch (0 .. 2^32-1). */
  tsSec: number;
  /** Nanoseconds within the second (0 .. 999999999); truncated to microseconds in a microsecond file. */
  tsNsec: number;
  /** Bytes the packet had on the wire; default `data.length`. Must not be less than the bytes stored. */
  wireLen?: number;
}

/** The fields of a captured packet that a writer needs (a pktkit `Packet` has them). */
export interface WritablePacket {
  readonly data: Uint8Array;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Wire length. */
  readonly length: number;
}

/** What {@link PcapWriter} and {@link PcapngWriter} have in common. */
export interface PacketWriter {
  readonly format: 'pcap' | 'pcapng';
  readonly linkType: number;
  readonly snaplen: number;
  readonly precision: TimestampPrecision;
  /** Packets written so far. */
  readonly packets: number;
  /** Bytes written so far, headers included (buffered bytes count): what `-C` rotation compares. */
  readonly bytes: number;
  /** Appends one packet; `data` is copied, so the caller may reuse it at once. */
  write(data: Uint8Array, info: PacketInfo): void;
  /** Appends a captured packet (its data, timestamp and wire length). */
  writePacket(packet: WritablePacket): void;
  /**
   * Appends every packet of a capture's batch (or its first `count`), in order. A
   * {@link PcapWriter} on a path or descriptor writes them natively from where
   * the capture holds their bytes, with no copy in JS; otherwise as writePacket().
   */
  writeBatch(batch: Batch, count?: number): void;
  /** @internal Packets [from, to) of `batch` up to a size or second limit; returns the first not written. */
  writeRun(batch: Batch, from: number, to: number, sizeLimit: number, tsLimit: number): number;
  /** Hands the buffered bytes to the target now. */
  flush(): void;
  /**
   * Flushes and closes. For a path or descriptor the file is complete when
   * close() returns (the promise is already settled); for a stream the promise
   * resolves once the stream has finished.
   */
  close(): Promise<void>;
  /**
   * Flushes and closes synchronously, for exit handlers and file rotation in
   * a packet loop. A stream target is ended without waiting for it to finish.
   */
  closeSync(): void;
}

const DEFAULT_SNAPLEN = 262144;
const DEFAULT_BUFFER = 256 * 1024;
const LINKTYPE_ETHERNET = 1;

function checkUint(value: unknown, name: string, max: number, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`integer between ${min} and ${max}`, name, value);
  }
  return value;
}

function fileLinkType(linkType: number): number {
  return linkType === LINK_RAW || linkType === LINK_RAW_OPENBSD ? LINK_RAW_FILE : linkType;
}

/** Buffering and the target; the format classes put records into `reserve()`d space. */
abstract class BufferedWriter implements PacketWriter {
  abstract readonly format: 'pcap' | 'pcapng';
  readonly linkType: number;
  readonly snaplen: number;
  abstract readonly precision: TimestampPrecision;
  #packets = 0;
  #bytes = 0;

  protected buf: Buffer;
  /** Over `buf`: DataView stores are several times cheaper than Buffer's writeUInt32LE per packet. */
  protected view: DataView;
  protected pos = 0;
  readonly #bufferSize: number;
  readonly #fd: number | undefined;
  readonly #ownsFd: boolean;
  readonly #stream: NodeJS.WritableStream | undefined;
  readonly #endStream: boolean;
  readonly #name: string;
  #closed = false;

  constructor(target: WriterTarget, options: WriterOptions) {
    this.linkType = fileLinkType(checkUint(options.linkType ?? LINKTYPE_ETHERNET, 'linkType', 0xffff));
    this.snaplen = checkUint(options.snaplen ?? DEFAULT_SNAPLEN, 'snaplen', 0x7fffffff, 1);
    this.#bufferSize = checkUint(options.bufferSize ?? DEFAULT_BUFFER, 'bufferSize', 1 << 30, 64);
    this.buf = Buffer.allocUnsafe(this.#bufferSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    if (target === '-') target = 1; // written synchronously like any descriptor, so nothing is lost at exit
    if (typeof target === 'string') {
      this.#name = target;
      try {
        this.#fd = fs.openSync(target, 'w');
      } catch (err) {
        throw fileError(err, `cannot create ${target}`);
      }
      this.#ownsFd = true;
    } else if (typeof target === 'number') {
      this.#name = `fd ${target}`;
      this.#fd = checkUint(target, 'target', 0x7fffffff);
      this.#ownsFd = false;
    } else if (target !== null && typeof target === 'object' && typeof target.write === 'function') {
      this.#name = 'stream';
      this.#stream = target;
      this.#ownsFd = false;
    } else {
      throw argError('a file path, a file descriptor or a writable stream', 'target', target);
    }
    this.#endStream = (options.endStream ?? true) && target !== process.stdout && target !== process.stderr;
  }

  get packets(): number {
    return this.#packets;
  }

  get bytes(): number {
    return this.#bytes;
  }

  abstract write(data: Uint8Array, info: PacketInfo): void;

  writePacket(packet: WritablePacket): void {
    this.write(packet.data, { tsSec: packet.tsSec, tsNsec: packet.tsNsec, wireLen: packet.length });
  }

  writeBatch(batch: Batch, count?: number): void {
    if (
      batch === null ||
      typeof batch !== 'object' ||
      typeof (batch as Partial<Batch>).at !== 'function' ||
      typeof batch.count !== 'number'
    ) {
      throw argError("a capture's Batch", 'batch', batch);
    }
    const to = count === undefined ? batch.count : checkUint(count, 'count', batch.count);
    this.writeRun(batch, 0, to, -1, -1);
  }

  /**
   * @internal Writes packets [from, to) of `batch`, stopping before a packet
   * when the file already holds more than `sizeLimit` bytes or the packet's
   * second is `tsLimit` or later (negative: no limit). Returns the first
   * packet not written. RotatingWriter uses the limits for -C and -G.
   */
  writeRun(batch: Batch, from: number, to: number, sizeLimit: number, tsLimit: number): number {
    for (let i = from; i < to; i++) {
      const p = batch.at(i);
      if ((sizeLimit >= 0 && this.#bytes > sizeLimit) || (tsLimit >= 0 && p.tsSec >= tsLimit)) return i;
      this.writePacket(p);
    }
    return to;
  }

  /** The descriptor written synchronously, or undefined for a stream target. */
  protected get fd(): number | undefined {
    return this.#fd;
  }

  protected get targetName(): string {
    return this.#name;
  }

  protected get closed(): boolean {
    return this.#closed;
  }

  /** Counts bytes and packets that went to the file past the buffer. */
  protected written(bytes: number, packets: number): void {
    this.#bytes += bytes;
    this.#packets += packets;
  }

  /** Makes room for `n` contiguous bytes at `this.pos`, flushing or growing the buffer. */
  protected reserve(n: number): void {
    if (this.#closed) throw new PktkitError(`cannot write to ${this.#name}: the writer is closed`, { code: 'ECLOSED' });
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.#replaceBuffer(n);
  }

  /** Marks `n` reserved bytes as written; `packet` when they were one packet's record. */
  protected commit(n: number, packet = false): void {
    this.pos += n;
    this.#bytes += n;
    if (packet) this.#packets++;
  }

  #replaceBuffer(size: number): void {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    if (this.#stream) {
      // the stream keeps the chunk: give it away and start a fresh buffer
      this.#stream.write(chunk);
      this.#replaceBuffer(this.#bufferSize);
    } else {
      writeAllSync(this.#fd!, chunk, this.#name);
    }
    this.pos = 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const stream = this.#endStream ? this.#stream : undefined;
    const finished = stream && Promise.race([once(stream, 'finish'), once(stream, 'close')]);
    this.closeSync();
    await finished;
  }

  closeSync(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    if (this.#fd !== undefined && this.#ownsFd) {
      try {
        fs.closeSync(this.#fd);
      } catch (err) {
        throw fileError(err, `cannot close ${this.#name}`);
      }
    }
    if (this.#stream && this.#endStream) this.#stream.end();
  }

  protected checkPacket(data: Uint8Array, info: PacketInfo): { capLen: number; wireLen: number } {
    if (!(data instanceof Uint8Array)) throw argError('Uint8Array', 'data', data);
    if (info === null || typeof info !== 'object') throw argError('{ tsSec, tsNsec, wireLen? }', 'info', info);
    checkUint(info.tsSec, 'tsSec', 0xffffffff);
    checkUint(info.tsNsec, 'tsNsec', 999_999_999);
    const capLen = Math.min(data.length, this.snaplen);
    const wireLen = info.wireLen === undefined ? data.length : checkUint(info.wireLen, 'wireLen', 0xffffffff);
    if (wireLen < capLen) throw rangeError(`integer of at least ${capLen} (the bytes stored)`, 'wireLen', wireLen);
    return { capLen, wireLen };
  }
}

/** One Int32 to block on: Atomics.wait is the only synchronous sleep in Node. */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `chunk`. A descriptor may be non-blocking (Node makes a pipe
 * on stdout non-blocking once `process.stdout` is touched), so EAGAIN means
 * "the reader is behind": wait a millisecond and go on, as a blocking write would.
 */
function writeAllSync(fd: number, chunk: Uint8Array, name: string): void {
  for (let off = 0; off < chunk.length;) {
    try {
      off += fs.writeSync(fd, chunk, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw fileError(err, `cannot write to ${name}`);
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
}

function fileError(err: unknown, what: string): FileError {
  const e = err as NodeJS.ErrnoException;
  return new FileError(`${what}: ${e.message}`, { code: e.code ?? 'EIO' });
}

/**
 * Classic pcap writer (libpcap's savefile format). Timestamps are 32-bit
 * seconds and microseconds (magic a1b2c3d4) or nanoseconds (a1b23c4d).
 */
export class PcapWriter extends BufferedWriter {
  readonly format = 'pcap' as const;
  readonly precision: TimestampPrecision;

  /** Creates the file (or starts the stream) and writes the 24-byte file header. */
  constructor(target: WriterTarget, options: WriterOptions = {}) {
    super(target, options);
    this.precision = checkPrecision(options.precision ?? 'micro');
    this.reserve(24);
    const b = this.buf;
    const o = this.pos;
    b.writeUInt32LE(this.precision === 'nano' ? 0xa1b23c4d : 0xa1b2c3d4, o);
    b.writeUInt16LE(2, o + 4); // version 2.4
    b.writeUInt16LE(4, o + 6);
    b.writeInt32LE(0, o + 8); // thiszone: timestamps are UTC
    b.writeUInt32LE(0, o + 12); // sigfigs
    b.writeUInt32LE(this.snaplen, o + 16);
    b.writeUInt32LE(this.linkType, o + 20);
    this.commit(24);
  }

  override writeRun(batch: Batch, from: number, to: number, sizeLimit: number, tsLimit: number): number {
    const fd = this.fd;
    if (fd === undefined || !batch.nativeWritable || from >= to)
      return super.writeRun(batch, from, to, sizeLimit, tsLimit);
    if (this.closed)
      throw new PktkitError(`cannot write to ${this.targetName}: the writer is closed`, { code: 'ECLOSED' });
    // What is buffered goes first, then the records straight from the capture's memory.
    this.flush();
    const io = this.#io;
    const before = this.bytes;
    io[0] = before;
    io[1] = sizeLimit;
    io[2] = tsLimit;
    io[3] = from;
    try {
      batch.writePcap(fd, from, to, this.snaplen, this.precision === 'nano', io);
    } catch (err) {
      if (err instanceof FileError)
        throw new FileError(`cannot write to ${this.targetName}: ${err.message}`, { code: err.code });
      throw err;
    }
    this.written(io[0]! - before, io[3]! - from);
    return io[3]!;
  }

  /**
   * @internal Every packet of `capture`, written natively until the capture ends or `limit` packets
   * are written, with no JS per batch (Capture.writeThrough); returns how many. For a file on a
   * path; undefined otherwise (the caller then writes batch by batch). The CLI's `-w FILE` with
   * nothing else to do uses it.
   */
  writeThrough(capture: Capture, limit?: number): Promise<number> | undefined {
    const fd = this.fd;
    if (fd === undefined || this.closed) return undefined;
    this.flush();
    return this.#writeThrough(capture, fd, limit);
  }

  async #writeThrough(capture: Capture, fd: number, limit: number | undefined): Promise<number> {
    const io = this.#io;
    const before = this.bytes;
    io[0] = before;
    let packets = 0;
    try {
      packets = await capture.writeThrough(fd, this.snaplen, this.precision === 'nano', io, limit);
    } catch (err) {
      if (err instanceof FileError)
        throw new FileError(`cannot write to ${this.targetName}: ${err.message}`, { code: err.code });
      throw err;
    } finally {
      this.written(io[0]! - before, packets);
    }
    return packets;
  }

  readonly #io = new Float64Array(4);

  write(data: Uint8Array, info: PacketInfo): void {
    const { capLen, wireLen } = this.checkPacket(data, info);
    this.reserve(16 + capLen);
    const v = this.view;
    const o = this.pos;
    v.setUint32(o, info.tsSec, true);
    v.setUint32(o + 4, this.precision === 'nano' ? info.tsNsec : Math.floor(info.tsNsec / 1000), true);
    v.setUint32(o + 8, capLen, true);
    v.setUint32(o + 12, wireLen, true);
    this.buf.set(capLen === data.length ? data : data.subarray(0, capLen), o + 16);
    this.commit(16 + capLen, true);
  }
}

function checkPrecision(p: unknown): TimestampPrecision {
  if (p !== 'micro' && p !== 'nano') throw argError("'micro' or 'nano'", 'precision', p);
  return p;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Bytes of one pcapng option (code, length, value padded to 4). */
function optionSize(value: Uint8Array): number {
  return 4 + pad4(value.length);
}

function putOption(b: Buffer, o: number, code: number, value: Uint8Array): number {
  b.writeUInt16LE(code, o);
  b.writeUInt16LE(value.length, o + 2);
  b.set(value, o + 4);
  b.fill(0, o + 4 + value.length, o + optionSize(value));
  return o + optionSize(value);
}

/**
 * pcapng writer: one Section Header Block, one Interface Description Block
 * (link type, snaplen, `if_tsresol` = 6 or 9, optional `if_name`), then one
 * Enhanced Packet Block per packet, on interface 0.
 */
export class PcapngWriter extends BufferedWriter {
  readonly format = 'pcapng' as const;
  readonly precision: TimestampPrecision;
  readonly #unitsPerSec: number;

  /** Creates the file (or starts the stream) and writes the section and interface headers. */
  constructor(target: WriterTarget, options: PcapngWriterOptions = {}) {
    super(target, options);
    this.precision = checkPrecision(options.precision ?? 'nano');
    this.#unitsPerSec = this.precision === 'nano' ? 1e9 : 1e6;
    this.#writeSectionHeader(options.userAppl ?? 'pktkit');
    this.#writeInterface(options.ifName);
  }

  #writeSectionHeader(userAppl: string): void {
    const appl = Buffer.from(userAppl, 'utf8');
    const len = 24 + optionSize(appl) + 4 + 4;
    this.reserve(len);
    const b = this.buf;
    const o = this.pos;
    b.writeUInt32LE(0x0a0d0d0a, o);
    b.writeUInt32LE(len, o + 4);
    b.writeUInt32LE(0x1a2b3c4d, o + 8); // byte-order magic
    b.writeUInt16LE(1, o + 12); // version 1.0
    b.writeUInt16LE(0, o + 14);
    b.writeBigInt64LE(-1n, o + 16); // section length not given
    let p = putOption(b, o + 24, 4, appl); // shb_userappl
    b.writeUInt32LE(0, p); // opt_endofopt
    p += 4;
    b.writeUInt32LE(len, p);
    this.commit(len);
  }

  #writeInterface(ifName: string | undefined): void {
    const tsresol = Uint8Array.of(this.precision === 'nano' ? 9 : 6);
    const name = ifName === undefined ? undefined : Buffer.from(ifName, 'utf8');
    const len = 16 + optionSize(tsresol) + (name ? optionSize(name) : 0) + 4 + 4;
    this.reserve(len);
    const b = this.buf;
    const o = this.pos;
    b.writeUInt32LE(0x00000001, o);
    b.writeUInt32LE(len, o + 4);
    b.writeUInt16LE(this.linkType, o + 8);
    b.writeUInt16LE(0, o + 10);
    b.writeUInt32LE(this.snaplen, o + 12);
    let p = o + 16;
    if (name) p = putOption(b, p, 2, name); // if_name
    p = putOption(b, p, 9, tsresol); // if_tsresol
    b.writeUInt32LE(0, p);
    p += 4;
    b.writeUInt32LE(len, p);
    this.commit(len);
  }

  write(data: Uint8Array, info: PacketInfo): void {
    const { capLen, wireLen } = this.checkPacket(data, info);
    const len = 32 + pad4(capLen);
    this.reserve(len);
    const v = this.view;
    const o = this.pos;
    const sub = this.precision === 'nano' ? info.tsNsec : Math.floor(info.tsNsec / 1000);
    v.setUint32(o, 0x00000006, true);
    v.setUint32(o + 4, len, true);
    v.setUint32(o + 8, 0, true); // interface id
    splitTimestamp(info.tsSec, this.#unitsPerSec, sub, v, o + 12);
    v.setUint32(o + 20, capLen, true);
    v.setUint32(o + 24, wireLen, true);
    this.buf.set(capLen === data.length ? data : data.subarray(0, capLen), o + 28);
    for (let i = o + 28 + capLen; i < o + len - 4; i++) this.buf[i] = 0; // at most 3 padding bytes
    v.setUint32(o + len - 4, len, true);
    this.commit(len, true);
  }
}

/**
 * Stores `sec * unitsPerSec + sub` (up to 2^62) as pcapng's high and low
 * 32-bit words at `o`, exactly, without BigInt (which costs more per packet
 * than the rest of the record). `sec` is split at 2^16 so that every product
 * stays below 2^53; the high half's product is a multiple of 2^16, so its
 * words come from a division by 2^16 that floating point does exactly.
 */
function splitTimestamp(sec: number, unitsPerSec: number, sub: number, v: DataView, o: number): void {
  const hi = Math.floor(sec / 65536);
  const lo = sec % 65536;
  const q = hi * unitsPerSec; // the value's top part is q * 2^16
  const p = lo * unitsPerSec + sub;
  let low = (q % 65536) * 65536 + (p % 4294967296);
  let high = Math.floor(q / 65536) + Math.floor(p / 4294967296);
  if (low >= 4294967296) {
    low -= 4294967296;
    high += 1;
  }
  v.setUint32(o, high, true);
  v.setUint32(o + 4, low, true);
}

/** Options of {@link openWriter}. */
export interface OpenWriterOptions extends PcapngWriterOptions {
  /** Force a format instead of choosing by the file name's extension. */
  format?: 'pcap' | 'pcapng';
}

/**
 * Opens a writer, choosing the format by `options.format` or else by the file
 * name: `.pcapng` (or `.ntar`) writes pcapng, anything else (`.pcap`, `.cap`,
 * no extension) classic pcap, like tcpdump. A descriptor or stream target
 * writes classic pcap unless `format` says otherwise.
 */
export function openWriter(target: WriterTarget, options: OpenWriterOptions = {}): PacketWriter {
  const format = options.format ?? (typeof target === 'string' && /\.(pcapng|ntar)$/i.test(target) ? 'pcapng' : 'pcap');
  if (format === 'pcapng') return new PcapngWriter(target, options);
  if (format === 'pcap') return new PcapWriter(target, options);
  throw argError("'pcap' or 'pcapng'", 'format', format);
}
