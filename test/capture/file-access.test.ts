/**
 * openFile's two ways through a regular file (`access: 'read'`: one buffer reused batch after
 * batch; `'map'`: the mapping) give the same packets, and a packet kept with copy() stays what it
 * was while the reader reuses its buffer (read in chunks, over many buffers, with records cut at
 * every buffer's end). The input is larger than 8 MiB, so `'auto'` measures both ways on it and
 * takes the cheaper: the records of the Ethernet fixtures (tcpdump's captures of real traffic)
 * repeated to ~10 MiB.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, type FileOptions, type Packet } from '../../lib/index';
import { makeTempDir } from '../helpers/loopback';

const fixtures = path.join(__dirname, '..', 'fixtures', 'pcap');

/** The whole records of every microsecond, native-order, Ethernet pcap fixture (a cut one's last is left out). */
function ethernetRecords(): Buffer[] {
  const out: Buffer[] = [];
  for (const name of fs.readdirSync(fixtures).sort()) {
    if (!name.endsWith('.pcap')) continue;
    const b = fs.readFileSync(path.join(fixtures, name));
    if (b.length < 24 || b.readUInt32LE(0) !== 0xa1b2c3d4 || b.readUInt32LE(20) !== 1) continue;
    let end = 24;
    while (end + 16 <= b.length && end + 16 + b.readUInt32LE(end + 8) <= b.length) end += 16 + b.readUInt32LE(end + 8);
    out.push(b.subarray(24, end));
  }
  return out;
}

/** What a packet says, bytes included: its key in the comparisons below. */
function key(p: Packet): string {
  let h = 2166136261;
  for (const b of p.data) h = Math.imul(h ^ b, 16777619) >>> 0;
  const ip = p.ip;
  const l4 = p.tcp ?? p.udp;
  return [p.tsSec, p.tsNsec, p.length, p.caplen, h, ip?.srcInt, ip?.dstInt, l4?.sport, l4?.dport, p.tcp?.flags].join(
    ' ',
  );
}

describe('openFile access: read and map', () => {
  const dir = makeTempDir('file-access');
  const big = path.join(dir.path, 'big.pcap');
  after(() => dir.remove());

  before(() => {
    const header = fs.readFileSync(path.join(fixtures, 'http-lo.pcap')).subarray(0, 24);
    const records = ethernetRecords();
    assert.ok(records.length >= 2, 'the fixtures hold Ethernet captures');
    const parts: Buffer[] = [header];
    let size = 24;
    while (size < 10 << 20) {
      for (const r of records) {
        parts.push(r);
        size += r.length;
      }
    }
    fs.writeFileSync(big, Buffer.concat(parts));
  });

  async function read(access: FileOptions['access']): Promise<{ keys: string[]; batches: number }> {
    const keys: string[] = [];
    let batches = 0;
    for await (const batch of openFile(big, { access }).batches()) {
      batches++;
      for (const p of batch) keys.push(key(p));
    }
    return { keys, batches };
  }

  it('gives the same packets read in chunks, mapped, and as auto chooses', async () => {
    const mapped = await read('map');
    const chunked = await read('read');
    const auto = await read('auto');
    assert.ok(mapped.keys.length > 20_000, `${mapped.keys.length} packets`);
    assert.deepEqual(chunked.keys, mapped.keys);
    assert.deepEqual(auto.keys, mapped.keys);
    // A 1 MiB buffer holds at most ~1 MiB of records: the reader went round it at least 10 times.
    assert.ok(chunked.batches >= 10, `batches: ${chunked.batches}`);
  });

  it('copy() keeps a packet intact while the buffer it came from is reused', async () => {
    const expected = (await read('map')).keys;
    const kept: Array<[number, Packet]> = [];
    let i = 0;
    for await (const batch of openFile(big, { access: 'read' }).batches()) {
      const first = i;
      for (const p of batch) {
        // The first and the last packet of every batch: the bytes a reused buffer overwrites first.
        if (i === first || i === first + batch.count - 1) kept.push([i, p.copy()]);
        i++;
      }
    }
    assert.ok(kept.length >= 20);
    for (const [at, p] of kept) assert.equal(key(p), expected[at], `packet ${at + 1}`);
  });
});
