/**
 * The kernel ring is lent to JS block by block: a block JS still holds is
 * never handed back to the kernel, however long JS holds it and however many
 * times the ring wraps meanwhile; and a batch holds one block at most.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNetPair } from '../helpers/netns';
import { startNodeInNs } from '../helpers/node-in-ns';

const PORT = 9555;
const DATAGRAMS = 6000;

describe('ring lending', () => {
  it('keeps the bytes of a held batch intact across wraps of a 64 KiB ring', async (t) => {
    const net = await createNetPair({ prefix: 'lend', ipv6: false, t });
    const reader = startNodeInNs(net.nsA, 'test/capture/scripts/lending-check.ts', [
      JSON.stringify({ device: net.ifA, port: PORT }),
    ]);
    await reader.waitFor((m) => 'ready' in (m as object));
    // Distinct payloads, 200 bytes each, paced in small bursts so that the ring wraps many times while batches are held.
    await net.execOk(net.nsB, process.execPath, [
      '-e',
      `const u = require('dgram').createSocket('udp4'); let n = 0;
       const next = () => {
         if (n >= ${DATAGRAMS}) return u.close();
         const id = n++;
         const body = ('payload-' + id + '-').repeat(20).slice(0, 200);
         u.send(body, ${PORT}, '${net.ipA}', () => (id % 50 === 49 ? setTimeout(next, 5) : next()));
       };
       next();`,
    ]);
    await new Promise((r) => setTimeout(r, 300));
    reader.send({ cmd: 'stop' });
    const end = await reader.waitFor<{
      batches: number;
      packets: number;
      changed: number;
      copiesDiffer: number;
      backwards: number;
      widestSpan: number;
      ringBytes: number;
      stats: Record<string, number>;
    }>((m) => 'batches' in (m as object), 20_000);
    t.diagnostic(JSON.stringify(end));
    // 64 KiB holds about two hundred of these packets: a thousand wrap the ring several times.
    assert.ok(end.packets > 1000, `enough packets to wrap the ring several times: ${JSON.stringify(end)}`);
    assert.ok(end.batches > 10, JSON.stringify(end));
    assert.equal(end.changed, 0, 'no byte of a held batch changed under JS');
    assert.equal(end.copiesDiffer, 0, 'copies equal the views');
    // A batch never spans blocks: JS holds one block at most and the kernel has the rest of the ring
    // while JS reads. A batch over several blocks would wrap at the ring's end (bytes going backwards)
    // and cover more of the ring.
    assert.equal(end.backwards, 0, `no batch wraps the ring: ${JSON.stringify(end)}`);
    assert.ok(
      end.widestSpan <= end.ringBytes / 4,
      `every batch's bytes lie in one block, a fraction of the ring: ${JSON.stringify(end)}`,
    );
    const s = end.stats;
    assert.equal(s.received, s.delivered + s.droppedByKernel + s.droppedByRing, JSON.stringify(s));
    assert.equal(s.received, DATAGRAMS, 'every datagram was delivered or counted as dropped');
  });
});
