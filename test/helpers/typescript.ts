/**
 * TypeScript for the tests that check the public types: the README's examples as compilable
 * files, and a strict compile that returns its problems as one line each.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The repository (worktree) root. */
export const ROOT = path.resolve(__dirname, '../..');

/**
 * Each ```ts block of README.md as a module: its imports at the top (`'pktkit'` replaced by
 * `pktkitImport` when given), the rest inside an async function.
 */
export function readmeExamples(pktkitImport?: string): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((block) => {
    const lines = block.split('\n');
    const imports = lines
      .filter((l) => l.startsWith('import '))
      .map((l) => (pktkitImport === undefined ? l : l.replace(/'pktkit'/, JSON.stringify(pktkitImport))));
    const body = lines.filter((l) => !l.startsWith('import '));
    return `${imports.join('\n')}\nexport async function example(): Promise<void> {\n${body.join('\n')}\n}\n`;
  });
}

/** Options of {@link compileStrict}. */
export interface CompileOptions {
  /** Report problems only in files under these directories (default: only in `files`). */
  reportUnder?: string[];
  /** Check declaration files too (default false, as tsconfig.json). */
  checkDeclarations?: boolean;
}

/**
 * Type-checks `files` in strict mode as a consumer project would (CommonJS, Node's types) and
 * returns every problem as `file:line message`; an empty list means it compiles.
 */
export function compileStrict(files: string[], options: CompileOptions = {}): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    skipLibCheck: !options.checkDeclarations,
    noUnusedLocals: false,
  });
  const under = options.reportUnder?.map((d) => path.resolve(d) + path.sep);
  const reported = (file: ts.SourceFile | undefined): boolean =>
    file === undefined ||
    (under ? under.some((d) => path.resolve(file.fileName).startsWith(d)) : files.includes(file.fileName));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => reported(d.file))
    .map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const name = d.file ? path.relative(ROOT, d.file.fileName) : '';
      return `${name}:${where ? where.line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
