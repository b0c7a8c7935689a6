#!/usr/bin/env node
// `npm run format`: prettier over the TypeScript and JavaScript, clang-format over the C++.
// `npm run format:check` (`--check`): changes nothing, lists the files that are not formatted and
// exits 1 when there are any. Settings: .prettierrc.json, .prettierignore, .clang-format.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const check = process.argv.includes('--check');

// Prettier: these patterns, minus .prettierignore.
const JS_PATTERNS = ['lib/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.js', '*.mjs'];
// clang-format: every C++ file of the addon and of the native test harnesses.
const CPP_DIRS = ['native', 'test/decode'];
const CPP_EXT = /\.(cc|h)$/;

function cppFiles(dir, out) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return out;
  for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) cppFiles(rel, out);
    else if (CPP_EXT.test(e.name)) out.push(rel);
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) {
    console.error(`format: cannot run ${cmd}: ${r.error.message} (npm run prepare-host installs it)`);
    return 2;
  }
  return r.status ?? 1;
}

let status = 0;
const prettier = require.resolve('prettier/bin/prettier.cjs');
const prettierCode = run(process.execPath, [
  prettier,
  check ? '--check' : '--write',
  '--log-level',
  'warn',
  ...JS_PATTERNS,
]);
if (prettierCode !== 0) {
  if (check) console.error('format: files above are not formatted; run `npm run format`');
  status = prettierCode;
}

const cpp = CPP_DIRS.flatMap((d) => cppFiles(d, []));
if (cpp.length && !check) {
  status ||= run('clang-format', ['-i', ...cpp]);
} else if (cpp.length) {
  // clang-format prints every differing line; like prettier, name each file once instead.
  const r = spawnSync('clang-format', ['--dry-run', '--Werror', ...cpp], { cwd: root, encoding: 'utf8' });
  if (r.error) {
    console.error(`format: cannot run clang-format: ${r.error.message} (npm run prepare-host installs it)`);
    status ||= 2;
  } else if (r.status !== 0) {
    const bad = [
      ...new Set(
        [...r.stderr.matchAll(/^(.+?):\d+:\d+: (?:error|warning): code should be clang-formatted/gm)].map((m) => m[1]),
      ),
    ];
    if (bad.length === 0) process.stderr.write(r.stderr);
    for (const f of bad) console.error(`[warn] ${f}`);
    console.error(`format: ${bad.length || 'some'} C++ file(s) are not formatted; run \`npm run format\``);
    status ||= r.status ?? 1;
  }
}
process.exit(status);
