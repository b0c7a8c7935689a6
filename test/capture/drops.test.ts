/**
 * A consumer that does not read while a burst arrives: the kernel's ring is the
 * only buffer; it neither grows nor blocks; what does not fit is dropped and
 * counted by the kernel, exactly, and at close
 * received = delivered + droppedByKernel + droppedByRing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNetPair } from '../helpers/netns';
import { startNodeInNs } from '../helpers/node-in-ns';

const BURST = 3000;
const PORT = 9999;

describe('drops', () => {
  it('counts every packet a paused consumer could not take', async (t) => {
    const net = await createNetPair({ prefix: 'drops', ipv6: false, t });
    // 64 KiB of kernel ring holds a few hundred of these small packets: most of the burst cannot fit.
    const capture = startNodeInNs(net.nsA, 'test/capture/scripts/live-capture.ts', [
      JSON.stringify({
        device: net.ifA,
        pauseFirst: true,
        options: { snaplen: 96, ringSize: 1 << 16, filter: `udp port ${PORT}` },
      }),
    ]);
    await capture.waitFor((m) => 'ready' in (m as object));
    await net.execOk(net.nsB, process.execPath, [
      '-e',
      `const u = require('dgram').createSocket('udp4'); let n = 0;
       const next = () => n < ${BURST} ? u.send('burst-' + n++, ${PORT}, '${net.ipA}', next) : u.close(); next();`,
    ]);
    await new Promise((r) => setTimeout(r, 500));
    capture.send({ cmd: 'stats' });
    const before = await capture.waitFor<{ stats: Record<string, number> }>((m) => 'stats' in (m as object));
    assert.ok(before.stats.droppedByKernel > 0, `the full ring dropped packets: ${JSON.stringify(before.stats)}`);

    capture.send({ cmd: 'read' });
    await new Promise((r) => setTimeout(r, 500));
    capture.send({ cmd: 'stop' });
    const end = await capture.waitFor<{ stats: Record<string, number>; iterated: number }>(
      (m) => 'iterated' in (m as object),
    );
    const { received, delivered, droppedByRing, droppedByKernel } = end.stats;
    assert.equal(received, delivered + droppedByKernel + droppedByRing, JSON.stringify(end.stats));
    assert.equal(end.iterated, delivered, 'every delivered packet reached the loop');
    assert.ok(droppedByKernel > 0);
    assert.ok(delivered > 0 && delivered < BURST);
    // Every datagram of the burst is accounted for, exactly: seen, or dropped by the kernel.
    assert.equal(received, BURST, JSON.stringify(end.stats));
    const seen = capture.messages
      .filter((m) => 'packet' in (m as object))
      .map((m) => (m as { packet: { payload: string } }).packet);
    assert.equal(seen.length, delivered);
    assert.ok(
      seen.every((p) => Buffer.from(p.payload, 'hex').toString().startsWith('burst-')),
      'delivered packets are intact',
    );
  });
});
