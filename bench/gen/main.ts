/**
 * Command line of the input generator:
 *   node --import tsx bench/gen/main.ts --out DIR --count N --kind mix|min [--seed S]
 * Prints the generated file's description as one JSON line.
 */
import { DEFAULT_SEED, generate, type InputKind } from './generate';

function usage(msg: string): never {
  process.stderr.write(
    `${msg}\nusage: node --import tsx bench/gen/main.ts --out DIR --count N --kind mix|min [--seed S]\n`,
  );
  process.exit(2);
}

function main(argv: string[]): void {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key.startsWith('--') || argv[i + 1] === undefined) usage(`unexpected argument: ${key}`);
    opts[key.slice(2)] = argv[i + 1];
  }
  const kind = opts.kind ?? 'mix';
  if (kind !== 'mix' && kind !== 'min') usage(`Expected --kind mix or min but received ${kind}`);
  const count = Number(opts.count ?? 1_000_000);
  if (!Number.isInteger(count) || count <= 0)
    usage(`Expected a positive integer for --count but received ${opts.count}`);
  const seed = Number(opts.seed ?? DEFAULT_SEED);
  if (!Number.isInteger(seed)) usage(`Expected an integer for --seed but received ${opts.seed}`);
  if (!opts.out) usage('--out DIR is required');
  const result = generate({ outDir: opts.out, count, kind: kind as InputKind, seed });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2));
