// PcapWriter.writeBatch(): a capture's batch written natively (record headers
// plus the bytes from where the mapped file or the kernel's ring holds them,
// no JS per packet) must give the very bytes tcpdump -w writes from the same packets, and
// the very bytes the packet-by-packet JS path writes; pcapng and streams take
// the JS path. The CLI's -w uses it (test/cli/rotation*.test.ts, write-native-netns).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { openFile, type Batch } from '../../lib/capture';
import { FileError, PktkitError } from '../../lib/errors';
import { openWriter, PcapWriter, type OpenWriterOptions, type PacketWriter } from '../../lib/pcap-writer';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { readPcap } from '../helpers/pcap-file';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pcap');
const PCAPS = [
  'http-lo.pcap',
  'http-lo-nsec.pcap',
  'http-lo-snap96.pcap',
  'veth-mixed.pcap',
  'veth-vlan.pcap',
  'any-sll2.pcap',
  'any-sll.pcap',
];

let tmp: TempDir;
before(() => {
  tmp = makeTempDir('writebatch');
});
after(() => tmp.remove());

/** Writes every packet of `input` through `each(writer, batch)`; the writer gets the capture's link type and snaplen. */
async function writeAll(
  input: string,
  target: string | NodeJS.WritableStream,
  each: (w: PacketWriter, b: Batch) => void,
  options: OpenWriterOptions = {},
): Promise<number> {
  const cap = openFile(input);
  const w = openWriter(target, { linkType: cap.linkType, snaplen: cap.snaplen, ...options });
  for await (const batch of cap.batches()) each(w, batch);
  await w.close();
  return w.packets;
}

const native = (w: PacketWriter, b: Batch): void => w.writeBatch(b);
const perPacket = (w: PacketWriter, b: Batch): void => {
  for (const p of b) w.writePacket(p);
};

