/**
 * A reader slower than its source must not own the event loop: timers, I/O and
 * signals run between batches (at least every ~50 ms), so an AbortSignal can
 * stop a long read and Ctrl-C stops `pktkit read` at once. Regression for a
 * file read that ran 2.4 s with a 100 ms timer pending.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, openWriter } from '../../lib/index';
import { runCli } from '../cli/run-cli';
import { makeTempDir } from '../helpers/loopback';

const FIXTURE = path.resolve(__dirname, '../fixtures/pcap/http-lo.pcap');
const COPIES = 7000; // 30 packets each: 210,000 packets

describe("the event loop stays the user's", () => {
  const dir = makeTempDir('loop');
  const big = path.join(dir.path, 'big.pcap');
  let total = 0;
  before(async () => {
    const packets = [];
    for await (const p of openFile(FIXTURE)) packets.push(p.copy());
    const w = openWriter(big);
    for (let i = 0; i < COPIES; i++) for (const p of packets) w.writePacket(p);
    await w.close();
    total = packets.length * COPIES;
  });
  after(() => dir.remove());

  it('fires a timer set before a slow for-await over a big file while the loop runs', async () => {
    const started = performance.now();
    let firedAt = -1;
    let readWhenFired = -1;
    let n = 0;
    setTimeout(() => {
      firedAt = performance.now() - started;
      readWhenFired = n;
    }, 100);
    for await (const p of openFile(big)) {
      p.summary();
      n++;
    }
    assert.equal(n, total);
    assert.ok(
      readWhenFired > 0 && readWhenFired < total,
      `the timer fired mid-read (after ${readWhenFired} of ${total})`,
    );
    assert.ok(firedAt < 400, `and on time: ${firedAt.toFixed(0)} ms for a 100 ms timer`);
  });

  it('stops a long read when its AbortSignal fires', async () => {
    const started = performance.now();
    let n = 0;
    for await (const p of openFile(big, { signal: AbortSignal.timeout(150) })) {
      p.summary();
      n++;
    }
    const ms = performance.now() - started;
    assert.ok(n > 0 && n < total, `read ${n} of ${total}`);
    assert.ok(ms < 1000, `stopped after ${ms.toFixed(0)} ms`);
  });

  it('stops `pktkit read BIG` on the first Ctrl-C, with the usual end', async () => {
    let sentAt = 0;
    const r = await runCli(['read', big], {
      timeoutMs: 30_000,
      onSpawn: (child) => {
        child.stderr!.once('data', () => {
          setTimeout(() => {
            sentAt = performance.now();
            child.kill('SIGINT');
          }, 700);
        });
      },
    });
    const ms = performance.now() - sentAt;
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.toString().split('\n').filter(Boolean).length;
    assert.ok(lines > 0 && lines < total, `printed ${lines} of ${total} lines before stopping`);
    assert.ok(ms < 1000, `exited ${ms.toFixed(0)} ms after SIGINT`);
  });
});
