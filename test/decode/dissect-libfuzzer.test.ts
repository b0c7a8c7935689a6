/**
 * libFuzzer over the dissector as captures run it (test/decode/dissect_fuzz.cc: RecordSink::put(),
 * the record slot and the columns), built with clang and AddressSanitizer + UndefinedBehaviorSanitizer,
 * for a bounded time. Where the mutation harness (dissect-fuzz.test.ts) mutates at random,
 * coverage steers this one into header chains and lengths that random mutation rarely reaches.
 * Seeded with every crafted packet under its own link type; a fixed -seed so a run replays. A crash,
 * a sanitizer report, a broken record invariant, a field left unwritten, or columns that disagree
 * with the record fail the test with libFuzzer's report.
 *
 * To run longer by hand: dissect_fuzz -max_total_time=600 CORPUS_DIR
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { writeCraftedCaptures } from './crafted-captures';
import { dissectorSources } from './harness';
import { buildLibFuzzer, runLibFuzzer } from './libfuzzer';

const SECONDS = 30;
const root = path.join(__dirname, '..', '..');

/** record_invariants.h's kFuzzLinkTypes, read from its one declaration: an input's first byte indexes it. */
function fuzzLinkTypes(): number[] {
  const header = fs.readFileSync(path.join(root, 'test', 'decode', 'record_invariants.h'), 'utf8');
  const list = /kFuzzLinkTypes\[\] = \{([^}]*)\}/.exec(header);
  assert.ok(list, 'kFuzzLinkTypes in record_invariants.h');
  const linkTypes = list[1]
    .replace(/\/\*.*?\*\//g, '')
    .split(',')
    .map((v) => Number(v.trim()));
  assert.ok(
    linkTypes.length > 1 && linkTypes.every(Number.isInteger),
    `kFuzzLinkTypes read as ${linkTypes.join(', ')}`,
  );
  return linkTypes;
}

let dir: TempDir;
let exe: string;
let corpus: string;
let seeds = 0;

before(async () => {
  dir = makeTempDir('dissect-libfuzzer');
  exe = await buildLibFuzzer(
    dir.path,
    'dissect_fuzz',
    [
      path.join(root, 'test', 'decode', 'dissect_fuzz.cc'),
      ...dissectorSources(),
      path.join(root, 'native', 'engine', 'packet_filter.cc'),
    ],
    ['-lpcap'],
  );
  corpus = dir.file('corpus');
  fs.mkdirSync(corpus);
  const linkTypes = fuzzLinkTypes();
  for (const capture of writeCraftedCaptures(dir.path)) {
    const index = linkTypes.indexOf(capture.linktype);
    assert.ok(index >= 0, `${capture.file}: link type ${capture.linktype} is not one the fuzzer hands out`);
    for (const [n, packet] of capture.packets.entries()) {
      const bytes = packet.snap === undefined ? packet.bytes : packet.bytes.subarray(0, packet.snap);
      // Second byte 0: the wire length equals the captured one; the fuzzer varies it.
      fs.writeFileSync(
        path.join(corpus, `${path.basename(capture.file)}-${n}`),
        Buffer.concat([Buffer.from([index, 0]), bytes]),
      );
      seeds++;
    }
  }
});
after(() => dir?.remove());

test(`libFuzzer over the dissector and its columns for ${SECONDS} s finds nothing`, async () => {
  assert.ok(seeds >= 60, `only ${seeds} seed packets`);
  const r = await runLibFuzzer(exe, corpus, SECONDS, 20261203);
  // A fuzzer that ran a handful of inputs proves nothing: it must have run many.
  assert.ok(r.runs > 50_000, `only ${r.runs} inputs run`);
});
