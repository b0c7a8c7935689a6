/**
 * Hostile capture files: a seeded generator of mutated pcap and pcapng files for the file reader
 * (and, once it is wired in, for openFile and `pktkit read`). Every file must give packets or a
 * typed error: no signal, no hang, no allocation sized by a lying field.
 *
 * Classes (the `kind` of each file):
 * - `bitflip`      1-16 random bits flipped in a valid file
 * - `caplen`       a pcap record's or EPB's captured length lies (0, huge, just past the end, > len)
 * - `wirelen`      the original length lies (0, < caplen, 0xffffffff)
 * - `snaplen`      the header's or IDB's snaplen lies (0, 0x3fffff81, 0xffffffff)
 * - `blocklen`     a block's total length: < 12, not a multiple of 4, past the end, huge; bad trailer
 * - `linktype`     IDB / header link types: random, 0xffff, FCS bits set
 * - `tsresol`      if_tsresol and if_tsoffset extremes, timestamps past 2106 or before 1970
 * - `structure`    packets before an IDB, interface ids out of range, options that overrun, bad
 *                  byte-order magics, version numbers, blocks before the first SHB
 * - `sections`     thousands of sections (with and without interfaces), 65536 interfaces in one
 * - `truncated`    every truncation class: inside the file header, a record header, record data,
 *                  a block header, an SHB before its byte-order magic, a block body, a trailer
 *
 * Reproducible: the same seed and count give the same files on any machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PcapngBuilder, pcapFile, randomBytes, seededRandom } from './capture-files';

/** One generated file. */
export interface MutatedCapture {
  file: string;
  kind: string;
  /** What was done to it, for a failure message. */
  what: string;
}

const fixtures = path.join(__dirname, '..', 'fixtures', 'pcap');

/** Valid files to mutate: the fixtures and a few crafted ones (big-endian, several interfaces). */
export function baseCaptures(rand: () => number = seededRandom(1)): Array<{ name: string; bytes: Buffer }> {
  const bases = fs
    .readdirSync(fixtures)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => ({ name: f, bytes: fs.readFileSync(path.join(fixtures, f)) }));
  const frames = Array.from({ length: 12 }, () => randomBytes(rand, 14 + Math.floor(rand() * 300)));
  bases.push({
    name: 'be-ns.pcap',
    bytes: pcapFile(
      { bigEndian: true, nano: true },
      frames.map((data, i) => ({ sec: 1795285953, frac: i, data })),
    ),
  });
  for (const bigEndian of [false, true]) {
    const b = new PcapngBuilder()
      .shb(bigEndian, [{ code: 4, value: Buffer.from('mutated') }])
      .idb({ linktype: 1, snaplen: 200, tsresol: 0x80 | 20 })
      .idb({ linktype: 113, tsresol: 9, tsoffset: 100n });
    frames.forEach((data, i) => {
      if (i % 4 === 3) b.spb({ data: data.subarray(0, 200), wirelen: data.length });
      else if (i % 4 === 2) b.opb({ iface: 1, ts: 1795285953n * 1_000_000_000n + BigInt(i), data });
      else b.epb({ iface: i % 2, ts: i % 2 ? 1795285953n * 1_000_000_000n : 1795285953n << 20n, data });
    });
    b.block(0x42, Buffer.alloc(8));
    b.shb(!bigEndian)
      .idb({ linktype: 276 })
      .epb({ ts: 1795285953n * 1_000_000n, data: frames[0] });
    bases.push({ name: `crafted-${bigEndian ? 'be' : 'le'}.pcapng`, bytes: b.bytes() });
  }
  return bases;
}

/** Offsets of each pcapng block start in `b` (following lengths while they make sense). */
function blockStarts(b: Buffer): number[] {
  const starts: number[] = [];
  let le = true;
  for (let at = 0; at + 12 <= b.length;) {
    if (b.readUInt32LE(at) === 0x0a0d0d0a) le = b.readUInt32LE(at + 8) === 0x1a2b3c4d;
    const len = le ? b.readUInt32LE(at + 4) : b.readUInt32BE(at + 4);
    if (len < 12 || len % 4 || at + len > b.length) break;
    starts.push(at);
    at += len;
  }
  return starts;
}

