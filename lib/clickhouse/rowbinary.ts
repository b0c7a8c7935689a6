/**
 * ClickHouse RowBinary, written into one growing buffer: little-endian
 * integers, FixedString as its bytes, String as a LEB128 length and UTF-8.
 * The buffer is reused from batch to batch; it grows by doubling and never
 * beyond what one batch needs.
 */

/** Appends RowBinary values to a reusable buffer. */
export class RowBinaryWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initial = 1 << 16) {
    this.#buf = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  u8(v: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = v;
  }
  u16(v: number): void {
    this.#room(2);
    this.#buf.writeUInt16LE(v & 0xffff, this.#pos);
    this.#pos += 2;
  }
  u32(v: number): void {
    this.#room(4);
    this.#buf.writeUInt32LE(v >>> 0, this.#pos);
    this.#pos += 4;
  }
  /** A UInt64 from a non-negative safe integer. */
  u64n(v: number): void {
    this.#room(8);
    this.#buf.writeUInt32LE(v % 0x1_0000_0000, this.#pos);
    this.#buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.#pos + 4);
    this.#pos += 8;
  }
  /** A UInt64 from a bigint. */
  u64(v: bigint): void {
    this.#room(8);
    this.#buf.writeBigUInt64LE(v, this.#pos);
    this.#pos += 8;
  }
  /** A UInt64 `sec * 1e9 + nsec` (sec < 2^32, nsec < 1e9), exact, without making a bigint. */
  u64ns(sec: number, nsec: number): void {
    // sec = hi16 * 2^16 + lo16; hi16 * 1e9 = q * 2^16 + r; so the sum is q * 2^32 + (lo16 * 1e9 + nsec + r * 2^16).
    const hi16 = Math.floor(sec / 0x10000);
    const lo16 = sec % 0x10000;
    const m = hi16 * 1e9;
    const q = Math.floor(m / 0x10000);
    const r = m % 0x10000;
    const low = lo16 * 1e9 + nsec + r * 0x10000; // < 2^47: exact
    this.#room(8);
    this.#buf.writeUInt32LE(low % 0x1_0000_0000, this.#pos);
    this.#buf.writeUInt32LE((q + Math.floor(low / 0x1_0000_0000)) >>> 0, this.#pos + 4);
    this.#pos += 8;
  }
  /** 16 bytes from four big-endian words (an address). */
  words16(w: ArrayLike<number>): void {
    this.#room(16);
    for (let i = 0; i < 4; i++) this.#buf.writeUInt32BE(w[i]! >>> 0, this.#pos + 4 * i);
    this.#pos += 16;
  }
  /** Raw bytes (FixedString of exactly this length). */
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }
  /** A String: LEB128 length, then UTF-8. */
  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.#room(n + 5);
    let len = n;
    while (len >= 0x80) {
      this.#buf[this.#pos++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    this.#buf[this.#pos++] = len;
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /** A copy of what was written, and the writer emptied for the next batch. */
  take(): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
    return out;
  }
}
