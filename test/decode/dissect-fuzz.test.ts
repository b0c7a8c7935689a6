/**
 * Fuzzes the native dissector: test/decode/dissect_harness.cc, built with
 * AddressSanitizer and UndefinedBehaviorSanitizer, mutates the crafted
 * captures (bit flips, interesting bytes and words, truncation, random lengths
 * up to 2000 bytes, duplicated chunks, random link types, lying wire lengths)
 * with a fixed seed, so a failure replays exactly with the same command. Every
 * packet sits in a heap block of exactly caplen bytes: one byte read past it
 * aborts the run. The harness also checks record invariants after each call.
 *
 * To replay a failure by hand:
 *   dissect_harness fuzz SEED ITERATIONS ethernet.pcap sll.pcap ...
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LAYER_UDP } from '../../lib/record.gen';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { writeCraftedCaptures } from './crafted-captures';
import { buildHarness, fuzzFiles, type FuzzSummary } from './harness';

/** Two runs in parallel (the machine has two cores), half a million mutations each. */
const SEEDS = [20261121, 4242];
const ITERATIONS = 500_000;

let dir: TempDir;
let exe: string;
let seeds: string[];

before(async () => {
  dir = makeTempDir('dissect-fuzz');
  exe = await buildHarness(dir.path);
  seeds = writeCraftedCaptures(dir.path).map((c) => c.file);
});
after(() => dir?.remove());

test('mutated packets never make the dissector read out of bounds or break the record invariants', async () => {
  const runs: FuzzSummary[] = await Promise.all(SEEDS.map((seed) => fuzzFiles(exe, seed, ITERATIONS, seeds, 120_000)));
  for (const [i, run] of runs.entries()) {
    assert.equal(run.iterations, ITERATIONS, `seed ${SEEDS[i]} ran to the end`);
    assert.ok(run.samples >= 60, `seed packets: ${run.samples}`);
    // The mutations must reach every decoder and every way of stopping, or the
    // fuzzing proves little: each layer decoded and each flag set many times.
    for (let layer = 0; layer <= LAYER_UDP; layer++) {
      assert.ok(run.layers[layer] > 1000, `seed ${SEEDS[i]}: layer ${layer} decoded only ${run.layers[layer]} times`);
    }
    for (let bit = 0; bit < 7; bit++) {
      assert.ok(
        run.flags[bit] > 100,
        `seed ${SEEDS[i]}: flag 0x${(1 << bit).toString(16)} set only ${run.flags[bit]} times`,
      );
    }
  }
});
