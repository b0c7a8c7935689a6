// lib/pcap-writer.ts: what it writes must read back, in tshark and in tcpdump,
// as exactly the packets, timestamps and lengths that went in; and for the
// same packets it must write the very bytes libpcap (tcpdump -w) wrote.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FileError, PktkitError } from '../../lib/errors';
import {
  PcapngWriter,
  PcapWriter,
  openWriter,
  type OpenWriterOptions,
  type PacketWriter,
  type TimestampPrecision,
} from '../../lib/pcap-writer';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { parsePcap, readPcap } from '../helpers/pcap-file';
import { tcpdumpRead, tsharkFields } from '../helpers/tshark';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pcap');

/** A packet as handed to the writer, and what a reader must report for it. */
interface Sample {
  data: Uint8Array;
  tsSec: number;
  tsNsec: number;
  wireLen: number;
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/**
 * Ethernet frames with the local experimental ethertype 0x88b5, so that both
 * readers show the payload as plain data; sizes from 14 bytes (no payload)
 * to 1514, timestamps that probe the sub-second edges, and some frames whose
 * wire length exceeds what is stored.
 */
function samples(count: number, seed = 7): Sample[] {
  const next = rng(seed);
  const edgeNsec = [0, 1, 999, 1000, 999_999, 1_000_000, 123_456_789, 999_999_999];
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const len = i === 0 ? 14 : 14 + (next() % 1501);
    const data = new Uint8Array(len);
    for (let j = 0; j < len; j++) data[j] = next() & 0xff;
    data[0] &= 0xfe; // unicast destination: nothing special for the readers
    data[12] = 0x88;
    data[13] = 0xb5;
    const tsNsec = i < edgeNsec.length ? edgeNsec[i] : next() % 1_000_000_000;
    const wireLen = i % 5 === 4 ? len + 1 + (next() % 3000) : len;
    out.push({ data, tsSec: 1_700_000_000 + i * 37, tsNsec, wireLen });
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The timestamp a reader prints with nine decimals, after the file's precision has had its say. */
function epoch9(s: { tsSec: number; tsNsec: number }, precision: TimestampPrecision): string {
  const frac = precision === 'nano' ? s.tsNsec : Math.floor(s.tsNsec / 1000) * 1000;
  return `${s.tsSec}.${String(frac).padStart(9, '0')}`;
}

function writeAll(file: string, list: readonly Sample[], options: OpenWriterOptions): Promise<PacketWriter> {
  const w = openWriter(file, options);
  for (const s of list) w.write(s.data, { tsSec: s.tsSec, tsNsec: s.tsNsec, wireLen: s.wireLen });
  return w.close().then(() => w);
}

/** Splits `tcpdump -tt -xx` output into one record per packet: its first line and its bytes. */
function parseTcpdumpHex(lines: readonly string[]): Array<{ head: string; bytes: string }> {
  const out: Array<{ head: string; bytes: string }> = [];
  for (const line of lines) {
    const m = /^\s+0x[0-9a-f]+:\s+((?:[0-9a-f]{2,4}\s?)+)/.exec(line);
    if (m) out[out.length - 1].bytes += m[1].replace(/\s+/g, '');
    else out.push({ head: line, bytes: '' });
  }
  return out;
}

let tmp: TempDir;
before(() => (tmp = makeTempDir('pcap-writer')));
after(() => tmp.remove());

describe('what the writer writes reads back the same in tshark and tcpdump', () => {
  const list = samples(60);
  const cases: Array<{ name: string; file: string; precision: TimestampPrecision }> = [
    { name: 'pcap, microseconds', file: 'us.pcap', precision: 'micro' },
    { name: 'pcap, nanoseconds', file: 'ns.pcap', precision: 'nano' },
    { name: 'pcapng, nanoseconds', file: 'ns.pcapng', precision: 'nano' },
    { name: 'pcapng, microseconds', file: 'us.pcapng', precision: 'micro' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const file = tmp.file(c.file);
      const w = await writeAll(file, list, { precision: c.precision, bufferSize: 4096 });
      assert.equal(w.format, c.file.endsWith('.pcapng') ? 'pcapng' : 'pcap');
      assert.equal(w.packets, list.length);
      assert.equal(w.bytes, fs.statSync(file).size);

      const rows = await tsharkFields(file, [
        'frame.time_epoch',
        'frame.len',
        'frame.cap_len',
        'eth.dst',
        'eth.src',
        'eth.type',
        'data.data',
      ]);
      assert.equal(rows.length, list.length);
      rows.forEach((r, i) => {
        const s = list[i];
        assert.equal(r['frame.time_epoch'], epoch9(s, c.precision), `packet ${i + 1} timestamp`);
        assert.equal(r['frame.len'], String(s.wireLen), `packet ${i + 1} wire length`);
        assert.equal(r['frame.cap_len'], String(s.data.length), `packet ${i + 1} captured length`);
        const bytes =
          r['eth.dst'].replace(/:/g, '') + r['eth.src'].replace(/:/g, '') + r['eth.type'].slice(2) + r['data.data'];
        assert.equal(bytes, hex(s.data), `packet ${i + 1} bytes`);
      });

      const dumped = parseTcpdumpHex(await tcpdumpRead(file, ['-tt', '-xx', `--time-stamp-precision=${c.precision}`]));
      assert.equal(dumped.length, list.length);
      dumped.forEach((d, i) => {
        const s = list[i];
        const ts = c.precision === 'nano' ? epoch9(s, 'nano') : epoch9(s, 'micro').slice(0, -3);
        assert.ok(d.head.startsWith(`${ts} `), `packet ${i + 1}: expected ${ts} in ${d.head}`);
        assert.match(d.head, new RegExp(`length ${s.wireLen}: `), `packet ${i + 1} wire length`);
        assert.equal(d.bytes, hex(s.data), `packet ${i + 1} bytes`);
      });
    });
  }

  test('snaplen cuts stored bytes and keeps the wire length; the header carries it', async () => {
    const file = tmp.file('snap.pcap');
    const list = samples(10, 99);
    await writeAll(file, list, { snaplen: 64 });
    assert.equal(readPcap(file).header.snaplen, 64);
    const rows = await tsharkFields(file, ['frame.len', 'frame.cap_len']);
    rows.forEach((r, i) => {
      assert.equal(r['frame.len'], String(list[i].wireLen));
      assert.equal(r['frame.cap_len'], String(Math.min(64, list[i].data.length)));
    });
    const dumped = parseTcpdumpHex(await tcpdumpRead(file, ['-xx']));
    dumped.forEach((d, i) => assert.equal(d.bytes, hex(list[i].data.subarray(0, 64))));
  });

  test('pcapng: timestamps up to 2^32-1 seconds survive the 64-bit split', async () => {
    const file = tmp.file('far.pcapng');
    const frame = samples(1)[0].data;
    const times = [
      { tsSec: 0, tsNsec: 0 },
      { tsSec: 4_294_967_295, tsNsec: 999_999_999 },
      { tsSec: 2_147_483_648, tsNsec: 1 },
      { tsSec: 4_294_967, tsNsec: 296_000_000 }, // 2^32 ns exactly: the low word wraps to 0
    ];
    const w = new PcapngWriter(file);
    for (const t of times) w.write(frame, t);
    await w.close();
    const rows = await tsharkFields(file, ['frame.time_epoch']);
    assert.deepEqual(
      rows.map((r) => r['frame.time_epoch']),
      times.map((t) => epoch9(t, 'nano')),
    );
  });

  for (const precision of ['nano', 'micro'] as const) {
    test(`pcapng (${precision}): any timestamp is stored exactly as seconds * units + fraction`, async () => {
      // fast-check's integers favour the edges (0, 2^32-1, 999999999, ...) besides random values
      const times = fc.sample(fc.record({ tsSec: fc.nat({ max: 0xffffffff }), tsNsec: fc.nat({ max: 999_999_999 }) }), {
        numRuns: 3000,
        seed: 42,
      });
      const file = tmp.file(`ts-${precision}.pcapng`);
      const w = new PcapngWriter(file, { precision });
      const frame = new Uint8Array(14);
      for (const t of times) w.write(frame, t);
      await w.close();

      const units = precision === 'nano' ? 1_000_000_000n : 1_000_000n;
      const expectedTs = (t: { tsSec: number; tsNsec: number }) =>
        BigInt(t.tsSec) * units + BigInt(precision === 'nano' ? t.tsNsec : Math.floor(t.tsNsec / 1000));
      const buf = fs.readFileSync(file);
      let off = buf.readUInt32LE(4); // skip the SHB
      off += buf.readUInt32LE(off + 4); // and the IDB
      times.forEach((t, i) => {
        assert.equal(buf.readUInt32LE(off), 6, 'an Enhanced Packet Block');
        const stored = (BigInt(buf.readUInt32LE(off + 12)) << 32n) | BigInt(buf.readUInt32LE(off + 16));
        assert.equal(stored, expectedTs(t), `packet ${i + 1}: ${JSON.stringify(t)}`);
        off += buf.readUInt32LE(off + 4);
      });
      assert.equal(off, buf.length);

      // and tshark, which reads the words itself, agrees on the first few hundred
      const rows = await tsharkFields(file, ['frame.time_epoch'], { extraArgs: ['-c', '300'] });
      assert.deepEqual(
        rows.map((r) => r['frame.time_epoch']),
        times.slice(0, 300).map((t) => epoch9(t, precision)),
      );
    });
  }

  test('pcapng: interface name, link type and resolution are in the IDB', async () => {
    const file = tmp.file('idb.pcapng');
    const w = new PcapngWriter(file, { ifName: 'veth-test0', linkType: 113, snaplen: 1234, precision: 'micro' });
    await w.close();
    const buf = fs.readFileSync(file);
    const idb = buf.readUInt32LE(4); // the SHB's length: the IDB follows it
    assert.equal(buf.readUInt32LE(idb), 1);
    assert.equal(buf.readUInt16LE(idb + 8), 113);
    assert.equal(buf.readUInt32LE(idb + 12), 1234);
    const text = buf.toString('latin1');
    assert.ok(text.includes('veth-test0'));
    assert.ok(text.includes('pktkit'));
  });

  test('a platform DLT_RAW (12) is written as LINKTYPE_RAW (101): tshark sees the IPv4 header', async () => {
    const file = tmp.file('raw.pcap');
    // IPv4 header only, 198.18.0.1 > 198.18.0.2, protocol 253 (experimental), checksum valid
    const ip = Buffer.from('450000140001000040fd' + '0000' + 'c6120001c6120002', 'hex');
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const w = new PcapWriter(file, { linkType: 12 });
    assert.equal(w.linkType, 101);
    w.write(ip, { tsSec: 1, tsNsec: 0 });
    await w.close();
    assert.deepEqual(await tsharkFields(file, ['ip.src', 'ip.dst', 'ip.proto']), [
      { 'ip.src': '198.18.0.1', 'ip.dst': '198.18.0.2', 'ip.proto': '253' },
    ]);
  });
});

describe('byte for byte what libpcap writes', () => {
  for (const name of ['http-lo.pcap', 'http-lo-nsec.pcap', 'http-lo-snap96.pcap']) {
    test(`re-writing ${name} (made by tcpdump -w) gives the identical file`, async () => {
      const original = fs.readFileSync(path.join(FIXTURES, name));
      const { header, records } = parsePcap(original);
      const file = tmp.file(`again-${name}`);
      const w = new PcapWriter(file, {
        linkType: header.linkType,
        snaplen: header.snaplen,
        precision: header.nanosecond ? 'nano' : 'micro',
      });
      for (const r of records) {
        w.write(r.data, { tsSec: r.tsSec, tsNsec: header.nanosecond ? r.tsFrac : r.tsFrac * 1000, wireLen: r.wireLen });
      }
      await w.close();
      assert.ok(fs.readFileSync(file).equals(original), 'files differ');
    });
  }

  test('pcapng of the nanosecond capture reads like the editcap-made http-lo.pcapng', async () => {
    const { records } = readPcap(path.join(FIXTURES, 'http-lo-nsec.pcap'));
    const file = tmp.file('again.pcapng');
    const w = openWriter(file, { ifName: 'lo' });
    for (const r of records) w.writePacket({ data: r.data, tsSec: r.tsSec, tsNsec: r.tsFrac, length: r.wireLen });
    await w.close();
    const fields = [
      'frame.time_epoch',
      'frame.len',
      'frame.cap_len',
      'ip.src',
      'tcp.srcport',
      'tcp.seq_raw',
      'tcp.len',
      'http.request.uri',
    ];
    const reference = path.join(FIXTURES, 'http-lo.pcapng');
    assert.deepEqual(await tsharkFields(file, fields), await tsharkFields(reference, fields));
    const args = ['-tt', '-xx', '--time-stamp-precision=nano'];
    assert.deepEqual(await tcpdumpRead(file, args), await tcpdumpRead(reference, args));
  });
});

describe('targets and buffering', () => {
  const list = samples(200, 3);

  test('a stream, a descriptor and a path get the same bytes, whatever the buffer size', async () => {
    const byPath = tmp.file('path.pcapng');
    await writeAll(byPath, list, {});
    const expected = fs.readFileSync(byPath);

    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => chunks.push(c));
    const ws = openWriter(stream, { format: 'pcapng', bufferSize: 1000 });
    for (const s of list) ws.write(s.data, { tsSec: s.tsSec, tsNsec: s.tsNsec, wireLen: s.wireLen });
    await ws.close();
    assert.ok(chunks.length > 10, 'a small buffer should have produced many chunks');
    assert.ok(Buffer.concat(chunks).equals(expected));
    assert.ok(stream.writableEnded);

    const fdFile = tmp.file('fd.pcapng');
    const fd = fs.openSync(fdFile, 'w');
    const wf = openWriter(fd, { format: 'pcapng', bufferSize: 64 }); // smaller than most packets: the buffer grows
    for (const s of list) wf.write(s.data, { tsSec: s.tsSec, tsNsec: s.tsNsec, wireLen: s.wireLen });
    await wf.close();
    fs.writeSync(fd, Buffer.alloc(0)); // still open: a descriptor target is the caller's to close
    fs.closeSync(fd);
    assert.ok(fs.readFileSync(fdFile).equals(expected));
  });

  test("'-' writes to standard output, which stays open", async () => {
    const script = [
      `const { openWriter } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'pcap-writer.ts'))});`,
      `const w = openWriter('-', { format: 'pcapng' });`,
      `for (let i = 0; i < 3; i++) w.write(new Uint8Array(60).fill(i), { tsSec: 1000 + i, tsNsec: 5 });`,
      `w.close().then(() => process.stdout.write('')).catch((e) => { console.error(e); process.exit(1); });`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..', '..') });
    assert.equal(r.status, 0, r.stderr.toString());
    const file = tmp.file('stdout.pcapng');
    fs.writeFileSync(file, r.stdout);
    const rows = await tsharkFields(file, ['frame.time_epoch', 'frame.len']);
    assert.deepEqual(
      rows.map((x) => x['frame.time_epoch']),
      ['1000.000000005', '1001.000000005', '1002.000000005'],
    );
  });

  test("'-' keeps writing when stdout is a non-blocking pipe whose reader is behind", async () => {
    const script = [
      `const { openWriter } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'pcap-writer.ts'))});`,
      `void process.stdout;`, // as a CLI would: Node makes the pipe on fd 1 non-blocking
      `const w = openWriter('-');`,
      `for (let i = 0; i < 3000; i++) w.write(new Uint8Array(1500).fill(i & 0xff), { tsSec: i, tsNsec: 0 });`,
      `w.closeSync();`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause(); // let the pipe fill up: the writer meets EAGAIN
    await new Promise((r) => setTimeout(r, 500));
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.stdout.resume();
    const [code] = await once(child, 'close');
    assert.equal(code, 0, stderr);
    const { records, trailing } = parsePcap(Buffer.concat(chunks));
    assert.equal(records.length, 3000);
    assert.equal(trailing, 0);
    assert.ok(records.every((r, i) => r.tsSec === i && r.data[0] === (i & 0xff)));
  });

  test('flush() puts buffered packets in the file before close()', async () => {
    const file = tmp.file('flush.pcap');
    const w = new PcapWriter(file);
    w.write(list[0].data, list[0]);
    assert.equal(fs.statSync(file).size, 0, 'buffered, not yet written');
    w.flush();
    assert.equal(readPcap(file).records.length, 1);
    await w.close();
  });

  test('closeSync() leaves a complete file at once', () => {
    const file = tmp.file('sync.pcapng');
    const w = openWriter(file);
    for (const s of list.slice(0, 5)) w.write(s.data, s);
    w.closeSync();
    w.closeSync();
    const buf = fs.readFileSync(file);
    assert.equal(buf.length, w.bytes);
    assert.throws(
      () => w.write(list[0].data, list[0]),
      (err: unknown) => err instanceof PktkitError && err.code === 'ECLOSED',
    );
  });

  test('the caller may reuse its buffer after write(): the packet was copied', async () => {
    const file = tmp.file('reuse.pcap');
    const w = new PcapWriter(file);
    const buf = new Uint8Array(60).fill(1);
    w.write(buf, { tsSec: 1, tsNsec: 0 });
    buf.fill(2);
    w.write(buf, { tsSec: 2, tsNsec: 0 });
    await w.close();
    const [a, b] = readPcap(file).records;
    assert.ok(a.data.every((x) => x === 1) && b.data.every((x) => x === 2));
  });

  test('openWriter picks the format from the extension unless told', async () => {
    const magic = (f: string) => fs.readFileSync(f).readUInt32LE(0);
    for (const [name, format, value] of [
      ['a.pcapng', 'pcapng', 0x0a0d0d0a],
      ['a.PCAPNG', 'pcapng', 0x0a0d0d0a],
      ['a.pcap', 'pcap', 0xa1b2c3d4],
      ['a.cap', 'pcap', 0xa1b2c3d4],
      ['noext', 'pcap', 0xa1b2c3d4],
    ] as const) {
      const w = openWriter(tmp.file(name));
      assert.equal(w.format, format);
      await w.close();
      assert.equal(magic(tmp.file(name)), value, name);
    }
    const forced = openWriter(tmp.file('forced.pcap'), { format: 'pcapng' });
    await forced.close();
    assert.equal(magic(tmp.file('forced.pcap')), 0x0a0d0d0a);
    const nano = openWriter(tmp.file('nano.pcap'), { precision: 'nano' });
    await nano.close();
    assert.equal(magic(tmp.file('nano.pcap')), 0xa1b23c4d);
  });
});

describe('errors', () => {
  test('bad packets and options are refused with what was expected and what came', () => {
    const w = new PcapWriter(tmp.file('errors.pcap'));
    const data = new Uint8Array(20);
    assert.throws(() => w.write(data, { tsSec: 0, tsNsec: 1_000_000_000 }), {
      name: 'RangeError',
      message: /Expected integer between 0 and 999999999 for tsNsec but received 1000000000/,
    });
    assert.throws(() => w.write(data, { tsSec: -1, tsNsec: 0 }), RangeError);
    assert.throws(() => w.write(data, { tsSec: 2 ** 32, tsNsec: 0 }), RangeError);
    assert.throws(() => w.write(data, { tsSec: 1.5, tsNsec: 0 }), RangeError);
    assert.throws(() => w.write(data, { tsSec: 0, tsNsec: 0, wireLen: 19 }), {
      name: 'RangeError',
      message: /wireLen/,
    });
    assert.throws(() => w.write([1, 2, 3] as unknown as Uint8Array, { tsSec: 0, tsNsec: 0 }), TypeError);
    assert.equal(w.packets, 0, 'refused packets are not counted');
    assert.throws(() => new PcapWriter(tmp.file('x.pcap'), { snaplen: 0 }), RangeError);
    assert.throws(() => new PcapWriter(tmp.file('x.pcap'), { linkType: 70000 }), RangeError);
    assert.throws(() => new PcapWriter(tmp.file('x.pcap'), { precision: 'milli' as TimestampPrecision }), TypeError);
    assert.throws(() => openWriter(tmp.file('x.pcap'), { format: 'erf' as 'pcap' }), TypeError);
    assert.throws(() => new PcapWriter({} as unknown as string), TypeError);
  });

  test('a file that cannot be created is a FileError with the system code', () => {
    assert.throws(
      () => new PcapWriter(path.join(tmp.path, 'no', 'such', 'dir.pcap')),
      (err: unknown) => {
        assert.ok(err instanceof FileError);
        assert.equal(err.code, 'ENOENT');
        return true;
      },
    );
  });

  test('writing after close() is refused; close() twice is harmless', async () => {
    const w = openWriter(tmp.file('closed.pcapng'));
    await w.close();
    await w.close();
    assert.throws(
      () => w.write(new Uint8Array(14), { tsSec: 0, tsNsec: 0 }),
      (err: unknown) => err instanceof PktkitError && err.code === 'ECLOSED',
    );
  });
});
