/**
 * The published types. tsconfig.build.json (what `prepare` runs before a pack or a git install)
 * emits lib/'s declarations into a temporary package; then: no declaration marked `@internal` is
 * left in them (stripInternal), the members the facade keeps to itself are not reachable from a
 * consumer's code, the declarations compile on their own, and the README's examples compile
 * against them exactly as a user's project would (`import ... from 'pktkit'`).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { compileStrict, readmeExamples, ROOT } from '../helpers/typescript';

/** Members marked @internal in lib/: each must be a compile error in a consumer's code. */
const INTERNALS: { decl: string; expr: string }[] = [
  { decl: 'p: Packet', expr: 'p.mem' },
  { decl: 'p: Packet', expr: 'p.base' },
  { decl: 'p: Packet', expr: 'p.bytes' },
  { decl: 'p: Packet', expr: 'p.u8(0)' },
  { decl: 'p: Packet', expr: 'p.u16(0)' },
  { decl: 'p: Packet', expr: 'p.u32(0)' },
  { decl: 'p: Packet', expr: 'p.at(0)' },
  { decl: 'b: Batch', expr: 'b.reset(0, new Uint8Array(0))' },
];

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe('public .d.ts', () => {
  let tmp = '';
  let pkg = '';
  let declarations: string[] = [];
  let examples: string[] = [];
  let internals: string[] = [];
  let publicUse = '';
  /** Every problem of one strict compile of all the consumer files against the emitted package. */
  let problems: string[] = [];
  const problemsIn = (file: string): string[] => problems.filter((p) => p.startsWith(`${path.relative(ROOT, file)}:`));

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-types-'));
    pkg = path.join(tmp, 'node_modules', 'pktkit');
    const outDir = path.join(pkg, 'dist');
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.build.json'),
      { outDir, emitDeclarationOnly: true, sourceMap: false },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      },
    );
    assert.ok(config, 'tsconfig.build.json parses');
    assert.equal(config.options.stripInternal, true, 'the build strips @internal declarations');
    const emitted = ts.createProgram(config.fileNames, config.options).emit();
    assert.deepEqual(
      emitted.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      [],
    );
    const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { types: string; main: string };
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'pktkit', types: pj.types, main: pj.main }),
    );
    declarations = walk(outDir).filter((f) => f.endsWith('.d.ts'));

    // A user's project beside it: the README's examples, one file per internal member (so an
    // error in one cannot hide that another compiles), and a use of public members.
    const dir = path.join(tmp, 'consumer');
    fs.mkdirSync(dir);
    const write = (name: string, src: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, src);
      return file;
    };
    examples = readmeExamples().map((src, i) => write(`example-${i + 1}.ts`, src));
    internals = INTERNALS.map(({ decl, expr }, i) =>
      write(
        `internal-${i + 1}.ts`,
        `import type { Packet, Batch } from 'pktkit';\nexport function f(${decl}): unknown {\n  return ${expr};\n}\n`,
      ),
    );
    publicUse = write(
      'public.ts',
      `import type { Packet, Batch } from 'pktkit';\nexport function f(p: Packet, b: Batch): number {\n  return p.length + p.caplen + b.count;\n}\n`,
    );
    problems = compileStrict([...examples, ...internals, publicUse], { reportUnder: [tmp], checkDeclarations: true });
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is emitted where package.json says, with no declaration marked @internal left in it', () => {
    assert.ok(fs.existsSync(path.join(pkg, 'dist', 'lib', 'index.d.ts')), 'dist/lib/index.d.ts is emitted');
    assert.ok(declarations.length > 20, `${declarations.length} declaration files`);
    const left = declarations.filter((f) => fs.readFileSync(f, 'utf8').includes('@internal'));
    assert.deepEqual(
      left.map((f) => path.relative(pkg, f)),
      [],
    );
  });

  it('compiles on its own (no declaration refers to a stripped one)', () => {
    assert.deepEqual(
      problems.filter((p) => p.includes(`node_modules${path.sep}pktkit${path.sep}`)),
      [],
    );
  });

  it("compiles the README examples as a user writes them (`from 'pktkit'`)", () => {
    assert.ok(examples.length >= 4, `found ${examples.length} examples`);
    for (const [i, file] of examples.entries()) {
      assert.match(fs.readFileSync(file, 'utf8'), /from 'pktkit'/, `README example ${i + 1} imports pktkit`);
      assert.deepEqual(problemsIn(file), [], `README example ${i + 1}`);
    }
  });

  it('keeps internal members out of reach: each use is a compile error, public members compile', () => {
    for (const [i, { expr }] of INTERNALS.entries()) {
      const mine = problemsIn(internals[i]);
      assert.ok(
        mine.some((p) => /does not exist on type/.test(p)),
        `${expr} should not compile for a user; got: ${mine.join('; ') || 'no error'}`,
      );
    }
    // The errors above are not a broken setup: the same files' public members compile.
    assert.deepEqual(problemsIn(publicUse), []);
  });
});
