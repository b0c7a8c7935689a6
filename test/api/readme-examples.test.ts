/**
 * The README's TypeScript examples compile, in strict mode, against the public
 * API: the documentation cannot drift from the code unnoticed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/** Each ```ts block, imports from 'pktkit' pointed at lib/, the rest inside an async function. */
function examples(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const index = JSON.stringify(path.join(ROOT, 'lib', 'index'));
  return blocks.map((block) => {
    const lines = block.split('\n');
    const imports = lines.filter((l) => l.startsWith('import ')).map((l) => l.replace(/'pktkit'/, index));
    const body = lines.filter((l) => !l.startsWith('import '));
    return `${imports.join('\n')}\nexport async function example(): Promise<void> {\n${body.join('\n')}\n}\n`;
  });
}

describe('README', () => {
  it('has TypeScript examples, and every one compiles in strict mode', () => {
    const sources = examples();
    assert.ok(sources.length >= 4, `found ${sources.length} examples`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-readme-'));
    try {
      const files = sources.map((src, i) => {
        const file = path.join(dir, `example-${i + 1}.ts`);
        fs.writeFileSync(file, src);
        return file;
      });
      const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        skipLibCheck: true,
        noUnusedLocals: false,
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file === undefined || files.includes(d.file.fileName))
        .map((d) => {
          const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
          return `${d.file ? path.basename(d.file.fileName) : ''}:${where ? where.line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      assert.deepEqual(problems, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
