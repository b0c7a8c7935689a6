/**
 * Builds and runs test/decode/file_reader_harness.cc (native/file_reader.cc and the format files
 * compiled on their own, no addon) and test/decode/file_reader_fuzz.cc (libFuzzer), and reads the
 * same files with tshark, so the reader can be compared field by field with a tool nobody here wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { run, runOk } from '../helpers/processes';
import { buildLibFuzzer } from './libfuzzer';

const root = path.join(__dirname, '..', '..');
const readerSources = ['file_reader.cc', 'access_probe.cc', 'pcap_format.cc', 'pcapng_format.cc'].map((f) =>
  path.join(root, 'native', f),
);

/** One packet as the harness (or tshark) reports it. */
export interface ReadPacket {
  /** `sec.nnnnnnnnn`, as tshark's frame.time_epoch prints it. */
  time: string;
  caplen: number;
  wirelen: number;
  /** DLT, or -1 when the source does not say (tshark). */
  linktype: number;
  iface: number;
  /** FNV-1a 32 of the captured bytes, 8 hex digits. */
  hash: string;
}

/** What the harness printed for one input. */
export interface ReadResult {
  /** Open failed: the error code and message (nothing else is set). */
  openError?: { code: string; message: string };
  header?: { linktype: number; snaplen: number; nanosecond: boolean };
  /** How the reader read the input: mapped, or in chunks (pipes always are). */
  access?: 'map' | 'read';
  /** What `auto` measured on a large file to choose `access`: CPU ns and bytes walked each way. */
  probe?: { mapNs: number; mapBytes: number; readNs: number; readBytes: number };
  packets: ReadPacket[];
  stats?: { packets: number; batches: number; windows: number; wouldblock: number };
  /** `end`, `stall`, or the error's code. */
  end: string;
  /** The error's message when `end` is a code. */
  message?: string;
}

/**
 * Compiles the harness into `dir`; returns the executable. `sanitize` (the default) builds with
 * ASan and UBSan at -O1 for the tests; `sanitize: false` builds at -O2 for measuring.
 */
export async function buildReaderHarness(dir: string, { sanitize = true } = {}): Promise<string> {
  const exe = path.join(dir, sanitize ? 'file_reader_harness' : 'file_reader_harness_o2');
  const flags = sanitize
    ? ['-O1', '-g', '-fno-omit-frame-pointer', '-fsanitize=address,undefined', '-fno-sanitize-recover=all']
    : ['-O2', '-DNDEBUG'];
  await runOk(
    null,
    'g++',
    [
      '-std=c++17',
      ...flags,
      '-Wall',
      '-Wextra',
      '-Werror',
      path.join(root, 'test', 'decode', 'file_reader_harness.cc'),
      ...readerSources,
      '-lpcap',
      '-o',
      exe,
    ],
    { timeoutMs: 180_000 },
  );
  return exe;
}

/** Compiles the file reader's libFuzzer target into `dir`; returns the executable. */
export function buildReaderFuzzer(dir: string): Promise<string> {
  return buildLibFuzzer(dir, 'file_reader_fuzz', [
    path.join(root, 'test', 'decode', 'file_reader_fuzz.cc'),
    ...readerSources,
  ]);
}

/** Options for {@link readWithHarness}. */
export interface ReadOptions {
  /** The largest mapped window, bytes (default: the reader's, 1 GiB). */
  window?: number;
  /** How a regular file is read (FileReader::Access): mapped, read in chunks, or the reader's choice (default). */
  access?: 'map' | 'read' | 'auto';
  /** The chunk buffer of `access: 'read'`, bytes (default: the reader's). */
  chunk?: number;
  /** Packets per next() call. */
  max?: number;
  /** How long a pipe may stay silent before the harness prints `E stall`. */
  stallMs?: number;
  timeoutMs?: number;
  /** Written to the harness's standard input (with `file` = '-'). */
  input?: Uint8Array;
}

