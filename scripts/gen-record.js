#!/usr/bin/env node
// Writes lib/record.gen.ts from native/record.def, the one definition of the
// packet record. `node scripts/gen-record.js --check` exits 1 when the
// committed file differs from what the definition gives (used by the tests).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const defPath = path.join(root, 'native', 'record.def');
const outPath = path.join(root, 'lib', 'record.gen.ts');

function parse(text) {
  const fields = [];
  const consts = [];
  for (const line of text.split('\n')) {
    const code = line.replace(/\/\/.*$/, '').trim();
    let m;
    if ((m = /^FIELD\((\w+),\s*(\w+),\s*(\d+)\)$/.exec(code))) {
      const comment = /\/\/\s*(.*)$/.exec(line)?.[1] ?? '';
      fields.push({ name: m[1], type: m[2], offset: Number(m[3]), comment });
    } else if ((m = /^CONST\((\w+),\s*(0x[0-9a-fA-F]+|\d+)\)$/.exec(code))) {
      const comment = /\/\/\s*(.*)$/.exec(line)?.[1] ?? '';
      consts.push({ name: m[1], value: Number(m[2]), text: m[2], comment });
    } else if (code !== '') {
      throw new Error(`record.def: cannot read line: ${line}`);
    }
  }
  return { fields, consts };
}

// Same text and hash as kLayoutText / kLayoutHash in native/record.h.
function layoutHash(fields) {
  const text = fields.map((f) => `${f.name}:${f.type}:${f.offset};`).join('');
  let h = 2166136261;
  for (const ch of Buffer.from(text, 'latin1')) h = Math.imul(h ^ ch, 16777619) >>> 0;
  return h >>> 0;
}

function render({ fields, consts }) {
  const lines = [
    '// Generated from native/record.def by scripts/gen-record.js. Do not edit.',
    '// Byte offsets of the packet record fields and the constants shared with C++.',
    '',
    `export const LAYOUT_HASH = ${layoutHash(fields)};`,
    '',
    '/** Byte offset of each record field. */',
    'export const Field = {',
    ...fields.map(
      (f) =>
        `  /** ${f.type}${f.comment ? `: ${f.comment.replace(/\*\//g, '* /')}` : ''} */\n  ${f.name}: ${f.offset},`,
    ),
    '} as const;',
    '',
    '/** Storage type of each record field. */',
    'export const FieldType = {',
    ...fields.map((f) => `  ${f.name}: '${f.type}',`),
    '} as const;',
    '',
    ...consts.map(
      (c) => `${c.comment ? `/** ${c.comment.replace(/\*\//g, '* /')} */\n` : ''}export const ${c.name} = ${c.text};`,
    ),
    '',
  ];
  return lines.join('\n');
}

const generated = render(parse(fs.readFileSync(defPath, 'utf8')));
if (process.argv.includes('--check')) {
  const current = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : '';
  if (current !== generated) {
    console.error('lib/record.gen.ts is stale: run `npm run gen`');
    process.exit(1);
  }
} else {
  fs.writeFileSync(outPath, generated);
}
module.exports = { parse, layoutHash, render };
