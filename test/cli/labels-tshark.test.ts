/**
 * The segment labels agree with Wireshark's TCP analysis where both name the
 * same thing: on a crafted connection with dup acks, a window update,
 * keep-alives, a zero window, a lost segment, out-of-order data and a
 * retransmission, each label must sit on the frames tshark flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tsharkFields } from '../helpers/tshark';
import { craftFrames, writeCrafted, type CraftedSegment } from './craft-tcp';
import { runCli } from './run-cli';

const D100 = 'x'.repeat(100);

const SEGMENTS: CraftedSegment[] = [
  { from: 'c', flags: 'S', off: -1 },
  { from: 's', flags: 'SA', off: -1 },
  { from: 'c', flags: 'A', off: 0 },
  { from: 'c', flags: 'PA', off: 0, data: 'GET /big\r\n' },
  { from: 's', flags: 'A', off: 0 },
  { from: 's', flags: 'PA', off: 0, data: D100 },
  { from: 's', flags: 'PA', off: 100, data: D100 },
  { from: 'c', flags: 'A', off: 10, ackOff: 100 }, // acks the first block only
  { from: 'c', flags: 'A', off: 10, ackOff: 100 }, // dup ack 1
  { from: 'c', flags: 'A', off: 10, ackOff: 100 }, // dup ack 2
  { from: 's', flags: 'PA', off: 100, data: D100 }, // retransmission of the second block
  { from: 'c', flags: 'A', off: 10, ackOff: 200 },
  { from: 'c', flags: 'A', off: 10, ackOff: 200, window: 2000 }, // window update
  { from: 'c', flags: 'A', off: 9, ackOff: 200, window: 2000 }, // keep-alive
  { from: 's', flags: 'A', off: 200 }, // keep-alive ack
  { from: 's', flags: 'PA', off: 300, data: D100 }, // 200..300 never captured
  { from: 's', flags: 'PA', off: 200, data: D100 }, // the hole, filled late
  { from: 'c', flags: 'A', off: 10, ackOff: 400, window: 0 }, // zero window
];

/** Our label → the tshark analysis field that flags the same thing. */
const SAME: Array<[RegExp, string]> = [
  [/^dup ack #\d+$/, 'tcp.analysis.duplicate_ack'],
  [/^window update$/, 'tcp.analysis.window_update'],
  [/^keep-alive$/, 'tcp.analysis.keep_alive'],
  [/^keep-alive ack$/, 'tcp.analysis.keep_alive_ack'],
  [/^retransmission$/, 'tcp.analysis.retransmission'],
  [/previous segment not captured/, 'tcp.analysis.lost_segment'],
  [/zero window/, 'tcp.analysis.zero_window'],
];

test('labels sit on the frames Wireshark flags the same way', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-labels-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'crafted.pcap');
  await writeCrafted(file, craftFrames(false, SEGMENTS));

  const r = await runCli(['read', file]);
  assert.equal(r.code, 0, r.stderr);
  const labels = r.stdout
    .toString()
    .split('\n')
    .filter((l) => /^\d\d:\d\d:\d\d\.\d{6} TCP /.test(l))
    .map((l) => l.match(/\(([^()]*)\)$/)![1]!);
  assert.equal(labels.length, SEGMENTS.length);
  const fields = SAME.map(([, f]) => f);
  const rows = await tsharkFields(file, ['frame.number', ...fields]);
  const mismatches: string[] = [];
  for (const [re, field] of SAME) {
    const ours = labels.map((l, i) => (l.split('; ').some((part) => re.test(part)) ? i + 1 : 0)).filter(Boolean);
    const theirs = rows.map((row, i) => (row[field] !== '' ? i + 1 : 0)).filter(Boolean);
    assert.ok(theirs.length > 0, `the capture exercises ${field}`);
    if (ours.join() !== theirs.join())
      mismatches.push(`${field}: tshark frames ${theirs.join(',')}, pktkit ${ours.join(',')}`);
  }
  assert.deepEqual(mismatches, [], labels.map((l, i) => `${i + 1}: ${l}`).join('\n'));
  assert.equal(labels[16], 'out-of-order');
});
