/**
 * One layout for test/: each test file is test/<area>/<name>.test.ts, one folder per area, no
 * numbered names anywhere (the runner runs two files at a time, so a number promises an order
 * that does not exist); the install tests run last, after everything else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const TEST = path.join(ROOT, 'test');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out.push(path.relative(TEST, p).split(path.sep).join('/') + (e.isDirectory() ? '/' : ''));
    if (e.isDirectory()) walk(p, out);
  }
  return out;
}

it('every test file is test/<area>/<name>.test.ts and no name under test/ is numbered', () => {
  const entries = walk(TEST).filter((p) => !p.startsWith('fixtures/'));
  const tests = entries.filter((p) => p.endsWith('.test.ts'));
  assert.ok(tests.length > 50, `${tests.length} test files`);
  assert.deepEqual(
    tests.filter((p) => !/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*\.test\.ts$/.test(p)),
    [],
  );
  assert.deepEqual(
    entries.filter((p) => /(^|\/)\d+[._-]/.test(p)),
    [],
  );
});

it('the runner runs the install tests last, after every other file', () => {
  const r = spawnSync(process.execPath, ['scripts/run-tests.js', '--list'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const groups = r.stdout
    .trim()
    .split('\n\n')
    .map((g) => g.split('\n'));
  const all = groups.flat();
  assert.ok(
    all.some((f) => f.startsWith('test/install/')),
    'install tests are listed',
  );
  assert.ok(
    all.some((f) => f.startsWith('test/capture/')),
    'the other tests are listed',
  );
  const last = groups[groups.length - 1];
  assert.ok(
    last.every((f) => f.startsWith('test/install/')),
    `last group: ${last.join(', ')}`,
  );
  assert.ok(
    groups
      .slice(0, -1)
      .flat()
      .every((f) => !f.startsWith('test/install/')),
  );
});
