/**
 * What the install tests share: a copy of this working tree (committed or
 * not) as a package source, npm run the way a user runs it, a fresh consumer
 * project, a loopback npm registry, and the check that an installed pktkit
 * works (require it, read the fixture, run its bin; compared with tshark and
 * tcpdump reading the same file).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { run, runOk, type ExecResult } from '../helpers/processes';
import { tcpdumpRead, tsharkFields } from '../helpers/tshark';

/** The repository (worktree) root. */
export const ROOT = path.resolve(__dirname, '../..');
/** The fixture the package ships and every check reads. */
export const FIXTURE = 'test/fixtures/pcap/http-lo.pcap';

/**
 * The environment for npm: this process's, less what an `npm test` around us
 * set for its own package (npm_package_*, npm_lifecycle_*), so the npm we run
 * sees a user's shell. The npm cache is the usual one: installs are offline
 * where the cache has the packages.
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle|config_argv|command|execpath|node_execpath)/i.test(k) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return {
    ...env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** Runs npm in `cwd`; never rejects on the exit status. */
export function npm(cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<ExecResult> {
  return run(null, 'npm', args, { cwd, env: npmEnv(extraEnv), timeoutMs: 600_000 });
}

/** Like {@link npm}, but fails with npm's output unless it exits 0. */
export async function npmOk(
  cwd: string,
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ExecResult> {
  const r = await npm(cwd, args, extraEnv);
  assert.equal(r.code, 0, `npm ${args.join(' ')} in ${cwd} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * Copies the files git would see in this worktree (tracked and new, not
 * ignored; as they are now, committed or not) to `dest`: the package source
 * as a fresh clone has it, without node_modules, dist/, build/ or prebuilds/.
 */
export async function copySource(dest: string): Promise<void> {
  const r = await runOk(null, 'git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
  for (const rel of r.stdout.split('\0')) {
    if (rel === '' || !fs.existsSync(path.join(ROOT, rel))) continue; // deleted but not yet committed
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rel), path.join(dest, rel));
  }
}

/** Makes `dir/package.json` of an empty consumer project. */
export function newProject(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  return dir;
}

/** What the consumer's script saw. */
export interface ConsumerResult {
  /** The .node files loaded (from require.cache). */
  addons: string[];
  /** Per packet: ip.src, tcp.srcport, ip.dst, tcp.dstport, tcp.seq (raw), frame.len. */
  rows: string[][];
  /** The error thrown, if any. */
  error?: { name: string; code?: string; message: string };
}

/** The consumer's script: `require('pktkit')` as a user would, read the shipped fixture. */
const CONSUMER_SCRIPT = `
const pktkit = require('pktkit');
(async () => {
  const out = { addons: [], rows: [] };
  try {
    const file = require.resolve('pktkit/${FIXTURE}');
    for await (const p of pktkit.openFile(file)) {
      out.rows.push([p.ip.src, String(p.tcp.sport), p.ip.dst, String(p.tcp.dport), String(p.tcp.seq), String(p.length)]);
    }
  } catch (e) {
    out.error = { name: e.name, code: e.code, message: e.message };
  }
  out.addons = Object.keys(require.cache).filter((k) => k.endsWith('.node'));
  console.log(JSON.stringify(out));
})();
`;

/**
 * Runs the consumer script in `project`, through `wrapper` (e.g. `unshare`)
 * when given, and returns what it saw.
 */
export async function runConsumer(project: string, wrapper: readonly string[] = []): Promise<ConsumerResult> {
  const script = path.join(project, 'consumer.js');
  fs.writeFileSync(script, CONSUMER_SCRIPT);
  const [cmd, ...args] = [...wrapper, process.execPath, script];
  const r = await run(null, cmd!, args, { cwd: project, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `consumer script failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ConsumerResult;
}

let tsharkReading: Promise<string[][]> | undefined;
/** tshark's reading of the fixture, in the consumer's row shape (read once per test file). */
export function tsharkRows(): Promise<string[][]> {
  const fields = ['ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'tcp.seq_raw', 'frame.len'];
  tsharkReading ??= tsharkFields(path.join(ROOT, FIXTURE), fields).then((rows) =>
    rows.map((r) => fields.map((f) => r[f]!)),
  );
  return tsharkReading;
}

let tcpdumpReading: Promise<string[]> | undefined;
/** The timestamps of tcpdump's lines for the fixture (read once per test file). */
function tcpdumpTimes(): Promise<string[]> {
  tcpdumpReading ??= tcpdumpRead(path.join(ROOT, FIXTURE)).then((lines) => lines.map((l) => l.split(' ')[0]!));
  return tcpdumpReading;
}

/**
 * The full check of an installed pktkit in `project`: the library reads the
 * fixture as tshark does, with an addon from `addonFrom` (a path fragment:
 * `/prebuilds/linux-x64/` or `/build/Release/`); the `pktkit` bin prints one
 * line per packet, at tcpdump's timestamps.
 */
export async function checkInstalled(project: string, addonFrom: string): Promise<void> {
  const pkg = path.join(project, 'node_modules', 'pktkit');
  const seen = await runConsumer(project);
  assert.equal(seen.error, undefined, JSON.stringify(seen.error));
  assert.deepEqual(seen.rows, await tsharkRows());
  assert.equal(seen.addons.length, 1, seen.addons.join(', '));
  assert.ok(seen.addons[0]!.startsWith(fs.realpathSync(pkg) + path.sep), seen.addons[0]);
  assert.ok(seen.addons[0]!.includes(addonFrom), `${seen.addons[0]} is not from ${addonFrom}`);

  const bin = path.join(project, 'node_modules', '.bin', 'pktkit');
  const r = await run(null, bin, ['read', path.join(pkg, FIXTURE)], { cwd: project, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  // Packet lines start with the time, as tcpdump's do; the connection table after them does not.
  const ours = r.stdout
    .split('\n')
    .filter((l) => /^\d\d:\d\d:\d\d\.\d{6} /.test(l))
    .map((l) => l.split(' ')[0]);
  const theirs = await tcpdumpTimes();
  assert.equal(theirs.length, seen.rows.length);
  assert.deepEqual(ours, theirs);
}

/** sha512 integrity (SRI) and sha1 shasum of a file, as a registry lists them. */
function digests(file: string): { integrity: string; shasum: string } {
  const bytes = fs.readFileSync(file);
  return {
    integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    shasum: createHash('sha1').update(bytes).digest('hex'),
  };
}

/** A running loopback registry. */
export interface Registry {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** Paths it was asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An npm registry on 127.0.0.1 serving exactly the given tarballs (`npm pack`
 * output): a packument per package name (GET /NAME) and the tarballs (GET
 * /-/FILE). Everything else is 404, so an install from it proves that the
 * package and its dependencies came from these tarballs.
 */
export async function startRegistry(tarballs: readonly string[]): Promise<Registry> {
  const requests: string[] = [];
  const files = new Map<string, string>();
  const packuments = new Map<
    string,
    { name: string; 'dist-tags': { latest: string }; versions: Record<string, unknown> }
  >();
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(url);
    const file = url.startsWith('/-/') ? files.get(url.slice(3)) : undefined;
    const doc = packuments.get(url.slice(1));
    if (file) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    } else if (doc) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  for (const tgz of tarballs) {
    const manifest = JSON.parse((await runOk(null, 'tar', ['-xzOf', tgz, 'package/package.json'])).stdout) as {
      name: string;
      version: string;
    };
    const base = path.basename(tgz);
    files.set(base, tgz);
    const { integrity, shasum } = digests(tgz);
    packuments.set(manifest.name, {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: { [manifest.version]: { ...manifest, dist: { tarball: `${url}-/${base}`, integrity, shasum } } },
    });
  }
  return {
    url,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A command prefix (`[...prefix, cmd, ...args]`) that runs a command in a
 * mount namespace of its own where libpcap.so.0.8 does not exist, as on a
 * machine without libpcap0.8: an overlay with a whiteout for it over the
 * directory where the loader finds it for `addonFile`. Nothing outside that
 * namespace changes, and the namespace ends with the command. Needs root.
 */
export async function withoutLibpcap(scratch: string, addonFile: string): Promise<string[]> {
  const ldd = (await runOk(null, 'ldd', [addonFile])).stdout;
  const libpcap = /libpcap\.so\.0\.8 => (\S+)/.exec(ldd)?.[1];
  assert.ok(libpcap, ldd);
  const libdir = fs.realpathSync(path.dirname(libpcap));
  const upper = fs.mkdtempSync(path.join(scratch, 'ovl-upper-'));
  const work = fs.mkdtempSync(path.join(scratch, 'ovl-work-'));
  await runOk(null, 'mknod', [path.join(upper, 'libpcap.so.0.8'), 'c', '0', '0']);
  return [
    'unshare',
    '-m',
    'sh',
    '-c',
    `mount --make-rprivate / && mount -t overlay overlay -o lowerdir=${libdir},upperdir=${upper},workdir=${work} ${libdir} ` +
      `&& ! test -e ${libdir}/libpcap.so.0.8 && exec "$@"`,
    'sh',
  ];
}
