#!/usr/bin/env node
// `npm run bench [trial ...] [--quick] ...`: runs bench/index.ts under tsx
// with the arguments given. The benchmark is never part of `npm test`.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
// `npm run bench --quick` (without `--`) reaches us as npm's config, not as an argument.
if (process.env.npm_config_quick === 'true' && !args.includes('--quick')) args.push('--quick');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'index.ts'), ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