/** Offsets of each pcap record start in `b`. */
function recordStarts(b: Buffer): number[] {
  const starts: number[] = [];
  const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
  for (let at = 24; at + 16 <= b.length;) {
    const cap = le ? b.readUInt32LE(at + 8) : b.readUInt32BE(at + 8);
    if (at + 16 + cap > b.length) break;
    starts.push(at);
    at += 16 + cap;
  }
  return starts;
}

const isPcapng = (b: Buffer) => b.readUInt32LE(0) === 0x0a0d0d0a;
const littleEndianAt = (b: Buffer, at: number) => {
  // the byte order of the section holding `at` (pcapng) or of the file (pcap)
  if (!isPcapng(b)) return b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
  let le = true;
  for (const s of blockStarts(b)) {
    if (s > at) break;
    if (b.readUInt32LE(s) === 0x0a0d0d0a) le = b.readUInt32LE(s + 8) === 0x1a2b3c4d;
  }
  return le;
};
function put32(b: Buffer, at: number, v: number): void {
  if (at + 4 > b.length) return;
  if (littleEndianAt(b, at)) b.writeUInt32LE(v >>> 0, at);
  else b.writeUInt32BE(v >>> 0, at);
}
function put16(b: Buffer, at: number, v: number): void {
  if (at + 2 > b.length) return;
  if (littleEndianAt(b, at)) b.writeUInt16LE(v & 0xffff, at);
  else b.writeUInt16BE(v & 0xffff, at);
}
function blockType(b: Buffer, at: number): number {
  return littleEndianAt(b, at) ? b.readUInt32LE(at) : b.readUInt32BE(at);
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Big structural files, made whole rather than mutated. */
function structural(rand: () => number): Array<{ kind: string; what: string; bytes: Buffer }> {
  const out: Array<{ kind: string; what: string; bytes: Buffer }> = [];
  const frame = randomBytes(rand, 60);
  const many = new PcapngBuilder();
  for (let i = 0; i < 5000; i++)
    many
      .shb(i % 2 === 1)
      .idb({ linktype: 1 + (i % 3) })
      .epb({ ts: BigInt(i), data: frame });
  out.push({
    kind: 'sections',
    what: '5000 sections, each with an interface and a packet, byte order alternating',
    bytes: many.bytes(),
  });
  const empty = new PcapngBuilder();
  for (let i = 0; i < 20000; i++) empty.shb(false);
  out.push({ kind: 'sections', what: '20000 empty sections', bytes: empty.bytes() });
  const ifaces = new PcapngBuilder().shb(false);
  for (let i = 0; i < 65536; i++) ifaces.idb({ linktype: i & 0xffff });
  ifaces.epb({ iface: 65534, ts: 1n, data: frame });
  out.push({ kind: 'sections', what: '65536 interfaces in one section (one too many)', bytes: ifaces.bytes() });
  const ok = new PcapngBuilder().shb(false);
  for (let i = 0; i < 65535; i++) ok.idb({ linktype: 1 });
  ok.epb({ iface: 65534, ts: 1n, data: frame });
  out.push({ kind: 'sections', what: '65535 interfaces in one section, a packet on the last', bytes: ok.bytes() });
  for (const r of [0x7f, 0xff, 0x80 | 63, 0x80 | 64, 19, 20, 0, 0x80]) {
    for (const off of [0n, -(1n << 63n), (1n << 63n) - 1n, -1795285953n, 1n << 32n]) {
      const b = new PcapngBuilder().shb(rand() < 0.5).idb({ tsresol: r, tsoffset: off });
      for (const ts of [0n, 1n, (1n << 64n) - 1n, 1795285953n * 1_000_000n]) b.epb({ ts, data: frame });
      out.push({ kind: 'tsresol', what: `if_tsresol 0x${r.toString(16)}, if_tsoffset ${off}`, bytes: b.bytes() });
    }
  }
  for (const snaplen of [0, 0x3fffff81, 0xffffffff, 0x7fffffff]) {
    out.push({
      kind: 'snaplen',
      what: `pcap snaplen 0x${snaplen.toString(16)}`,
      bytes: pcapFile({ snaplen }, [{ sec: 1, frac: 0, data: frame }]),
    });
    out.push({
      kind: 'snaplen',
      what: `IDB snaplen 0x${snaplen.toString(16)} with SPBs`,
      bytes: new PcapngBuilder()
        .shb()
        .idb({ snaplen })
        .spb({ data: frame, wirelen: 0xffffffff })
        .spb({ data: frame })
        .bytes(),
    });
  }
  out.push({
    kind: 'structure',
    what: 'a packet before any interface',
    bytes: new PcapngBuilder().shb().epb({ ts: 0n, data: frame }).bytes(),
  });
  out.push({
    kind: 'structure',
    what: 'an SPB before any interface',
    bytes: new PcapngBuilder().shb().spb({ data: frame }).bytes(),
  });
  out.push({
    kind: 'structure',
    what: 'an EPB on interface 1 of 1',
    bytes: new PcapngBuilder().shb().idb().epb({ iface: 1, ts: 0n, data: frame }).bytes(),
  });
  out.push({
    kind: 'structure',
    what: 'an OPB on interface 0xffff',
    bytes: new PcapngBuilder().shb().idb().opb({ iface: 0xffff, ts: 0n, data: frame }).bytes(),
  });
  out.push({
    kind: 'structure',
    what: 'an IDB option that overruns the block',
    bytes: new PcapngBuilder()
      .shb()
      .idb({ options: [{ code: 2, value: Buffer.alloc(8) }] })
      .bytes()
      .fill(0xff, 28 + 16 + 2, 28 + 16 + 4),
  });
  out.push({
    kind: 'structure',
    what: 'pcap version 3',
    bytes: pcapFile({ versionMajor: 3 }, [{ sec: 1, frac: 0, data: frame }]),
  });
  out.push({
    kind: 'structure',
    what: 'pcap microsecond fraction >= 10^6',
    bytes: pcapFile({}, [
      { sec: 1, frac: 2_000_000, data: frame },
      { sec: 0xffffffff, frac: 0xffffffff, data: frame },
    ]),
  });
  return out;
}

/** Applies one random mutation of one class to a copy of `base`. */
function mutate(rand: () => number, base: Buffer): { kind: string; what: string; bytes: Buffer } {
  const b = Buffer.from(base);
  const ng = isPcapng(b);
  const units = ng ? blockStarts(b) : recordStarts(b);
  const unit = units.length ? pick(rand, units) : 0;
  const kind = pick(rand, [
    'bitflip',
    'bitflip',
    'caplen',
    'wirelen',
    'snaplen',
    'blocklen',
    'linktype',
    'tsresol',
    'truncated',
    'truncated',
    'structure',
  ]);
  switch (kind) {
    case 'bitflip': {
      const n = 1 + Math.floor(rand() * 16);
      for (let i = 0; i < n; i++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
      return { kind, what: `${n} bits flipped`, bytes: b };
    }
    case 'caplen':
    case 'wirelen': {
      const v = pick(rand, [
        0,
        1,
        0xffffffff,
        0x7fffffff,
        0x3fffff81,
        65536,
        262145,
        b.length - unit,
        b.length - unit - 15,
        64 << 20,
      ]);
      const at = ng
        ? blockType(b, unit) === 3
          ? unit + 8
          : unit + (kind === 'caplen' ? 20 : 24)
        : unit + (kind === 'caplen' ? 8 : 12);
      put32(b, at, v);
      return { kind, what: `${kind} ${v} in the record at ${unit}`, bytes: b };
    }
    case 'snaplen': {
      const v = pick(rand, [0, 0x3fffff81, 0xffffffff, 1, 64]);
      if (!ng) put32(b, 16, v);
      else for (const s of units) if (blockType(b, s) === 1) put32(b, s + 12, v);
      return { kind, what: `snaplen ${v}`, bytes: b };
    }
    case 'blocklen': {
      if (!ng) {
        put32(b, unit + 8, pick(rand, [0xfffffff0, b.length]));
        return { kind, what: `pcap caplen past the end at ${unit}`, bytes: b };
      }
      const len = littleEndianAt(b, unit) ? b.readUInt32LE(unit + 4) : b.readUInt32BE(unit + 4);
      const v = pick(rand, [
        0,
        4,
        8,
        11,
        13,
        len + 1,
        len + 4,
        len - 4,
        0xfffffffc,
        b.length - unit + 4,
        (64 << 20) + 4,
      ]);
      if (rand() < 0.3) {
        put32(b, unit + len - 4, v);
        return { kind, what: `trailer ${v} of the block at ${unit}`, bytes: b };
      }
      put32(b, unit + 4, v);
      return { kind, what: `length ${v} of the block at ${unit}`, bytes: b };
    }
    case 'linktype': {
      const v = pick(rand, [0xffff, 0, 101, 0x44000001, Math.floor(rand() * 0x10000), 0xffffffff]);
      if (!ng) put32(b, 20, v);
      else for (const s of units) if (blockType(b, s) === 1) put16(b, s + 8, v);
      return { kind, what: `link type ${v}`, bytes: b };
    }
    case 'tsresol': {
      // Rewrite each IDB's if_tsresol value byte when it has one; else lie in the timestamps.
      let done = false;
      const r = pick(rand, [0x7f, 0xff, 0x80 | 63, 0x80 | 64, 19, 20, 0]);
      if (ng) {
        for (let i = 0; i + 5 <= b.length; i++) {
          if (
            (b.readUInt16LE(i) === 9 || b.readUInt16BE(i) === 9) &&
            (b.readUInt16LE(i + 2) === 1 || b.readUInt16BE(i + 2) === 1) &&
            rand() < 0.5
          ) {
            b[i + 4] = r;
            done = true;
          }
        }
      }
      if (!done) put32(b, ng ? unit + 12 : unit, 0xffffffff);
      return {
        kind,
        what: done ? `if_tsresol 0x${r.toString(16)}` : `timestamp high word 0xffffffff at ${unit}`,
        bytes: b,
      };
    }
    case 'structure': {
      if (!ng) {
        put16(b, 4, pick(rand, [0, 1, 3, 0xffff]));
        return { kind, what: 'pcap version', bytes: b };
      }
      const choice = Math.floor(rand() * 3);
      if (choice === 0) {
        put32(b, unit + 8, pick(rand, [1, 2, 0xffff, 0xffffffff]));
        return { kind, what: `interface id / first body word at ${unit}`, bytes: b };
      }
      if (choice === 1) {
        b.writeUInt32LE(0x4d3c2b1a ^ 0x01010101, 8);
        return { kind, what: 'bad byte-order magic', bytes: b };
      }
      return {
        kind,
        what: 'blocks before the first SHB',
        bytes: Buffer.concat([new PcapngBuilder().shb().idb().bytes().subarray(28), b]),
      };
    }
    default: {
      // truncated: at a class boundary +-
      const header = ng ? 28 : 24;
      const cuts = [
        Math.floor(rand() * header), // inside the file header / first SHB
        ng ? 10 : 24 + Math.floor(rand() * 16), // SHB before its byte-order magic / a record header
        unit + 1 + Math.floor(rand() * 7), // a record or block header
        unit + 16 + Math.floor(rand() * 40), // record data / block body
        b.length - 1 - Math.floor(rand() * 3), // the last trailer
        Math.floor(rand() * b.length),
      ];
      const cut = Math.max(0, Math.min(b.length, pick(rand, cuts)));
      return { kind: 'truncated', what: `cut at ${cut} of ${b.length}`, bytes: b.subarray(0, cut) };
    }
  }
}

/**
 * Writes `count` mutated files into `dir` (plus the structural ones: thousands of sections, 65536
 * interfaces, resolution extremes), seeded by `seed`; returns what each file is.
 */
export function writeMutatedCaptures(dir: string, count: number, seed = 20261202): MutatedCapture[] {
  const rand = seededRandom(seed);
  const bases = baseCaptures(seededRandom(seed ^ 0x5bd1e995));
  const out: MutatedCapture[] = [];
  const save = (kind: string, what: string, bytes: Buffer) => {
    const file = path.join(dir, `mutated-${String(out.length).padStart(5, '0')}-${kind}.bin`);
    fs.writeFileSync(file, bytes);
    out.push({ file, kind, what });
  };
  for (const s of structural(rand)) save(s.kind, s.what, s.bytes);
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length];
    const m = mutate(rand, base.bytes);
    save(m.kind, `${base.name}: ${m.what}`, m.bytes);
  }
  return out;
}