/** tcpdump -r input -w out: libpcap's own writer on the same packets. */
function tcpdumpCopy(input: string, out: string): void {
  const r = spawnSync('tcpdump', ['-r', input, '-w', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** A pcap of `n` packets of varied sizes (0..1500 bytes of payload), so that runs fill the 256 KiB staging buffer many times. */
function bigInput(n: number): string {
  const file = tmp.file(`big-${n}.pcap`);
  const w = new PcapWriter(file, { linkType: 1 });
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(14 + ((i * 7919) % 1500));
    for (let j = 0; j < data.length; j++) data[j] = (i + j * 31) & 0xff;
    w.write(data, {
      tsSec: 1_700_000_000 + (i >> 4),
      tsNsec: (i * 123_457) % 1_000_000_000,
      wireLen: data.length + (i % 3),
    });
  }
  w.closeSync();
  return file;
}

describe('writeBatch writes what tcpdump -w writes', () => {
  for (const name of PCAPS) {
    test(name, async () => {
      const input = path.join(FIXTURES, name);
      const ours = tmp.file(`native-${name}`);
      const theirs = tmp.file(`tcpdump-${name}`);
      const count = await writeAll(input, ours, native);
      tcpdumpCopy(input, theirs);
      assert.equal(count, readPcap(theirs).records.length);
      assert.ok(fs.readFileSync(ours).equals(fs.readFileSync(theirs)), `${name}: byte for byte tcpdump's file`);
    });
  }

  test('thousands of packets, several batches and staging buffers, stamps in nanoseconds too', async () => {
    const input = bigInput(5000);
    const ours = tmp.file('native-big.pcap');
    const theirs = tmp.file('tcpdump-big.pcap');
    assert.equal(await writeAll(input, ours, native), 5000);
    tcpdumpCopy(input, theirs);
    assert.ok(fs.readFileSync(ours).equals(fs.readFileSync(theirs)));
    // Nanosecond files: the same bytes as the packet-by-packet writer.
    const nanoNative = tmp.file('nano-native.pcap');
    const nanoJs = tmp.file('nano-js.pcap');
    await writeAll(input, nanoNative, native, { precision: 'nano' });
    await writeAll(input, nanoJs, perPacket, { precision: 'nano' });
    assert.ok(fs.readFileSync(nanoNative).equals(fs.readFileSync(nanoJs)));
    assert.equal(fs.readFileSync(nanoNative).readUInt32LE(0), 0xa1b23c4d);
  });

  test('packets as long as the 256 KiB staging buffer, and around it, among short ones', async () => {
    // Record lengths (16 + caplen) just under, at and over the buffer, and the longest a file may hold.
    const sizes = [60, 262_128 - 16, 60, 262_144 - 16, 262_144 - 15, 1514, 262_144, 60, 200_000, 100_000, 60];
    const input = tmp.file('long.pcap');
    const w = new PcapWriter(input, { linkType: 1, snaplen: 262_144 });
    sizes.forEach((n, i) => {
      const data = new Uint8Array(n);
      for (let j = 0; j < n; j++) data[j] = (i * 13 + j * 7) & 0xff;
      w.write(data, { tsSec: 1_700_000_000 + i, tsNsec: i * 1000 });
    });
    w.closeSync();
    const ours = tmp.file('native-long.pcap');
    const js = tmp.file('js-long.pcap');
    const theirs = tmp.file('tcpdump-long.pcap');
    assert.equal(await writeAll(input, ours, native), sizes.length);
    await writeAll(input, js, perPacket);
    tcpdumpCopy(input, theirs);
    assert.deepEqual(
      readPcap(ours).records.map((r) => r.data.length),
      sizes,
    );
    assert.ok(fs.readFileSync(ours).equals(fs.readFileSync(theirs)), "byte for byte tcpdump's file");
    assert.ok(fs.readFileSync(ours).equals(fs.readFileSync(js)), 'byte for byte the packet-by-packet writer');
  });
});

describe('writeBatch agrees with writePacket', () => {
  test('a snap length shorter than the packets cuts them and keeps their wire length', async () => {
    const input = path.join(FIXTURES, 'http-lo.pcap');
    const a = tmp.file('snap-native.pcap');
    const b = tmp.file('snap-js.pcap');
    await writeAll(input, a, native, { snaplen: 60 });
    await writeAll(input, b, perPacket, { snaplen: 60 });
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
    const records = readPcap(a).records;
    assert.ok(records.every((r) => r.data.length <= 60));
    assert.ok(
      records.some((r) => r.wireLen > 60),
      'some packets were longer and keep their length',
    );
  });

  test('count writes the first packets only; packets and bytes are counted', async () => {
    const cap = openFile(path.join(FIXTURES, 'veth-mixed.pcap'));
    const file = tmp.file('count.pcap');
    const w = openWriter(file, { linkType: cap.linkType, snaplen: cap.snaplen });
    for await (const batch of cap.batches()) {
      w.writeBatch(batch, 7);
      w.writeBatch(batch, 0);
    }
    await w.close();
    assert.equal(w.packets, 7);
    assert.equal(w.bytes, fs.statSync(file).size);
    const theirs = tmp.file('count-tcpdump.pcap');
    const r = spawnSync('tcpdump', ['-r', path.join(FIXTURES, 'veth-mixed.pcap'), '-c', '7', '-w', theirs], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.readFileSync(file).equals(fs.readFileSync(theirs)));
  });

  test('bytes buffered by writePacket go before the batch', async () => {
    const input = path.join(FIXTURES, 'http-lo.pcap');
    const a = tmp.file('mixed-native.pcap');
    const b = tmp.file('mixed-js.pcap');
    let first = true;
    await writeAll(input, a, (w, batch) => {
      // The first packet through the JS buffer, the whole batch natively: the first packet twice, in order.
      if (first) w.writePacket(batch.at(0));
      first = false;
      w.writeBatch(batch);
    });
    first = true;
    await writeAll(input, b, (w, batch) => {
      if (first) w.writePacket(batch.at(0));
      first = false;
      for (const p of batch) w.writePacket(p);
    });
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
  });

  test('pcapng files and streams take the packet-by-packet path, with the same result', async () => {
    const input = path.join(FIXTURES, 'veth-mixed.pcap');
    const a = tmp.file('ng-native.pcapng');
    const b = tmp.file('ng-js.pcapng');
    await writeAll(input, a, native);
    await writeAll(input, b, perPacket);
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => chunks.push(c));
    await writeAll(input, stream, native, { format: 'pcap' });
    const c = tmp.file('stream-js.pcap');
    await writeAll(input, c, perPacket);
    assert.ok(Buffer.concat(chunks).equals(fs.readFileSync(c)));
  });
});

describe('captures that do not decode (decode: false, as pktkit capture -w opens them)', () => {
  test('the same bytes, lengths and stamps, no layers, and the same file', async () => {
    const input = path.join(FIXTURES, 'veth-mixed.pcap');
    const seen = (decode: boolean) => async () => {
      const out: Array<[string, number, number, number, boolean]> = [];
      for await (const p of openFile(input, { decode }))
        out.push([
          Buffer.from(p.data).toString('hex'),
          p.length,
          p.tsSec,
          p.tsNsec,
          p.ip !== undefined || p.ipv6 !== undefined || p.arp !== undefined,
        ]);
      return out;
    };
    const decoded = await seen(true)();
    const raw = await seen(false)();
    assert.equal(raw.length, decoded.length);
    assert.ok(
      decoded.some((r) => r[4]),
      'decoded packets have layers',
    );
    assert.ok(
      raw.every((r) => !r[4]),
      'undecoded packets have none',
    );
    assert.deepEqual(
      raw.map((r) => r.slice(0, 4)),
      decoded.map((r) => r.slice(0, 4)),
    );
    const a = tmp.file('raw.pcap');
    const cap = openFile(input, { decode: false });
    const w = openWriter(a, { linkType: cap.linkType, snaplen: cap.snaplen });
    for await (const batch of cap.batches()) w.writeBatch(batch);
    await w.close();
    const theirs = tmp.file('raw-tcpdump.pcap');
    tcpdumpCopy(input, theirs);
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(theirs)));
  });

  test('decode must be a boolean', () => {
    assert.throws(() => openFile(path.join(FIXTURES, 'http-lo.pcap'), { decode: 'no' as unknown as boolean }), {
      name: 'TypeError',
      message: /Expected a boolean for decode but received/,
    });
  });
});

