/**
 * Builds pcap and pcapng files byte by byte, in either byte order, including what no tool here
 * writes (big-endian files, `if_tsresol` 2^-n, simple and obsolete packet blocks, unknown blocks)
 * and what no honest tool writes (lying lengths): the inputs of the file-reader tests and of the
 * mutated-file generator.
 */

/** A small seeded generator (mulberry32): the same seed gives the same files on any machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` pseudo-random bytes from `rand`. */
export function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** Writes u16/u32/u64 in one byte order. */
class Out {
  private readonly parts: Buffer[] = [];
  constructor(private readonly bigEndian: boolean) {}
  u16(v: number): this {
    const b = Buffer.alloc(2);
    if (this.bigEndian) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    if (this.bigEndian) b.writeUInt32BE(v >>> 0);
    else b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  u64(v: bigint): this {
    const b = Buffer.alloc(8);
    if (this.bigEndian) b.writeBigUInt64BE(BigInt.asUintN(64, v));
    else b.writeBigUInt64LE(BigInt.asUintN(64, v));
    this.parts.push(b);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  /** Zero bytes up to the next multiple of 4 of `n`. */
  pad(n: number): this {
    const p = (4 - (n % 4)) % 4;
    if (p) this.parts.push(Buffer.alloc(p));
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** One classic pcap record. `caplen` defaults to `data.length`; give it to lie. */
export interface PcapRecord {
  sec: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  frac: number;
  data: Uint8Array;
  wirelen?: number;
  caplen?: number;
}

/** Options of a classic pcap file header. */
export interface PcapHeader {
  bigEndian?: boolean;
  nano?: boolean;
  snaplen?: number;
  /** The whole link-type word (FCS bits included); default 1 (Ethernet). */
  linktype?: number;
  versionMajor?: number;
}

/** A classic pcap file header (24 bytes). */
export function pcapHeader(h: PcapHeader = {}): Buffer {
  return new Out(h.bigEndian ?? false)
    .u32(h.nano ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(h.versionMajor ?? 2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(h.snaplen ?? 262144)
    .u32(h.linktype ?? 1)
    .done();
}

/** One classic pcap record (16-byte header and the bytes). */
export function pcapRecord(r: PcapRecord, bigEndian = false): Buffer {
  return new Out(bigEndian)
    .u32(r.sec)
    .u32(r.frac)
    .u32(r.caplen ?? r.data.length)
    .u32(r.wirelen ?? r.data.length)
    .bytes(r.data)
    .done();
}

/** A whole classic pcap file. */
export function pcapFile(h: PcapHeader, records: readonly PcapRecord[]): Buffer {
  return Buffer.concat([pcapHeader(h), ...records.map((r) => pcapRecord(r, h.bigEndian ?? false))]);
}

/** A pcapng option: code and raw value (padded on output). */
export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

/** Options of an Interface Description Block. */
export interface IdbSpec {
  linktype?: number;
  snaplen?: number;
  /** The raw if_tsresol byte: n for 10^-n, 0x80 | n for 2^-n. Absent: microseconds. */
  tsresol?: number;
  /** if_tsoffset, seconds. */
  tsoffset?: bigint;
  options?: readonly PcapngOption[];
}

/** Writes one pcapng section after another; each section has its own byte order. */
export class PcapngBuilder {
  private readonly blocks: Buffer[] = [];
  private bigEndian = false;

  /** A raw block: `body` is padded; `totalLength` and `trailer` override the lengths to lie. */
  block(type: number, body: Uint8Array, lie: { totalLength?: number; trailer?: number } = {}): this {
    const padded = body.length + ((4 - (body.length % 4)) % 4);
    const total = 12 + padded;
    this.blocks.push(
      new Out(this.bigEndian)
        .u32(type)
        .u32(lie.totalLength ?? total)
        .bytes(body)
        .pad(body.length)
        .u32(lie.trailer ?? total)
        .done(),
    );
    return this;
  }

  /** A Section Header Block; starts a section in this byte order. */
  shb(bigEndian = false, options: readonly PcapngOption[] = []): this {
    this.bigEndian = bigEndian;
    const body = new Out(bigEndian).u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n).bytes(this.options(options)).done();
    return this.block(0x0a0d0d0a, body);
  }

  /** An Interface Description Block. */
  idb(spec: IdbSpec = {}): this {
    const options: PcapngOption[] = [...(spec.options ?? [])];
    if (spec.tsresol !== undefined) options.push({ code: 9, value: Uint8Array.of(spec.tsresol) });
    if (spec.tsoffset !== undefined)
      options.push({ code: 14, value: new Out(this.bigEndian).u64(spec.tsoffset).done() });
    const body = new Out(this.bigEndian)
      .u16(spec.linktype ?? 1)
      .u16(0)
      .u32(spec.snaplen ?? 0)
      .bytes(this.options(options))
      .done();
    return this.block(1, body);
  }

  /** An Enhanced Packet Block; `ts` in the interface's units. */
  epb(p: { iface?: number; ts: bigint; data: Uint8Array; wirelen?: number; caplen?: number }): this {
    const body = new Out(this.bigEndian)
      .u32(p.iface ?? 0)
      .u32(Number(BigInt.asUintN(64, p.ts) >> 32n))
      .u32(Number(BigInt.asUintN(32, p.ts)))
      .u32(p.caplen ?? p.data.length)
      .u32(p.wirelen ?? p.data.length)
      .bytes(p.data)
      .done();
    return this.block(6, body);
  }

  /** A Simple Packet Block (interface 0, no timestamp). */
  spb(p: { data: Uint8Array; wirelen?: number }): this {
    return this.block(
      3,
      new Out(this.bigEndian)
        .u32(p.wirelen ?? p.data.length)
        .bytes(p.data)
        .done(),
    );
  }

  /** An obsolete Packet Block (type 2): 16-bit interface id and drop count. */
  opb(p: { iface?: number; ts: bigint; data: Uint8Array; wirelen?: number }): this {
    const body = new Out(this.bigEndian)
      .u16(p.iface ?? 0)
      .u16(0)
      .u32(Number(BigInt.asUintN(64, p.ts) >> 32n))
      .u32(Number(BigInt.asUintN(32, p.ts)))
      .u32(p.data.length)
      .u32(p.wirelen ?? p.data.length)
      .bytes(p.data)
      .done();
    return this.block(2, body);
  }

  /** Every block so far, as one file. */
  bytes(): Buffer {
    return Buffer.concat(this.blocks);
  }

  private options(options: readonly PcapngOption[]): Buffer {
    if (options.length === 0) return Buffer.alloc(0);
    const out = new Out(this.bigEndian);
    for (const o of options) out.u16(o.code).u16(o.value.length).bytes(o.value).pad(o.value.length);
    return out.u16(0).u16(0).done();
  }
}
