/**
 * The dissector against its contract (native/record.def): for crafted packets
 * whose right answer follows from the layouts alone (flags, stop layer,
 * offsets, declared payload lengths), every expected record field must match.
 * Field-by-field agreement with tshark is in test/decode/dissect-vs-tshark.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { writeCraftedCaptures, type CraftedCapture } from './crafted-captures';
import { buildHarness, dissectFile } from './harness';

let dir: TempDir;
let exe: string;
let captures: CraftedCapture[];

before(async () => {
  dir = makeTempDir('dissect-crafted');
  exe = await buildHarness(dir.path);
  captures = writeCraftedCaptures(dir.path);
});
after(() => dir?.remove());

test('every crafted packet decodes to the record values the contract promises', async () => {
  let checked = 0;
  const failures: string[] = [];
  for (const c of captures) {
    const records = await dissectFile(exe, c.file);
    assert.equal(records.length, c.packets.length, `${c.file}: one record per packet`);
    c.packets.forEach((p, i) => {
      const r = records[i];
      // libpcap hands LINKTYPE_RAW (101, the file's value) over as DLT_RAW (12)
      assert.equal(r.linkType, c.linktype === 101 ? 12 : c.linktype);
      assert.equal(r.capLen, p.snap ?? p.bytes.length);
      for (const [field, want] of Object.entries(p.expect ?? {})) {
        checked++;
        if (r[field] !== want) failures.push(`${c.file} #${i + 1} ${p.name}: ${field} = ${r[field]}, expected ${want}`);
      }
    });
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 200, `only ${checked} expectations were checked`);
});