describe('errors', () => {
  test('a failed native write is a FileError with the system code and the target', async () => {
    const file = tmp.file('ebadf.pcap');
    const fd = fs.openSync(file, 'w');
    const w = new PcapWriter(fd);
    w.flush(); // the file header goes while the descriptor can write
    fs.closeSync(fd);
    // The same number, now read-only: the batch's write fails with EBADF.
    const readOnly = fs.openSync(file, 'r');
    try {
      assert.equal(readOnly, fd, 'the lowest free descriptor number is reused');
      const cap = openFile(path.join(FIXTURES, 'http-lo.pcap'));
      for await (const batch of cap.batches()) {
        assert.throws(
          () => w.writeBatch(batch),
          (err: unknown) => {
            assert.ok(err instanceof FileError, String(err));
            assert.equal(err.code, 'EBADF');
            assert.equal(err.message, `cannot write to fd ${fd}: Bad file descriptor`);
            return true;
          },
        );
      }
      assert.equal(w.packets, 0, 'nothing counted as written');
    } finally {
      fs.closeSync(readOnly);
    }
  });

  test('a closed writer refuses a batch; a bad batch or count is a TypeError or RangeError', async () => {
    const cap = openFile(path.join(FIXTURES, 'http-lo.pcap'));
    const w = openWriter(tmp.file('closed.pcap'));
    await w.close();
    for await (const batch of cap.batches()) {
      assert.throws(
        () => w.writeBatch(batch),
        (err: unknown) => err instanceof PktkitError && err.code === 'ECLOSED',
      );
      const open = openWriter(tmp.file('bad-count.pcap'));
      assert.throws(() => open.writeBatch(batch, batch.count + 1), {
        name: 'RangeError',
        message: /for count but received/,
      });
      assert.throws(() => open.writeBatch(batch, -1), RangeError);
      await open.close();
      break;
    }
    const open = openWriter(tmp.file('bad-batch.pcap'));
    assert.throws(() => open.writeBatch({} as Batch), {
      name: 'TypeError',
      message: /Expected a capture's Batch for batch but received/,
    });
    assert.throws(() => open.writeBatch(null as unknown as Batch), TypeError);
    await open.close();
  });
});
