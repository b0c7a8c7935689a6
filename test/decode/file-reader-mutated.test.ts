/**
 * Hostile files through native/file_reader: ~2,000 files from test/decode/mutated-captures.ts
 * (bit flips, lying lengths and snaplens, bogus block lengths and trailers, link types, if_tsresol
 * and if_tsoffset extremes, thousands of sections, 65536 interfaces, every truncation class), each
 * read by the ASan/UBSan harness five ways (mapped, one-page windows, read in chunks with the
 * default and with a one-page buffer, through a pipe) that must agree. Every file gives packets or a typed error (EFORMAT, ETRUNCATED): no signal, no sanitizer
 * report, no hang (the harness is killed after a bounded time).
 *
 * To replay by hand: node --import tsx -e "require('./test/decode/mutated-captures').writeMutatedCaptures('/tmp/m', 2000)"
 * then file_reader_harness check /tmp/m/*
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { runOk } from '../helpers/processes';
import { buildReaderHarness } from './file-reader-harness';
import { writeMutatedCaptures, type MutatedCapture } from './mutated-captures';

const COUNT = 2000;

let dir: TempDir;
let exe: string;
let files: MutatedCapture[];

before(async () => {
  dir = makeTempDir('file-reader-mutated');
  [exe, files] = await Promise.all([
    buildReaderHarness(dir.path),
    Promise.resolve(writeMutatedCaptures(dir.path, COUNT)),
  ]);
});
after(() => dir?.remove());

test('every mutated file gives packets or a typed error, the same mapped, windowed, read in chunks and piped', async () => {
  // Two harness processes (two cores), each over half the files.
  const halves = [files.filter((_, i) => i % 2 === 0), files.filter((_, i) => i % 2 === 1)];
  const outputs = await Promise.all(
    halves.map((h) => runOk(null, exe, ['check', ...h.map((f) => f.file)], { timeoutMs: 300_000 })),
  );
  const results = new Map<string, { packets: number; end: string }>();
  for (const line of outputs
    .map((o) => o.stdout)
    .join('')
    .split('\n')) {
    const m = /^(\S+) packets=(\d+) end=(\S+)$/.exec(line);
    if (m) results.set(m[1], { packets: Number(m[2]), end: m[3] });
  }
  assert.equal(results.size, files.length, 'one line per file');
  const ends = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const f of files) {
    const r = results.get(f.file)!;
    assert.ok(['end', 'EFORMAT', 'ETRUNCATED'].includes(r.end), `${f.kind} (${f.what}): ${r.end}`);
    ends.set(r.end, (ends.get(r.end) ?? 0) + 1);
    kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  }
  // The generator must reach every class and every way of ending, or the test proves little.
  for (const kind of [
    'bitflip',
    'caplen',
    'wirelen',
    'snaplen',
    'blocklen',
    'linktype',
    'tsresol',
    'structure',
    'sections',
    'truncated',
  ]) {
    assert.ok((kinds.get(kind) ?? 0) >= 4, `class ${kind}: ${kinds.get(kind) ?? 0} files`);
  }
  for (const end of ['end', 'EFORMAT', 'ETRUNCATED'])
    assert.ok((ends.get(end) ?? 0) > 200, `${end}: ${ends.get(end) ?? 0} files`);

  const byWhat = (what: string) => {
    const f = files.find((x) => x.what === what);
    assert.ok(f, what);
    return results.get(f.file)!;
  };
  assert.deepEqual(byWhat('5000 sections, each with an interface and a packet, byte order alternating'), {
    packets: 5000,
    end: 'end',
  });
  assert.deepEqual(byWhat('20000 empty sections'), { packets: 0, end: 'end' });
  assert.deepEqual(byWhat('65536 interfaces in one section (one too many)'), { packets: 0, end: 'EFORMAT' });
  assert.deepEqual(byWhat('65535 interfaces in one section, a packet on the last'), { packets: 1, end: 'end' });
  assert.deepEqual(byWhat('pcap snaplen 0x3fffff81'), { packets: 1, end: 'end' });
  assert.deepEqual(byWhat('IDB snaplen 0x3fffff81 with SPBs'), { packets: 2, end: 'end' });
  assert.deepEqual(byWhat('a packet before any interface'), { packets: 0, end: 'EFORMAT' });
  assert.deepEqual(byWhat('an EPB on interface 1 of 1'), { packets: 0, end: 'EFORMAT' });
  assert.deepEqual(byWhat('an IDB option that overruns the block'), { packets: 0, end: 'EFORMAT' });
  // 1 s + 2,000,000 us is 3 s; 0xffffffff s + 0xffffffff us is past 2106.
  assert.deepEqual(byWhat('pcap microsecond fraction >= 10^6'), { packets: 1, end: 'EFORMAT' });
});
