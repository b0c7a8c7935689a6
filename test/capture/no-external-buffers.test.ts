/**
 * Where external ArrayBuffers are refused (Electron's sandbox; node-addon-api's
 * NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED), captures still work, through a
 * copying path. The addon is built once more with that define, in a temporary
 * copy of the sources, and the file and live capture suites run against it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../helpers/loopback';
import { run } from '../helpers/processes';

const ROOT = path.resolve(__dirname, '../..');

describe('a build without external ArrayBuffers', () => {
  const dir = makeTempDir('noext');
  let addonPath = '';
  before(
    async () => {
      for (const p of ['binding.gyp', 'native', 'scripts', 'package.json'])
        fs.cpSync(path.join(ROOT, p), path.join(dir.path, p), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir.path, 'node_modules'));
      // Through npx, as scripts/prepare-host.sh builds: npm's configuration (e.g. where Node's headers are) applies.
      const r = await run(null, 'npx', ['--no-install', 'node-gyp', 'rebuild', '--no_external_buffers=1'], {
        cwd: dir.path,
        timeoutMs: 600_000,
      });
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      addonPath = path.join(dir.path, 'build', 'Release', 'pktkit.node');
    },
    { timeout: 900_000 },
  ); // a whole build: minutes on a busy 2-core machine, past the runner's 300 s
  after(() => dir.remove());

  it('loads, and says it copies', async () => {
    const r = await run(null, process.execPath, [
      '-e',
      `process.stdout.write(String(require(${JSON.stringify(addonPath)}).externalBuffers))`,
    ]);
    assert.equal(r.stdout, 'false');
  });

  // Six suites in a nested run: past the runner's 300 s per test on a busy machine.
  it(
    "passes the file, live, VLAN and lending capture suites, and the native batch writer's",
    { timeout: 900_000 },
    async () => {
      const suites = ['file', 'columns', 'live', 'vlan-any', 'ring-lending'].map((s) => `test/capture/${s}.test.ts`);
      // The native pcap writer reads the records and bytes of JS's copies there.
      suites.push('test/writer/pcap-writer-batch.test.ts');
      const r = await run(null, process.execPath, ['scripts/run-tests.js', ...suites], {
        cwd: ROOT,
        // Without NODE_TEST_CONTEXT, which makes a nested node --test skip its files.
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
          PKTKIT_ADDON: addonPath,
        },
        timeoutMs: 600_000,
      });
      const summary = /# pass (\d+)\n# fail (\d+)/.exec(r.stdout);
      assert.ok(summary, r.stdout.slice(-2000) + r.stderr.slice(-2000));
      assert.equal(Number(summary[2]), 0, r.stdout.slice(-4000));
      assert.ok(Number(summary[1]) >= 10, `the suites ran: ${summary[0]}`);
      assert.equal(r.code, 0);
    },
  );
});
