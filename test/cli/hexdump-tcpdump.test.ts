/**
 * `-x` and `-X` print tcpdump's hex blocks: the same lines tcpdump prints for
 * every packet of the fixture captures (the packet lines themselves differ on
 * purpose: pktkit's carry the connection labels).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runOk } from '../helpers/processes';
import { ROOT, runCli } from './run-cli';

const hexLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('\t0x'));

for (const name of ['http-lo.pcap', 'veth-mixed.pcap', 'veth-vlan.pcap']) {
  for (const flag of ['-x', '-X']) {
    test(`${flag} blocks match tcpdump ${flag}: ${name}`, async () => {
      const file = path.join(ROOT, 'test', 'fixtures', 'pcap', name);
      const theirs = await runOk(null, 'tcpdump', ['-n', '-r', file, flag]);
      const ours = await runCli(['read', file, flag, '-q']);
      assert.equal(ours.code, 0, ours.stderr);
      const want = hexLines(theirs.stdout);
      assert.ok(want.length > 10);
      assert.deepEqual(hexLines(ours.stdout.toString('latin1')), want);
    });
  }
}
