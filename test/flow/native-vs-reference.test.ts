/**
 * The native flow table against the TypeScript table it replaced
 * (test/helpers/flow-table-reference.ts, unchanged): on a generated mix of
 * 40,000 packets (bench/gen's mix: TCP over IPv4 and IPv6 with handshakes,
 * data, FIN and RST, UDP, DNS, ICMP echo and errors, ICMPv6, ARP, 802.1Q
 * tags), with the default
 * options and with a small table and short timeouts (evictions, idle and
 * active timeouts), both give the same records in the same order, the same
 * Community ID for every packet, and the same counters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from '../../bench/gen/generate';
import { openFile } from '../../lib/capture';
import { FlowTable, type FlowOptions, type FlowRecord } from '../../lib/flow/table';
import { ReferenceFlowTable } from '../helpers/flow-table-reference';
import { withTempDir } from '../helpers/loopback';

async function compare(file: string, options: FlowOptions): Promise<number> {
  const mine: FlowRecord[] = [];
  const ref: FlowRecord[] = [];
  const a = new FlowTable((f) => mine.push(f), options);
  const b = new ReferenceFlowTable((f) => ref.push(f), options);
  let i = 0;
  for await (const p of openFile(file)) {
    assert.equal(a.add(p), b.add(p), `Community ID of packet ${i}`);
    i++;
  }
  a.flush();
  b.flush();
  assert.equal(mine.length, ref.length);
  for (let k = 0; k < ref.length; k++) assert.deepEqual(mine[k], ref[k], `flow record ${k}`);
  assert.deepEqual(a.stats(), b.stats());
  return ref.length;
}

test('native flow table = the TypeScript reference on a 40,000-packet mix: defaults, and maxFlows 200 with 50 ms idle / 200 ms active timeouts', async () => {
  await withTempDir(async (dir) => {
    const input = generate({ outDir: dir.path, count: 40_000, kind: 'mix' });
    const flows = await compare(input.path, {});
    assert.ok(flows > 1000, `the mix makes many flows (${flows})`);
    await compare(input.path, { maxFlows: 200, idleTimeout: 0.05, activeTimeout: 0.2, seed: 7 });
  }, 'flowref');
});
