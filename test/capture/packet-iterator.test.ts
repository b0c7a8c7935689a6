/**
 * `for await (const p of capture)` hands out one reused Packet through one reused
 * result (no allocation per packet inside a batch). It must still walk exactly
 * the packets batches() walks, in order, across batch boundaries and the clock
 * checks every few packets, and stop cleanly on break, close() and abort.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, openWriter, type Packet } from '../../lib/index';
import { makeTempDir } from '../helpers/loopback';

const FIXTURE = path.resolve(__dirname, '../fixtures/pcap/veth-mixed.pcap');
// 45 packets × 400: about nine batches of a file capture (2,048 records each).
const COPIES = 400;

function key(p: Packet): string {
  return `${p.tsSec}.${p.tsNsec} ${p.length} ${p.caplen} ${p.summary()}`;
}

describe('for await over a capture', () => {
  const dir = makeTempDir('iterator');
  const file = path.join(dir.path, 'many.pcap');
  const expected: string[] = [];
  let batchCount = 0;

  before(async () => {
    const packets: Packet[] = [];
    for await (const p of openFile(FIXTURE)) packets.push(p.copy());
    const w = openWriter(file);
    for (let i = 0; i < COPIES; i++) for (const p of packets) w.writePacket(p);
    await w.close();
    for await (const batch of openFile(file).batches()) {
      batchCount++;
      for (const p of batch) expected.push(key(p));
    }
  });
  after(() => dir.remove());

  it('yields the packets batches() yields, in order, across many batches', async () => {
    assert.ok(batchCount > 5, `the file spans ${batchCount} batches`);
    const got: string[] = [];
    for await (const p of openFile(file)) got.push(key(p));
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected);
  });

  it('yields the same Packet object each time, valid until the next step', async () => {
    const it = openFile(file)[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.done, false);
    const firstKey = key(first.value as Packet);
    assert.equal(firstKey, expected[0]);
    const second = await it.next();
    assert.equal(second.value, first.value, 'one Packet, repositioned');
    assert.equal(key(second.value as Packet), expected[1]);
    await it.return?.();
    assert.deepEqual(await it.next(), { value: undefined, done: true });
  });

  it('stops on break and on close() in the middle of a batch', async () => {
    const capture = openFile(file);
    let n = 0;
    for await (const p of capture) {
      assert.equal(key(p), expected[n]);
      if (++n === 7) break;
    }
    assert.equal(capture.closed, true);

    const other = openFile(file);
    n = 0;
    for await (const p of other) {
      assert.equal(key(p), expected[n]);
      if (++n === 5) other.close();
    }
    assert.equal(n, 5, 'nothing after close()');
  });

  it('stops when its AbortSignal fires between packets', async () => {
    const controller = new AbortController();
    let n = 0;
    for await (const p of openFile(file, { signal: controller.signal })) {
      assert.equal(key(p), expected[n]);
      if (++n === 40) controller.abort();
    }
    assert.equal(n, 40);
  });
});