/** Parses the harness's print-mode output. */
export function parseHarnessOutput(stdout: string): ReadResult {
  const result: ReadResult = { packets: [], end: '' };
  for (const line of stdout.split('\n')) {
    const [kind, ...f] = line.split(' ');
    if (kind === 'O') {
      result.openError = { code: f[0], message: f.slice(1).join(' ') };
      result.end = f[0];
    } else if (kind === 'A') {
      result.access = f[0] as 'map' | 'read';
      if (f[1] === 'probe') {
        const [mapNs, mapBytes, readNs, readBytes] = f.slice(2, 6).map(Number);
        result.probe = { mapNs, mapBytes, readNs, readBytes };
      }
    } else if (kind === 'H')
      result.header = { linktype: Number(f[0]), snaplen: Number(f[1]), nanosecond: f[2] === '1' };
    else if (kind === 'P') {
      result.packets.push({
        time: f[0],
        caplen: Number(f[1]),
        wirelen: Number(f[2]),
        linktype: Number(f[3]),
        iface: Number(f[4]),
        hash: f[5],
      });
    } else if (kind === 'S') {
      const v = Object.fromEntries(f.map((kv) => kv.split('=')).map(([k, n]) => [k, Number(n)]));
      result.stats = { packets: v.packets, batches: v.batches, windows: v.windows, wouldblock: v.wouldblock };
    } else if (kind === 'E') {
      result.end = f[0] === 'error' ? f[1] : f[0];
      if (f[0] === 'error') result.message = f.slice(2).join(' ');
    }
  }
  return result;
}

/** Runs the harness's print mode over `file`; rejects unless it exits 0 (a sanitizer report, a signal). */
export async function readWithHarness(exe: string, file: string, options: ReadOptions = {}): Promise<ReadResult> {
  const args = ['print'];
  if (options.window !== undefined) args.push('--window', String(options.window));
  if (options.access !== undefined) args.push('--access', options.access);
  if (options.chunk !== undefined) args.push('--chunk', String(options.chunk));
  if (options.max !== undefined) args.push('--max', String(options.max));
  if (options.stallMs !== undefined) args.push('--stall-ms', String(options.stallMs));
  args.push(file);
  const r = await runOk(null, exe, args, { timeoutMs: options.timeoutMs ?? 60_000, input: options.input });
  return parseHarnessOutput(r.stdout);
}

/** libpcap's reading of `file` (pcap_next_ex), in the harness's format. */
export async function readWithLibpcap(exe: string, file: string): Promise<ReadResult> {
  const r = await runOk(null, exe, ['libpcap', file], { timeoutMs: 60_000 });
  return parseHarnessOutput(r.stdout);
}

/** The harness's probe mode: how long open took and what the first next() said. */
export async function probe(exe: string, file: string): Promise<Record<string, string>> {
  const r = await runOk(null, exe, ['probe', file], { timeoutMs: 30_000 });
  return Object.fromEntries(
    r.stdout
      .trim()
      .split(' ')
      .filter((kv) => kv.includes('='))
      .map((kv) => kv.split('=') as [string, string]),
  );
}

/** FNV-1a 32 of `bytes`, as the harness prints it. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** tshark's reading of `file`, and whether tshark itself reported an error (a cut file). */
export interface TsharkRead {
  packets: Array<Omit<ReadPacket, 'linktype'> & { section: number }>;
  failed: boolean;
  stderr: string;
}

/**
 * Reads `file` with tshark (`-T json -x -j frame`): each frame's epoch time, lengths, section,
 * interface id and the hash of its raw bytes. Never rejects on tshark's exit status: a file cut
 * inside a block makes tshark print every whole packet and then fail.
 */
export async function readWithTshark(file: string): Promise<TsharkRead> {
  const r = await run(null, 'tshark', ['-r', file, '-n', '-T', 'json', '-x', '-j', 'frame'], { timeoutMs: 120_000 });
  const out: TsharkRead = { packets: [], failed: r.code !== 0, stderr: r.stderr };
  const text = r.stdout.trim();
  if (text === '') return out;
  const frames = JSON.parse(text) as Array<{
    _source: { layers: { frame: Record<string, string>; frame_raw?: [string, ...unknown[]] } };
  }>;
  for (const f of frames) {
    const fr = f._source.layers.frame;
    const raw = f._source.layers.frame_raw?.[0] ?? '';
    out.packets.push({
      time: fr['frame.time_epoch'],
      caplen: Number(fr['frame.cap_len']),
      wirelen: Number(fr['frame.len']),
      iface: Number(fr['frame.interface_id'] ?? 0),
      section: Number(fr['frame.section_number'] ?? 1),
      hash: fnv1a(Buffer.from(raw, 'hex')),
    });
  }
  return out;
}

/** Writes `files` (name -> bytes) into `dir`; returns their paths. */
export function writeFiles(dir: string, files: Record<string, Uint8Array>): string[] {
  return Object.entries(files).map(([name, bytes]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return p;
  });
}
