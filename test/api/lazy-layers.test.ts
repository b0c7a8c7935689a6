/**
 * A capture that only reads fields neither loads nor compiles the layer classes
 * (thirty-odd modules): lib/capture (what each fanout worker thread loads) stays
 * small, and the layers load on the first layers()/summary()/show().
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/pcap/http-lo.pcap');

// Runs in a fresh Node (tsx, as the tests do): reads fields, then asks for a summary, and prints
// how many layer modules were loaded at each step.
const SCRIPT = `
const { openFile } = require(${JSON.stringify(path.join(ROOT, 'lib/capture.ts'))});
const layerModules = () => Object.keys(require.cache).filter((k) => k.includes('/lib/layers/') && !k.endsWith('/addr.ts')).length;
(async () => {
  const before = layerModules();
  let ports = 0;
  let summary = '';
  for await (const p of openFile(${JSON.stringify(FIXTURE)})) {
    ports += p.tcp?.dport ?? 0;
    if (!summary && p.tcp?.flags === 0x02) {
      const beforeSummary = layerModules();
      summary = p.summary();
      console.log(JSON.stringify({ before, beforeSummary, after: layerModules(), summary, ports }));
    }
  }
})();
`;

describe('the layer classes load on first use', () => {
  it('lib/capture reads fields without them, and summary() loads them', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim()) as {
      before: number;
      beforeSummary: number;
      after: number;
      summary: string;
    };
    assert.equal(got.before, 0, 'no layer module loaded by lib/capture');
    assert.equal(got.beforeSummary, 0, 'nor by reading fields');
    assert.ok(got.after > 10, `summary() loaded the layers (${got.after} modules)`);
    assert.match(got.summary, /^Ether \/ IP \/ TCP .* S$/);
  });
});
