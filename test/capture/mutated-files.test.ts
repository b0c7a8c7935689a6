/**
 * Hostile capture files through the public API and the CLI: every mutated file
 * (bit flips, lying lengths and snap lengths, bogus block lengths and trailers,
 * odd link types, if_tsresol/if_tsoffset extremes, thousands of sections, every
 * truncation) gives packets or a typed FileError; never a signal, a hang or a
 * stray exception; the CLI says it in one line with exit code 1.
 * The reader alone meets the same files under ASan/UBSan in
 * test/decode/file-reader-mutated.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FileError, openFile } from '../../lib/index';
import { runCli } from '../cli/run-cli';
import { makeTempDir } from '../helpers/loopback';
import { writeMutatedCaptures, type MutatedCapture } from '../decode/mutated-captures';

describe('mutated capture files through the API and the CLI', () => {
  const dir = makeTempDir('mut');
  let files: MutatedCapture[] = [];
  before(() => {
    files = writeMutatedCaptures(dir.path, 600);
  });
  after(() => dir.remove());

  it('openFile gives packets, then the end or a FileError, for every file', async () => {
    const outcomes = new Map<string, number>();
    for (const f of files) {
      let outcome = 'end';
      try {
        for await (const batch of openFile(f.file).batches()) {
          for (const p of batch) {
            // Touch what a reader touches: views, layers, the bytes.
            p.summary();
            void p.data.length;
          }
        }
      } catch (err) {
        assert.ok(err instanceof FileError, `${f.what}: ${String(err)}`);
        assert.match(String((err as FileError).code), /^(EFORMAT|ETRUNCATED)$/, f.what);
        assert.ok(!(err as Error).message.includes('\n'), 'one line');
        outcome = (err as FileError).code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The generator makes all three outcomes; a reader that refused everything (or nothing) fails here.
    for (const k of ['end', 'EFORMAT', 'ETRUNCATED'])
      assert.ok((outcomes.get(k) ?? 0) > 10, `${k}: ${JSON.stringify([...outcomes])}`);
  });

  it('pktkit read prints what it can, then one line and exit 1, for a sample of them', async () => {
    for (const f of files.filter((_, i) => i % 40 === 0)) {
      const r = await runCli(['read', f.file, '-q'], { timeoutMs: 30_000 });
      assert.equal(r.signal, null, `${f.what}: killed by ${r.signal}`);
      assert.ok(r.code === 0 || r.code === 1, `${f.what}: exit ${r.code} ${r.stderr}`);
      if (r.code === 1) {
        // tcpdump's warnings (e.g. about SLL2 interface names) may come first; the error is one line.
        const lines = r.stderr
          .trim()
          .split('\n')
          .filter((l) => l !== '' && !/WARNING/.test(l));
        assert.equal(lines.length, 1, `${f.what}: ${r.stderr}`);
      }
    }
  });
});
