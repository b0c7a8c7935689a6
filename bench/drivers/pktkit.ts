/** pktkit's drivers: the dissector alone, and the public file API (batches and for-await). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runNodeChild } from '../harness/child';
import type { BenchContext, Driver } from '../harness/types';

function addonMissing(ctx: BenchContext): string | undefined {
  if (!fs.existsSync(path.join(ctx.root, 'build', 'Release', 'pktkit.node'))) {
    return 'the addon is not built (npm run build:native)';
  }
  return undefined;
}

/** Packets of the input held in memory for the dissector-alone trial. */
export function dissectCount(ctx: BenchContext): number {
  return Math.min(ctx.count, ctx.quick ? 20_000 : 100_000);
}

/** The addon's dissectLoop over packets in memory, timed by benchmark.js. */
export const pktkitDissect: Driver = {
  name: 'pktkit dissector (addon, benchmark.js)',
  unavailable: addonMissing,
  run: (ctx, input) => runNodeChild(ctx, 'pktkit-dissect', [input.path, String(dissectCount(ctx))]),
};

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
