/**
 * Writes a benchmark input file: `count` frames of one kind from one seed. The
 * file name carries kind, count and seed, so a file already generated with the
 * same parameters (by this generator version) is reused instead of rewritten.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MixGenerator, MIX_MAX_FRAME } from './mix';
import { MinimalGenerator, MIN_FRAME } from './minimal';
import { PcapWriter } from '../../lib/pcap-writer';

/** Kinds of input: `mix` (realistic, mean near 600 B) or `min` (64-byte frames). */
export type InputKind = 'mix' | 'min';

/** Bumped whenever the generator's output changes, so stale cached files are not reused. */
export const GENERATOR_VERSION = 2;

/** What to generate. */
export interface GenerateOptions {
  /** Directory the file is written to (created if missing). */
  outDir: string;
  /** Number of frames. */
  count: number;
  kind: InputKind;
  /** Seed of the random generator; the default gives the published figures. */
  seed?: number;
}

/** A generated input file and what it holds. */
export interface InputFile {
  path: string;
  kind: InputKind;
  count: number;
  seed: number;
  /** Bytes of frames (without pcap headers). */
  frameBytes: number;
  /** Mean frame length in bytes. */
  meanFrame: number;
  /** Seconds the generation took (0 when the file was reused). */
  seconds: number;
  /** SHA-256 of the file: the same seed and count must give the same hash on every machine. */
  sha256: string;
}

function sha256Of(file: string): string {
  const hash = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(8 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** The default seed. */
export const DEFAULT_SEED = 20261121;

/** Path of the file that `generate` writes for these options. */
export function inputPath(o: GenerateOptions): string {
  return path.join(o.outDir, `${o.kind}-${o.count}-seed${o.seed ?? DEFAULT_SEED}-v${GENERATOR_VERSION}.pcap`);
}

/** Generates the file (or reuses an identical one) and describes it. */
export function generate(o: GenerateOptions): InputFile {
  const seed = o.seed ?? DEFAULT_SEED;
  const file = inputPath(o);
  const meta = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(meta)) {
    const known = JSON.parse(fs.readFileSync(meta, 'utf8')) as InputFile;
    if (known.sha256 && fs.statSync(file).size === 24 + 16 * known.count + known.frameBytes)
      return { ...known, seconds: 0 };
  }
  fs.mkdirSync(o.outDir, { recursive: true });
  const t0 = process.hrtime.bigint();
  const tmp = `${file}.partial`;
  const out = new PcapWriter(tmp, { snaplen: 65535, bufferSize: 8 << 20 });
  const gen = o.kind === 'mix' ? new MixGenerator(seed) : new MinimalGenerator(seed);
  const frame = new Uint8Array(o.kind === 'mix' ? MIX_MAX_FRAME : MIN_FRAME);
  // Timestamps are part of the output, so they come from the seed too, not the clock.
  const info = { tsSec: 1_763_683_200, tsNsec: 0 }; // 2025-11-21 00:00:00 UTC
  let frameBytes = 0;
  for (let i = 0; i < o.count; i++) {
    const len = gen.frame(frame, 0);
    info.tsNsec += 1000 * (1 + ((i * 2654435761) >>> 27)); // 1..32 us apart, deterministic
    if (info.tsNsec >= 1e9) {
      info.tsSec += 1;
      info.tsNsec -= 1e9;
    }
    out.write(frame.subarray(0, len), info);
    frameBytes += len;
  }
  out.closeSync();
  fs.renameSync(tmp, file);
  const result: InputFile = {
    path: file,
    kind: o.kind,
    count: o.count,
    seed,
    frameBytes,
    meanFrame: frameBytes / o.count,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    sha256: sha256Of(file),
  };
  fs.writeFileSync(meta, JSON.stringify(result));
  return result;
}
