/**
 * The build's own checks: a missing pcap.h stops it with one line naming the
 * package, and the generated record layout matches its definition.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { addon } from '../../lib/binding';
import { LAYOUT_HASH, RECORD_SIZE } from '../../lib/record.gen';

const ROOT = path.resolve(__dirname, '../..');

describe('build', () => {
  it('stops with one line naming libpcap-dev when pcap.h is missing', () => {
    const r = spawnSync(process.execPath, ['scripts/check-pcap-header.js'], {
      cwd: ROOT,
      env: { ...process.env, PKTKIT_PCAP_INCLUDE_DIRS: '/nonexistent/include' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^pktkit: pcap\.h not found: install the libpcap headers: apt-get install libpcap-dev .*\n$/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('finds pcap.h where it is installed', () => {
    const r = spawnSync(process.execPath, ['scripts/check-pcap-header.js'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /include/);
  });

  it('generated lib/record.gen.ts is what native/record.def gives', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-record.js', '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('the addon was built from the same record layout as the TypeScript side', () => {
    assert.equal(addon().layoutHash, LAYOUT_HASH);
    assert.equal(addon().recordSize, RECORD_SIZE);
  });

  it('a clone loads its source build directly, node-gyp-build only for prebuilds', () => {
    // node-gyp-build's require and scans cost more than loading the addon (lib/binding.ts).
    const probe =
      "const { libpcapVersion } = require('./lib/dissect'); libpcapVersion();" +
      'const loaded = Object.keys(require.cache);' +
      "console.log(JSON.stringify([loaded.some((f) => f.endsWith('/build/Release/pktkit.node')), loaded.some((f) => f.includes('/node-gyp-build/'))]));";
    const run = (env: NodeJS.ProcessEnv): [boolean, boolean] => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: ROOT, env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as [boolean, boolean];
    };
    const env = { ...process.env };
    delete env.PKTKIT_ADDON;
    assert.deepEqual(run(env), [true, false]);
    // Where node-gyp-build would skip the source build, it still decides (here: no prebuild, so it throws ENOADDON).
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "try { require('./lib/dissect').libpcapVersion() } catch (e) { console.log(e.code) }"],
      { cwd: ROOT, env: { ...env, PREBUILDS_ONLY: '1' }, encoding: 'utf8' },
    );
    assert.equal(r.stdout.trim(), fs.existsSync(path.join(ROOT, 'prebuilds')) ? '' : 'ENOADDON', r.stderr);
  });
});
