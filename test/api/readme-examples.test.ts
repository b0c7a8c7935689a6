/**
 * The README's TypeScript examples compile, in strict mode, against the public
 * API: the documentation cannot drift from the code unnoticed. (Against lib/'s
 * sources; public-types.test.ts compiles them against the published .d.ts.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compileStrict, readmeExamples, ROOT } from '../helpers/typescript';

describe('README', () => {
  it('has TypeScript examples, and every one compiles in strict mode', () => {
    const sources = readmeExamples(path.join(ROOT, 'lib', 'index'));
    assert.ok(sources.length >= 4, `found ${sources.length} examples`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-readme-'));
    try {
      const files = sources.map((src, i) => {
        const file = path.join(dir, `example-${i + 1}.ts`);
        fs.writeFileSync(file, src);
        return file;
      });
      assert.deepEqual(compileStrict(files), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
