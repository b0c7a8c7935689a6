// hexdump() against Scapy's hexdump() and hexdumpTcpdump() against tcpdump -X,
// on lengths around the line and column boundaries and on every byte value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hexdump, hexdumpTcpdump } from '../../lib/hexdump';
import { scapyUnavailable } from './scapy-oracle';
import { writePcap } from '../layers/write-pcap';

const samples: Uint8Array[] = [1, 2, 15, 16, 17, 31, 32, 33, 47, 100].map((n) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff),
);
samples.push(Uint8Array.from({ length: 256 }, (_, i) => i));
samples.push(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: example.test\r\n\r\n'));

describe('hexdump layouts', () => {
  it('empty input gives an empty dump', () => {
    assert.equal(hexdump(new Uint8Array(0)), '');
    assert.equal(hexdumpTcpdump(new Uint8Array(0)), '');
  });

  it("matches Scapy's hexdump()", { skip: scapyUnavailable() }, () => {
    const script =
      'import sys,json\nfrom scapy.utils import hexdump\nfor h in json.load(sys.stdin): print(json.dumps(hexdump(bytes.fromhex(h), dump=True)))';
    const r = spawnSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify(samples.map((s) => Buffer.from(s).toString('hex'))),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const want = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string);
    samples.forEach((s, i) => assert.equal(hexdump(s), want[i], `${s.length} bytes`));
  });

  it('matches tcpdump -X (payload of a raw-IP capture, offsets from 0)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-hex-'));
    try {
      // DLT_RAW (101) with bytes that do not start like IP: tcpdump prints them all as the packet's hex.
      const file = path.join(dir, 'x.pcap');
      const frames = samples.map((s) => new Uint8Array([0x00, ...s]));
      writePcap(file, frames, 101);
      const r = spawnSync('tcpdump', ['-r', file, '-n', '-X', '-t'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const dumps = r.stdout.split(/\n(?=\S)/).map((block) =>
        block
          .split('\n')
          .slice(1)
          .filter((l) => l.startsWith('\t'))
          .join('\n'),
      );
      frames.forEach((f, i) => assert.equal(hexdumpTcpdump(f), dumps[i], `${f.length} bytes`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
