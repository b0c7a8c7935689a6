#!/usr/bin/env node
// Run at pack time ("prepack": npm pack, npm publish): builds the N-API
// prebuild for the platform it runs on with prebuildify, into
// prebuilds/<platform>-<arch>/, where node-gyp-build (the install script and
// lib/binding.ts) finds it. N-API: one file serves every Node version >= 20 on
// that platform, so an install there needs no compiler and no libpcap headers,
// only the libpcap runtime. Binaries are made here, never committed to git.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const run = (file, args) => spawnSync(file, args, { cwd: root, stdio: 'inherit' }).status;

// A missing pcap.h stops here with the one line that names the package.
if (run(process.execPath, [path.join(__dirname, 'check-pcap-header.js'), '--quiet']) !== 0) process.exit(1);

// A prebuild from an older version or another record layout must not ship.
fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });

// The target is the running Node: its headers are the ones this machine has
// (node-gyp would otherwise fetch the newest release's). N-API makes the
// result independent of that version.
const prebuildify = require.resolve('prebuildify/bin.js');
const status = run(process.execPath, [
  prebuildify,
  '--napi',
  '--strip',
  '--tag-libc',
  `--target=node@${process.versions.node}`,
]);
if (status !== 0) {
  process.stderr.write(`pktkit: prebuildify failed (exit ${status})\n`);
  process.exit(1);
}

// The file must load here, or the package would ship a prebuild that fails
// for everyone; node-gyp-build's own resolver picks it, as at install.
const dir = path.join(root, 'prebuilds');
const made = fs
  .readdirSync(dir)
  .flatMap((d) => fs.readdirSync(path.join(dir, d)).map((f) => path.join('prebuilds', d, f)));
const check = spawnSync(
  process.execPath,
  [
    '-e',
    `
  process.env.PREBUILDS_ONLY = '1';
  const file = require('node-gyp-build').resolve(${JSON.stringify(root)});
  const addon = require(file);
  if (typeof addon.layoutHash !== 'number') throw new Error(file + ' exports no layoutHash');
  console.log(require('node:path').relative(${JSON.stringify(root)}, file));
`,
  ],
  { cwd: root, encoding: 'utf8' },
);
if (check.status !== 0 || !made.includes(check.stdout.trim())) {
  process.stderr.write(
    `pktkit: the prebuild does not load: ${check.stderr.trim().split('\n')[0] || check.stdout.trim()}\n`,
  );
  process.exit(1);
}
process.stdout.write(`pktkit: prebuilt ${made.join(', ')}\n`);
