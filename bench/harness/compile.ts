/**
 * The Node children run as JavaScript compiled by tsc, as a user's code would,
 * not through tsx: tsx turns every imported binding into a getter call (e.g.
 * each read of the record's field offsets), which costs pktkit's per-packet
 * path a measurable share. Compiled once per benchmark run into
 * bench/out/dist, with a copy of the addon taken at that moment in
 * bench/out/build, where lib/binding.ts looks from there as it does from dist/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchContext } from './types';

/** The child scripts (under bench/child) that run under Node. */
const CHILDREN = [
  'pktkit-file',
  'pktkit-dissect',
  'pktkit-live',
  'pktkit-send',
  'pktkit-columns',
  'pktkit-fanout',
  'pktkit-fanout-worker',
  'pktkit-export',
  'cap-file',
  'pcap-file',
  'cap-live',
];
/**
 * Other entry points compiled with them: the CLI, which the live trial runs as users do (`pktkit capture`),
 * and the fanout's worker script, which lib/fanout.ts starts by path (no import brings it in).
 */
const OTHERS = [path.join('lib', 'cli', 'main.ts'), path.join('lib', 'fanout-worker.ts')];

let outcome: string | undefined | null = null;

/** Compiles the children (once); returns why it failed, or undefined. */
export function compileChildren(ctx: BenchContext): string | undefined {
  if (outcome !== null) return outcome;
  const outDir = path.join(ctx.outDir, 'dist');
  fs.rmSync(outDir, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ctx.root] });
  // The project's compiler options, on these entry points only (other people's files need not compile for this).
  const args = [
    tsc,
    '--target',
    'ES2022',
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--lib',
    'ES2022',
    '--types',
    'node',
    '--strict',
    '--esModuleInterop',
    '--skipLibCheck',
    '--rootDir',
    ctx.root,
    '--outDir',
    outDir,
    ...CHILDREN.map((c) => path.join(ctx.root, 'bench', 'child', `${c}.ts`)),
    ...OTHERS.map((o) => path.join(ctx.root, o)),
  ];
  const r = spawnSync(process.execPath, args, { cwd: ctx.root, encoding: 'utf8', timeout: 300_000 });
  const missing = [
    ...CHILDREN.filter((c) => !fs.existsSync(compiledChild(ctx, c))),
    ...OTHERS.filter((o) => !fs.existsSync(path.join(outDir, o.replace(/\.ts$/, '.js')))),
  ];
  if (r.error || missing.length > 0) {
    outcome = `tsc did not compile bench/child (${missing.join(', ')}): ${(r.error?.message ?? r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
    return outcome;
  }
  snapshotAddon(ctx);
  outcome = undefined;
  return outcome;
}

/**
 * Copies build/Release/pktkit.node to bench/out/build/Release, where the
 * compiled lib/binding.ts looks (two levels above bench/out/dist/lib): every
 * run then loads the same addon, even if build/ is rebuilt during the
 * benchmark (other work on the repository does that).
 */
function snapshotAddon(ctx: BenchContext): void {
  const dir = path.join(ctx.outDir, 'build');
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(dir);
  const release = path.join(dir, 'Release');
  fs.mkdirSync(release, { recursive: true });
  const addon = path.join(ctx.root, 'build', 'Release', 'pktkit.node');
  if (fs.existsSync(addon)) fs.copyFileSync(addon, path.join(release, 'pktkit.node'));
  else fs.rmSync(path.join(release, 'pktkit.node'), { force: true });
}

/** Path of a compiled child script, e.g. `compiledChild(ctx, 'pktkit-file')`. */
export function compiledChild(ctx: BenchContext, name: string): string {
  return path.join(ctx.outDir, 'dist', 'bench', 'child', `${name}.js`);
}
