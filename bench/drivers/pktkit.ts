/** pktkit's drivers: the dissector alone, and the public file API (batches and for-await). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runNodeChild } from '../harness/child';
import type { BenchContext, Driver } from '../harness/types';

/**
 * Why pktkit cannot run: the addon is not built. A build/ directory without
 * the addon is a build in progress (node-gyp rebuild empties it first), so
 * that is waited for, up to three minutes.
 */
export function addonMissing(ctx: BenchContext): string | undefined {
  const addon = path.join(ctx.root, 'build', 'Release', 'pktkit.node');
  const deadline = Date.now() + 180_000;
  while (!fs.existsSync(addon) && fs.existsSync(path.join(ctx.root, 'build')) && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  }
  return fs.existsSync(addon) ? undefined : 'the addon is not built (npm run build:native)';
}

/**
 * Packets held in memory for the dissector-alone trial: a set far larger than
 * the caches (100,000 packets of the mix are ~60 MB), and a cache-hot one.
 */
export const DISSECT_SETS = { cold: 100_000, hot: 1_000 } as const;

/** The addon's dissectLoop over the first `n` packets, in memory, timed by benchmark.js. */
export function pktkitDissect(n: number): Driver {
  return {
    name: `pktkit dissector (addon), ${n.toLocaleString('en-US')} packets`,
    unavailable: addonMissing,
    run: (ctx, input) => runNodeChild(ctx, 'pktkit-dissect', [input.path, String(n)]),
  };
}

/** The read modes of bench/child/pktkit-file.ts and how the tables name them. */
const FILE_MODES = {
  batch: 'pktkit batches()',
  'batch-text': 'pktkit batches(), text addresses',
  'for-await': 'pktkit for await',
} as const;

/** openFile and one of the read modes, in a fresh Node with --expose-gc (for the heap figures). */
export function pktkitFile(mode: keyof typeof FILE_MODES): Driver {
  return {
    name: FILE_MODES[mode],
    unavailable: addonMissing,
    run: (ctx, input) => runNodeChild(ctx, 'pktkit-file', [mode, input.path], ['--expose-gc']),
  };
}

/** The reference of the file and peers tables. */
export const PKTKIT_BATCH = FILE_MODES.batch;
/** The per-packet row, compared with the batch row. */
export const PKTKIT_FOR_AWAIT = FILE_MODES['for-await'];
