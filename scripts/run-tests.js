#!/usr/bin/env node
// `npm test`: every test/**/*.test.ts under node's own test runner (TypeScript
// through tsx), then the record-layout check, the type check, the linter and the
// format check (each runs even when one before it failed, so one run lists every
// problem). Extra arguments are test files or directories to run instead of all
// of them, without the checks. `--list` prints the files in the order they would
// run (one group per line break: the install tests are a group of their own, last).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
function collect(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) collect(path.join(p, e), out);
  else if (p.endsWith('.test.ts')) out.push(path.relative(root, p));
  return out;
}
const list = process.argv.includes('--list');
const targets = process.argv.slice(2).filter((a) => a !== '--list');
const files = (targets.length ? targets : ['test']).flatMap((t) => collect(path.resolve(root, t), []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
// test/install installs pktkit as users do: from git, npm compiles the addon twice and installs
// the dev dependencies. That is about a minute of CPU, but many minutes on a machine shared with
// other builds, so those files run after the others, with a timeout of their own.
const isInstall = (f) => /^test[\\/]install[\\/]/.test(f);
const groups = [
  [files.filter((f) => !isInstall(f)), 300000],
  [files.filter(isInstall), 900000],
];
if (list) {
  console.log(
    groups
      .map(([group]) => group.join('\n'))
      .filter(Boolean)
      .join('\n\n'),
  );
  process.exit(0);
}
let status = 0;
for (const [group, timeout] of groups) {
  if (group.length === 0) continue;
  const code = run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${timeout}`,
    ...group,
  ]);
  status ||= code;
}
/** The path of package `name`'s command (its package.json `bin`). */
function binOf(name) {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = require(manifest);
  return path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
}

if (!targets.length) {
  const checks = [
    ['record layout', ['scripts/gen-record.js', '--check']],
    ['types', [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']],
    // eslint's package exports do not include its bin script: find it from its package.json.
    ['lint', [binOf('eslint'), '.']],
    ['format', ['scripts/format.js', '--check']],
  ];
  for (const [name, args] of checks) {
    const code = run(process.execPath, args);
    if (code !== 0) console.error(`npm test: the ${name} check failed (exit ${code})`);
    status ||= code;
  }
}
process.exit(status);
