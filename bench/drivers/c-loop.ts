/**
 * The plain C++ loops (bench/c/c-loop.cc): libpcap's pcap_loop, or the file
 * mmap()ed and walked by the program itself, with pktkit's own dissector
 * compiled in from native/dissect/*.cc. The limits the JS paths are measured
 * against, and the dissector alone without N-API.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runResultChild } from '../harness/child';
import type { BenchContext, Driver } from '../harness/types';
import { buildIfStale, hasCommand } from './build';

function binary(ctx: BenchContext): string {
  return path.join(ctx.outDir, 'c-loop');
}

function build(ctx: BenchContext): string | undefined {
  if (!hasCommand('g++')) return 'g++ is not installed';
  if (!fs.existsSync('/usr/include/pcap/pcap.h')) return 'libpcap-dev is not installed';
  const dissectDir = path.join(ctx.root, 'native', 'dissect');
  const sources = fs
    .readdirSync(dissectDir)
    .filter((f) => f.endsWith('.cc'))
    .map((f) => path.join(dissectDir, f));
  if (sources.length === 0) return 'native/dissect/*.cc is not there yet';
  const main = path.join(ctx.root, 'bench', 'c', 'c-loop.cc');
  // -O2 and link-time optimisation as binding.gyp builds the addon, so the loop and the addon run
  // the same machine code for the dissector (without -flto each decoder stayed a call of its own and
  // this loop ran the dissector ~1.6× slower than the addon did). This file is a source too: a
  // change of flags rebuilds.
  return buildIfStale(
    binary(ctx),
    [
      main,
      dissectDir,
      path.join(ctx.root, 'native', 'record.h'),
      path.join(ctx.root, 'native', 'record.def'),
      path.join(ctx.root, 'bench', 'drivers', 'c-loop.ts'),
    ],
    'g++',
    ['-std=c++17', '-O2', '-flto=auto', '-o', binary(ctx), main, ...sources, '-lpcap'],
  );
}

/** pcap_loop + dissect + the five fields, on a file. */
export const cLoop: Driver = {
  name: 'C++ pcap_loop + pktkit dissector',
  unavailable: build,
  run: (ctx, input) => runResultChild(binary(ctx), ['loop', input.path], 'c-loop'),
};

/**
 * The file mmap()ed and its pcap records walked by the program itself (no
 * libpcap, no stdio copy) + the same dissector and fields: the fastest a file
 * can be read here, the limit of a zero-copy file reader.
 */
export const cMmap: Driver = {
  name: 'C++ mmap walk + pktkit dissector',
  unavailable: build,
  run: (ctx, input) => runResultChild(binary(ctx), ['mmap', input.path], 'c-loop'),
};

/** dissect_packet over the first `n` packets in memory, no N-API: what the dissector costs by itself. */
export function cDissect(n: number): Driver {
  return {
    name: `C++ dissect_packet (no N-API), ${n.toLocaleString('en-US')} packets`,
    unavailable: build,
    // Enough passes for ~2M packets: long enough to time, short enough for 5 runs.
    run: (ctx, input) =>
      runResultChild(binary(ctx), ['dissect', input.path, String(n), String(Math.ceil(2e6 / n))], 'c-loop'),
  };
}
