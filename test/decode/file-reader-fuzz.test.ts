/**
 * libFuzzer over native/file_reader (test/decode/file_reader_fuzz.cc), built with clang and
 * AddressSanitizer + UndefinedBehaviorSanitizer, for a bounded time: the whole file path (pcap and
 * pcapng headers, records, blocks, options, windowing) through FileReader::from_memory, and each
 * input again from a memfd read in one-page chunks (Access::kRead), which must agree. Seeded
 * with the fixtures and the crafted bases of the mutated-file generator; a fixed -seed so a run
 * replays. Any crash, sanitizer report, leak or 10 s input fails the test with libFuzzer's report.
 *
 * To run longer by hand: file_reader_fuzz -max_total_time=600 CORPUS_DIR
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { buildReaderFuzzer } from './file-reader-harness';
import { runLibFuzzer } from './libfuzzer';
import { baseCaptures } from './mutated-captures';

const SECONDS = 30;

let dir: TempDir;
let exe: string;
let corpus: string;

before(async () => {
  dir = makeTempDir('file-reader-fuzz');
  exe = await buildReaderFuzzer(dir.path);
  corpus = dir.file('corpus');
  fs.mkdirSync(corpus);
  for (const base of baseCaptures()) fs.writeFileSync(path.join(corpus, base.name), base.bytes);
});
after(() => dir?.remove());

test(`libFuzzer over the file reader for ${SECONDS} s finds nothing`, async () => {
  const r = await runLibFuzzer(exe, corpus, SECONDS, 20261202);
  // A fuzzer that ran a handful of inputs proves nothing: it must have run many.
  assert.ok(r.runs > 20_000, `only ${r.runs} inputs run`);
});
