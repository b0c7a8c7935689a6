/**
 * `-w FILE -C MB [-W N]`: the same files, byte for byte, as tcpdump makes
 * from the same input; every file readable by tshark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFile } from '../../lib/capture';
import { openWriter } from '../../lib/pcap-writer';
import type { Packet } from '../../lib/packet';
import { runOk } from '../helpers/processes';
import { ROOT, runCli } from './run-cli';

/** Packets per file as tshark counts them. */
async function countWithTshark(file: string): Promise<number> {
  const r = await runOk(null, 'tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number']);
  return r.stdout.split('\n').filter(Boolean).length;
}

async function filesIn(dir: string, prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort())
    out[f.slice(prefix.length) || '(base)'] = await countWithTshark(path.join(dir, f));
  return out;
}

test('rotation by size matches tcpdump file for file and packet for packet', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-rot-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // About 3.5 MB of real packets: the HTTP fixture, 480 times over.
  const packets: Packet[] = [];
  for await (const p of openFile(path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap'))) packets.push(p.copy());
  const big = path.join(dir, 'big.pcap');
  const w = openWriter(big, { linkType: 1 });
  for (let i = 0; i < 480; i++)
    for (const p of packets) w.write(p.data, { tsSec: p.tsSec + i, tsNsec: p.tsNsec, wireLen: p.length });
  await w.close();
  assert.ok(fs.statSync(big).size > 2_500_000);

  for (const extra of [[], ['-W', '2']]) {
    const name = extra.length ? 'ring' : 'plain';
    await runOk(null, 'tcpdump', [
      '-Z',
      'root',
      '-r',
      big,
      '-w',
      path.join(dir, `tcpdump-${name}`),
      '-C',
      '1',
      ...extra,
    ]);
    const r = await runCli(['read', big, '-w', path.join(dir, `pktkit-${name}`), '-C', '1', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    const theirs = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`tcpdump-${name}`))
      .sort();
    const ours = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`pktkit-${name}`))
      .sort();
    assert.deepEqual(
      ours.map((f) => f.slice('pktkit-'.length)),
      theirs.map((f) => f.slice('tcpdump-'.length)),
      'the same file names',
    );
    assert.ok(ours.length >= 2, 'rotation happened');
    // The same packets in each file: tcpdump's files and ours are byte for byte the same.
    ours.forEach((f, i) =>
      assert.ok(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(dir, theirs[i]!))), f),
    );
    const counts = await filesIn(dir, `pktkit-${name}`);
    assert.ok(
      Object.values(counts).every((n) => n > 0),
      'tshark reads every file',
    );
  }
  // pcapng by extension: one file, tshark reads every packet.
  const ng = path.join(dir, 'all.pcapng');
  const r = await runCli(['read', big, '-w', ng]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(ng).readUInt32LE(0), 0x0a0d0d0a, 'a pcapng section header');
  assert.equal(await countWithTshark(ng), packets.length * 480);
  const byTcpdump = await runOk(null, 'tcpdump', ['-n', '-r', ng]);
  assert.equal(byTcpdump.stdout.split('\n').filter(Boolean).length, packets.length * 480, 'tcpdump reads it too');
});
