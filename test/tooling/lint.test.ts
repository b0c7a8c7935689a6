/**
 * The linter finds what it is there to find: lint-fixtures/defects.ts holds one defect per
 * marked line (a floating promise, `any` in library code, `==`, ...). ESLint runs on it with
 * the project's own eslint.config.mjs and must report exactly the marked rules on the marked
 * lines, and nothing on the clean code below them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'lint-fixtures', 'defects.ts');

it('reports each planted defect with its rule, on its line, and nothing else', async () => {
  const expected = fs
    .readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      const m = /\/\/ expect: (.+)$/.exec(line);
      return m ? m[1].split(/\s+/).map((rule) => `${i + 1} ${rule}`) : [];
    });
  assert.ok(expected.length >= 8, `${expected.length} planted defects`);
  // ignore: false lints the fixture folder that `npm run lint` skips; the rules are the project's.
  const eslint = new ESLint({ cwd: ROOT, ignore: false });
  const [result] = await eslint.lintFiles([FIXTURE]);
  const fatal = result.messages.filter((m) => m.fatal || m.ruleId === null).map((m) => m.message);
  assert.deepEqual(fatal, [], 'the fixture parses with type information');
  const reported = result.messages.map((m) => `${m.line} ${m.ruleId}`);
  assert.deepEqual(reported.sort(), expected.sort());
});
