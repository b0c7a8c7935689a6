/**
 * PACKET_FANOUT: one interface spread over two worker threads, each with its
 * own ring. Every datagram the sender sent is captured exactly once, the flows
 * are shared between the workers, and the summed stats account for all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaptureStats } from '../../lib/index';
import { createNetPair } from '../helpers/netns';
import { startNodeInNs } from '../helpers/node-in-ns';

const DATAGRAMS = 3000;
const FLOWS = 40;
const PORT = 9777;

describe('fanout', () => {
  it('captures every packet once over two workers, flows spread by hash', async (t) => {
    const net = await createNetPair({ prefix: 'fanout', ipv6: false, t });
    const capture = startNodeInNs(net.nsA, 'test/capture/scripts/fanout-capture.ts', [
      JSON.stringify({ device: net.ifA, workers: 2, port: PORT }),
    ]);
    await capture.waitFor((m) => 'ready' in (m as object), 20_000);
    // FLOWS source ports, so that the flow hash has flows to spread; sent one after another.
    await net.execOk(net.nsB, process.execPath, [
      '-e',
      `const dgram = require('dgram');
       const socks = Array.from({ length: ${FLOWS} }, () => dgram.createSocket('udp4'));
       let n = 0;
       const next = () => {
         if (n >= ${DATAGRAMS}) { socks.forEach((s) => s.close()); return; }
         const id = n++;
         socks[id % ${FLOWS}].send('id-' + id, ${PORT}, '${net.ipA}', next);
       };
       next();`,
    ]);
    const deadline = Date.now() + 10_000;
    let stats: CaptureStats | undefined;
    while (Date.now() < deadline) {
      capture.send({ cmd: 'stats' });
      stats = (
        await capture.waitFor<{ stats: CaptureStats }>(
          (m) => 'stats' in (m as object) && !(m as { seen?: boolean }).seen,
        )
      ).stats;
      for (const m of capture.messages) if ('stats' in (m as object)) (m as { seen?: boolean }).seen = true;
      if (stats.delivered + stats.droppedByKernel >= DATAGRAMS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    capture.send({ cmd: 'stop' });
    const { result } = await capture.waitFor<{
      result: { results: Array<{ worker: number; ids: number[] }>; stats: CaptureStats; perWorker: CaptureStats[] };
    }>((m) => 'result' in (m as object), 20_000);

    const all = result.results.flatMap((r) => r.ids);
    assert.equal(result.stats.droppedByKernel, 0, JSON.stringify(result.stats));
    assert.equal(all.length, DATAGRAMS, 'every datagram captured');
    assert.equal(new Set(all).size, DATAGRAMS, 'none captured twice');
    for (const r of result.results)
      assert.ok(r.ids.length > 0, `worker ${r.worker} got a share: ${result.results.map((x) => x.ids.length)}`);
    assert.equal(result.stats.delivered, DATAGRAMS);
    assert.equal(
      result.stats.received,
      result.stats.delivered + result.stats.droppedByKernel + result.stats.droppedByRing,
    );
    assert.equal(result.perWorker.length, 2);
  });
});
