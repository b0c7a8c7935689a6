#!/usr/bin/env node
// `npm run bench [trial ...] [--quick] ...`: runs bench/index.ts under tsx
// with the arguments given. The benchmark is never part of `npm test`.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'index.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
