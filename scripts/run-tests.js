#!/usr/bin/env node
// `npm test`: every test/**/*.test.ts under node's own test runner (TypeScript
// through tsx), then the record-layout and type checks. Extra arguments are
// test files or directories to run instead of all of them.
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
const targets = process.argv.slice(2);
const files = (targets.length ? targets : ['test']).flatMap((t) => collect(path.resolve(root, t), []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
let status = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files]);
if (!targets.length) {
  status ||= run(process.execPath, ['scripts/gen-record.js', '--check']);
  status ||= run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
}
process.exit(status);
