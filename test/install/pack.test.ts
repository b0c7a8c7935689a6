/**
 * Installs from `npm pack`, as users get pktkit: the tarball itself, the same
 * with --ignore-scripts, and through a registry (a loopback one serving that
 * tarball and the dependencies' tarballs). Each installed copy is required by
 * a fresh project, reads the shipped fixture as tshark does, and its bin runs.
 * Then what goes wrong, said in one line: no libpcap runtime (the message
 * names libpcap0.8), no addon at all (`npm rebuild pktkit`, or in a clone
 * `npm run build:native`), no pcap.h for a source build.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { run, runOk } from '../helpers/processes';
import {
  checkInstalled,
  copySource,
  FIXTURE,
  newProject,
  npm,
  npmEnv,
  npmOk,
  ROOT,
  runConsumer,
  startRegistry,
  withoutLibpcap,
  tsharkRows,
} from './support';

const PREBUILD = `${path.sep}prebuilds${path.sep}${process.platform}-${process.arch}${path.sep}`;

describe('install from npm pack', () => {
  let tmp: TempDir;
  let src: string;
  let tgz: string;

  before(async () => {
    tmp = makeTempDir('install');
    src = path.join(tmp.path, 'src');
    await copySource(src);
    // The clone's dev dependencies (prebuildify, node-gyp, typescript) without a second npm ci.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'));
    const r = await npmOk(src, ['pack', '--pack-destination', tmp.path]);
    tgz = path.join(tmp.path, r.stdout.trim().split('\n').pop()!);
  });
  after(() => tmp?.remove());

  it('packs dist/, the prebuild made at pack time, and the sources for a fallback build', async () => {
    const list = (await runOk(null, 'tar', ['-tzf', tgz])).stdout.split('\n');
    for (const f of [
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/cli/main.js',
      'binding.gyp',
      'native/addon.cc',
      'scripts/check-pcap-header.js',
      `prebuilds/${process.platform}-${process.arch}/pktkit.glibc.node`,
      FIXTURE,
    ]) {
      assert.ok(list.includes(`package/${f}`), `${f} is not in the tarball`);
    }
    assert.ok(!list.some((f) => f.startsWith('package/build/')), 'a build/ directory was packed');
    // The prebuild needs the libpcap runtime and the C++ runtime, nothing of this machine's build tree.
    const prebuild = path.join(src, 'prebuilds', `${process.platform}-${process.arch}`, 'pktkit.glibc.node');
    const dynamic = (await runOk(null, 'readelf', ['-d', prebuild])).stdout;
    const needed = [...dynamic.matchAll(/\(NEEDED\).*\[(.*)\]/g)].map((m) => m[1]!);
    assert.ok(needed.includes('libpcap.so.0.8'), needed.join(' '));
    const cRuntime =
      /^(libstdc\+\+\.so\.6|libgcc_s\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|ld-linux-x86-64\.so\.2)$/;
    assert.deepEqual(
      needed.filter((n) => n !== 'libpcap.so.0.8' && !cRuntime.test(n)),
      [],
      'needs more than libpcap and the C/C++ runtime',
    );
    assert.doesNotMatch(dynamic, /RPATH|RUNPATH/);

    const manifest = JSON.parse((await runOk(null, 'tar', ['-xzOf', tgz, 'package/package.json'])).stdout) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), [
      '@clickhouse/client',
      'node-addon-api',
      'node-gyp-build',
    ]);
    assert.match(manifest.scripts.install!, /^node-gyp-build /);
  });

  it('npm install <tarball>: works through the prebuild, compiles nothing, brings no node-gyp', async () => {
    const project = newProject(path.join(tmp.path, 'tarball'));
    await npmOk(project, ['install', tgz]);
    assert.ok(!fs.existsSync(path.join(project, 'node_modules/pktkit/build')), 'the install compiled the addon');
    assert.ok(!fs.existsSync(path.join(project, 'node_modules/node-gyp')), 'node-gyp was installed');
    await checkInstalled(project, PREBUILD);
  });

  it('npm install --ignore-scripts <tarball>: works through the prebuild', async () => {
    const project = newProject(path.join(tmp.path, 'ignore-scripts'));
    await npmOk(project, ['install', '--ignore-scripts', tgz]);
    await checkInstalled(project, PREBUILD);
  });

  it('npm install pktkit from a registry serving the packed tarball', async () => {
    const deps = path.join(tmp.path, 'deps');
    fs.mkdirSync(deps);
    const tarballs = [tgz];
    // The dependencies as installed here, packed again: no network, and the same files as published.
    for (const name of ['node-gyp-build', 'node-addon-api', '@clickhouse/client']) {
      const r = await npmOk(deps, [
        'pack',
        '--ignore-scripts',
        path.join(ROOT, 'node_modules', name),
        '--pack-destination',
        deps,
      ]);
      tarballs.push(path.join(deps, r.stdout.trim().split('\n').pop()!));
    }
    const registry = await startRegistry(tarballs);
    try {
      const project = newProject(path.join(tmp.path, 'registry'));
      // The lock records where each package came from (npm may take the tarball bytes from its
      // cache by integrity, having installed the same tarball above, so requests alone prove less).
      await npmOk(project, [
        'install',
        'pktkit',
        '--registry',
        registry.url,
        '--omit-lockfile-registry-resolved=false',
      ]);
      assert.ok(registry.requests.includes('/pktkit'), registry.requests.join(' '));
      const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string; resolved?: string }>;
      };
      for (const tarball of tarballs) {
        const name = (
          JSON.parse((await runOk(null, 'tar', ['-xzOf', tarball, 'package/package.json'])).stdout) as { name: string }
        ).name;
        assert.equal(lock.packages[`node_modules/${name}`]?.resolved, `${registry.url}-/${path.basename(tarball)}`);
      }
      await checkInstalled(project, PREBUILD);
    } finally {
      await registry.close();
    }
  });

  it('without the libpcap runtime, loading the prebuild names libpcap0.8 (library and bin)', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root: hides libpcap.so.0.8 with an overlay mount in a mount namespace of its own');
      return;
    }
    const project = path.join(tmp.path, 'ignore-scripts'); // installed by the test above, prebuild only
    const pkg = path.join(project, 'node_modules', 'pktkit');
    const hide = await withoutLibpcap(
      tmp.path,
      path.join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'pktkit.glibc.node'),
    );

    const seen = await runConsumer(project, hide);
    assert.equal(seen.rows.length, 0);
    assert.equal(seen.error?.code, 'ENOLIBPCAP', JSON.stringify(seen.error));
    assert.match(seen.error!.message, /libpcap runtime \(libpcap\.so\.0\.8\).*apt-get install libpcap0\.8/);
    assert.doesNotMatch(seen.error!.message, /cannot open shared object file/);

    const bin = path.join(project, 'node_modules', '.bin', 'pktkit');
    const r = await run(null, hide[0]!, [...hide.slice(1), bin, 'read', path.join(pkg, FIXTURE)], { cwd: project });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^pktkit: pktkit's native addon needs the libpcap runtime .*libpcap0\.8/);

    // Outside that namespace, the same install still works: nothing was changed for real.
    assert.deepEqual((await runConsumer(project)).rows, await tsharkRows());
  });

  it('without the libpcap runtime (nor its headers), npm install stops with one line naming libpcap0.8', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root: hides libpcap.so.0.8 with an overlay mount in a mount namespace of its own');
      return;
    }
    const project = newProject(path.join(tmp.path, 'no-runtime'));
    const hide = await withoutLibpcap(
      tmp.path,
      path.join(src, 'prebuilds', `${process.platform}-${process.arch}`, 'pktkit.glibc.node'),
    );
    // libpcap-dev depends on libpcap0.8: a machine without the runtime has no pcap.h either.
    const env = npmEnv({ PKTKIT_PCAP_INCLUDE_DIRS: path.join(tmp.path, 'no-such-include') });
    const r = await run(null, hide[0]!, [...hide.slice(1), 'npm', 'install', tgz], {
      cwd: project,
      env,
      timeoutMs: 600_000,
    });
    const output = r.stdout + r.stderr;
    assert.notEqual(r.code, 0, output);
    const lines = output.split('\n').filter((l) => l.includes('pktkit: '));
    assert.equal(lines.length, 1, output);
    assert.match(
      lines[0]!,
      /pktkit: the prebuilt addon needs the libpcap runtime \(libpcap\.so\.0\.8\): install it: apt-get install libpcap0\.8/,
    );
    assert.doesNotMatch(output, /gyp (ERR|info)|Traceback|cannot open shared object file/);
  });

  it('no prebuild for the platform and no build: a dependent project is told `npm rebuild pktkit`', async () => {
    const project = path.join(tmp.path, 'no-addon');
    fs.cpSync(path.join(tmp.path, 'ignore-scripts'), project, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(path.join(project, 'node_modules/pktkit/prebuilds'), { recursive: true });
    const seen = await runConsumer(project);
    assert.equal(seen.error?.code, 'ENOADDON', JSON.stringify(seen.error));
    assert.match(
      seen.error!.message,
      new RegExp(`no prebuild for ${process.platform}-${process.arch} .*run \`npm rebuild pktkit\` in your project`),
    );
    assert.doesNotMatch(seen.error!.message, /build:native/);

    const r = await run(null, path.join(project, 'node_modules/.bin/pktkit'), ['read', FIXTURE], { cwd: project });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /npm rebuild pktkit/);
  });

  it('no addon in a clone of pktkit: told `npm run build:native`', async () => {
    // The packed source copy: prebuildify left no build/Release/pktkit.node; without its prebuild, nothing loads.
    fs.rmSync(path.join(src, 'prebuilds'), { recursive: true });
    const r = await run(
      null,
      process.execPath,
      [
        '-e',
        `(async () => {
      try {
        for await (const p of require('./dist/lib/index.js').openFile(${JSON.stringify(FIXTURE)})) void p;
      } catch (e) {
        console.log(JSON.stringify({ code: e.code, message: e.message }));
      }
    })();`,
      ],
      { cwd: src },
    );
    const e = JSON.parse(r.stdout) as { code: string; message: string };
    assert.equal(e.code, 'ENOADDON', r.stdout + r.stderr);
    assert.match(e.message, /run `npm run build:native` in the pktkit clone/);
  });

  it('a source build without pcap.h stops with one line naming libpcap-dev, not gyp output', async () => {
    const project = newProject(path.join(tmp.path, 'no-header'));
    const r = await npm(project, ['install', tgz], {
      npm_config_build_from_source: 'true', // node-gyp-build skips the prebuild, as `--build-from-source`
      PKTKIT_PCAP_INCLUDE_DIRS: path.join(tmp.path, 'no-such-include'),
    });
    const output = r.stdout + r.stderr;
    assert.notEqual(r.code, 0, output);
    const lines = output.split('\n').filter((l) => l.includes('pcap.h'));
    assert.equal(lines.length, 1, output);
    assert.match(lines[0]!, /pktkit: pcap\.h not found: install the libpcap headers: apt-get install libpcap-dev/);
    assert.doesNotMatch(output, /gyp (ERR|info)|Traceback/);
    assert.ok(!fs.existsSync(path.join(project, 'node_modules/pktkit')), 'a failed install left pktkit behind');
  });
});
