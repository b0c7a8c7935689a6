/**
 * native/file_reader (our own pcap/pcapng reader) against tshark and libpcap, field by field:
 * time (to the nanosecond), captured and original length, interface, link type and a hash of the
 * bytes. The reader runs in test/decode/file_reader_harness.cc under ASan/UBSan. Inputs: every
 * fixture, files made here by editcap/mergecap, files crafted byte by byte for what no tool here
 * writes (big-endian, if_tsresol 2^-n, SPB/OPB, unknown blocks), cut files, FIFOs and pipes, small
 * windows, and a sparse file over 4 GiB.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { runOk, spawnTracked, stopProcess } from '../helpers/processes';
import { PcapngBuilder, pcapFile, randomBytes, seededRandom, type PcapRecord } from './capture-files';
import {
  buildReaderHarness,
  fnv1a,
  probe,
  readWithHarness,
  readWithLibpcap,
  readWithTshark,
  type ReadResult,
} from './file-reader-harness';

const fixtures = path.join(__dirname, '..', 'fixtures', 'pcap');
const fixtureFiles = fs
  .readdirSync(fixtures)
  .filter((f) => /\.pcap(ng)?$/.test(f))
  .sort()
  .map((f) => path.join(fixtures, f));

let dir: TempDir;
let exe: string;

before(async () => {
  dir = makeTempDir('file-reader');
  exe = await buildReaderHarness(dir.path);
});
after(() => dir?.remove());

/**
 * Reads `file` with the harness and tshark and compares every packet. `sections` maps tshark's
 * (section, interface id) to the reader's section-local interface id when they differ. The file is
 * read both ways a regular file can be: mapped, and in chunks (one-page buffers, three packets per
 * call, so that records are carried across buffers); both must give the same packets and end.
 */
async function compareWithTshark(file: string, options: { window?: number; max?: number } = {}): Promise<ReadResult> {
  const [ours, chunked, theirs] = await Promise.all([
    readWithHarness(exe, file, { ...options, access: 'map' }),
    readWithHarness(exe, file, { access: 'read', chunk: 4096, max: 3 }),
    readWithTshark(file),
  ]);
  assert.deepEqual(chunked.packets, ours.packets, `${path.basename(file)}: read in chunks vs mapped`);
  assert.equal(chunked.end, ours.end, `${path.basename(file)}: read in chunks vs mapped, the end`);
  assert.equal(ours.openError, undefined, `${file}: ${JSON.stringify(ours.openError)}`);
  assert.equal(
    ours.packets.length,
    theirs.packets.length,
    `${path.basename(file)}: packet count (tshark: ${theirs.stderr.trim()})`,
  );
  const firstIface = new Map<number, number>();
  theirs.packets.forEach((t, i) => {
    const o = ours.packets[i];
    const where = `${path.basename(file)} packet ${i + 1}`;
    // A simple packet block has no time stamp: tshark shows none, the reader 0.
    assert.equal(o.time, t.time ?? '0.000000000', `${where}: time`);
    assert.equal(o.caplen, t.caplen, `${where}: caplen`);
    assert.equal(o.wirelen, t.wirelen, `${where}: wirelen`);
    assert.equal(o.hash, t.hash, `${where}: bytes`);
    // tshark numbers interfaces across the whole file; the reader within the section.
    if (!firstIface.has(t.section)) firstIface.set(t.section, t.iface - o.iface);
    assert.equal(
      t.iface - o.iface,
      firstIface.get(t.section),
      `${where}: interface (tshark ${t.iface}, ours ${o.iface})`,
    );
  });
  assert.equal(
    ours.end === 'end',
    !theirs.failed,
    `${path.basename(file)}: ended with ${ours.end} ${ours.message ?? ''}, tshark ${theirs.failed ? 'failed' : 'did not'}`,
  );
  return ours;
}

/** Every packet and the header linktype against libpcap's pcap_next_ex (files libpcap can read). */
async function compareWithLibpcap(file: string, ours: ReadResult): Promise<void> {
  const lp = await readWithLibpcap(exe, file);
  assert.equal(lp.openError, undefined);
  assert.equal(ours.packets.length, lp.packets.length, `${path.basename(file)}: packet count vs libpcap`);
  ours.packets.forEach((o, i) =>
    assert.deepEqual(o, lp.packets[i], `${path.basename(file)} packet ${i + 1} vs libpcap`),
  );
  if (lp.packets.length) assert.equal(ours.header?.linktype, lp.packets[0].linktype, 'header linktype = pcap_datalink');
}

function frames(seed: number, n: number, minLen = 14, maxLen = 1514): Uint8Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => randomBytes(rand, minLen + Math.floor(rand() * (maxLen - minLen + 1))));
}

describe('fixtures', () => {
  for (const file of fixtureFiles) {
    test(path.basename(file), async () => {
      const ours = await compareWithTshark(file);
      await compareWithLibpcap(file, ours);
      // One-page windows and three packets per call: the same packets, in several windows.
      const small = await readWithHarness(exe, file, { access: 'map', window: 4096, max: 3 });
      assert.deepEqual(small.packets, ours.packets);
      assert.equal(small.end, ours.end);
      if (fs.statSync(file).size > 8192) assert.ok(small.stats!.windows > 1, `windows: ${small.stats!.windows}`);
    });
  }
});

describe('files made by editcap and mergecap', () => {
  test('editcap -F pcapng of every pcap fixture (if_tsresol 6 and 9)', async () => {
    const some = ['http-lo.pcap', 'http-lo-nsec.pcap', 'http-lo-snap96.pcap', 'any-sll2.pcap'];
    for (const file of some.map((f) => path.join(fixtures, f))) {
      const out = dir.file(`${path.basename(file)}.pcapng`);
      await runOk(null, 'editcap', ['-F', 'pcapng', file, out]);
      const ours = await compareWithTshark(out);
      assert.equal(ours.header?.nanosecond, file.includes('nsec'), `${path.basename(out)}: nanosecond`);
      await compareWithLibpcap(out, ours);
    }
  });

  test('mergecap: one section, three interfaces with their own link types', async () => {
    const inputs = ['any-sll.pcap', 'http-lo.pcap', 'any-sll2.pcap'].map((f) => path.join(fixtures, f));
    const out = dir.file('merged.pcapng');
    await runOk(null, 'mergecap', ['-w', out, ...inputs]);
    const ours = await compareWithTshark(out);
    const linktypeOf = [113, 1, 276];
    assert.deepEqual(new Set(ours.packets.map((p) => p.iface)), new Set([0, 1, 2]));
    for (const p of ours.packets) assert.equal(p.linktype, linktypeOf[p.iface], `interface ${p.iface}`);
    assert.equal(ours.header?.linktype, 113);
  });

  test('several sections (pcapng files one after another, one of them big-endian, each with two interfaces)', async () => {
    const merged = dir.file('two-ifaces.pcapng');
    await runOk(null, 'mergecap', [
      '-w',
      merged,
      path.join(fixtures, 'any-sll2.pcap'),
      path.join(fixtures, 'veth-vlan.pcap'),
    ]);
    const be = new PcapngBuilder().shb(true).idb({ linktype: 101, snaplen: 65535 }).idb({ linktype: 1, tsresol: 9 });
    frames(7, 6).forEach((d, i) =>
      be.epb({ iface: i % 2, ts: 1795285953n * (i % 2 ? 1_000_000_000n : 1_000_000n) + BigInt(i * 1234567), data: d }),
    );
    const parts = [
      fs.readFileSync(merged),
      be.bytes(),
      fs.readFileSync(path.join(fixtures, 'http-lo.pcapng')),
      fs.readFileSync(merged),
    ];
    const out = dir.file('sections.pcapng');
    fs.writeFileSync(out, Buffer.concat(parts));
    const ours = await compareWithTshark(out);
    // LINKTYPE_RAW (101) is reported as DLT_RAW (12), as libpcap does.
    assert.ok(ours.packets.some((p) => p.linktype === 12 && p.iface === 0));
    assert.ok(ours.packets.some((p) => p.linktype === 1 && p.iface === 1));
    const small = await readWithHarness(exe, out, { access: 'map', window: 4096, max: 5 });
    assert.deepEqual(small.packets, ours.packets);
  });
});

describe('crafted files', () => {
  const records = (seed: number, n: number, nano: boolean): PcapRecord[] =>
    frames(seed, n).map((data, i) => ({
      sec: 1795285953 + i,
      frac: nano ? 999_999_990 + (i % 10) : 999_990 + (i % 10),
      data,
    }));

  test('big-endian pcap, microseconds and nanoseconds, FCS bits in the link-type word', async () => {
    const files = {
      'be-us.pcap': pcapFile({ bigEndian: true }, records(1, 20, false)),
      'be-ns.pcap': pcapFile({ bigEndian: true, nano: true }, records(2, 20, true)),
      'le-ns.pcap': pcapFile({ nano: true }, records(3, 20, true)),
      // FCS length 4 present (0x04000000 | 4 << 28): libpcap keeps the low 16 bits as the link type.
      'fcs.pcap': pcapFile({ linktype: 0x44000001 }, records(4, 5, false)),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const file = dir.file(name);
      fs.writeFileSync(file, bytes);
      const ours = await compareWithTshark(file);
      await compareWithLibpcap(file, ours);
      assert.equal(ours.header?.nanosecond, name.includes('ns'));
    }
  });

  test('pcapng: if_tsresol 2^-n and 10^-n, if_tsoffset, big-endian, SPB, OPB, unknown blocks', async () => {
    for (const bigEndian of [false, true]) {
      const b = new PcapngBuilder()
        .shb(bigEndian, [{ code: 4, value: Buffer.from('pktkit test') }])
        .block(0x00000042, Buffer.alloc(20, 7)) // a block type nobody defined: skipped
        .idb({ linktype: 1, snaplen: 200, tsresol: 0x80 | 20, options: [{ code: 2, value: Buffer.from('eth0') }] })
        .idb({ linktype: 1, tsresol: 0x80 | 30, tsoffset: 1000n })
        .idb({ linktype: 1, tsresol: 3, tsoffset: -5n })
        .idb({ linktype: 1, tsresol: 9 });
      const d = frames(bigEndian ? 11 : 12, 16, 14, 400);
      const base = 1795285953n;
      b.epb({ iface: 0, ts: (base << 20n) + 123457n, data: d[0] });
      b.epb({ iface: 1, ts: (base << 30n) + 987654321n, data: d[1] });
      b.epb({ iface: 2, ts: base * 1000n + 999n, data: d[2] });
      b.epb({ iface: 3, ts: base * 1_000_000_000n + 1n, data: d[3], wirelen: d[3].length + 100 });
      b.spb({ data: d[4].subarray(0, 200), wirelen: d[4].length }); // as a writer obeying the snaplen writes it
      b.spb({ data: d[5].subarray(0, 200), wirelen: d[5].length });
      b.opb({ iface: 2, ts: base * 1000n + 1n, data: d[6] });
      b.block(0x00000005, Buffer.alloc(16)); // an interface statistics block: skipped
      b.epb({ iface: 0, ts: (base << 20n) + ((1n << 20n) - 1n), data: d[7] });
      const file = dir.file(`crafted-${bigEndian ? 'be' : 'le'}.pcapng`);
      fs.writeFileSync(file, b.bytes());
      const ours = await compareWithTshark(file);
      assert.equal(ours.packets.length, 8);
      assert.equal(ours.packets[4].caplen, Math.min(d[4].length, 200), 'SPB caplen bounded by the snaplen');
    }
  });

  test("SPB: caplen = min(original length, snaplen, the block's room)", async () => {
    // tshark calls an SPB whose original length exceeds its block corrupt; the reader takes what the block holds.
    const d = frames(13, 3, 100, 300);
    const b = new PcapngBuilder().shb().idb({ snaplen: 150 });
    b.spb({ data: d[0], wirelen: 5000 })
      .spb({ data: d[1].subarray(0, 120), wirelen: 5000 })
      .spb({ data: d[2].subarray(0, 80), wirelen: 60 });
    const file = dir.file('spb.pcapng');
    fs.writeFileSync(file, b.bytes());
    const ours = await readWithHarness(exe, file);
    assert.equal(ours.end, 'end');
    assert.deepEqual(
      ours.packets.map((p) => [p.caplen, p.wirelen]),
      [
        [150, 5000],
        [120, 5000],
        [60, 60],
      ],
    );
    assert.deepEqual(
      ours.packets.map((p) => p.hash),
      [fnv1a(d[0].subarray(0, 150)), fnv1a(d[1].subarray(0, 120)), fnv1a(d[2].subarray(0, 60))],
    );
  });

  test('records larger than the window are EFORMAT after every packet before them', async () => {
    const small = frames(21, 10, 100, 2000);
    const big = Buffer.alloc(10_000, 0x5a);
    const file = dir.file('big-record.pcap');
    fs.writeFileSync(
      file,
      pcapFile({}, [...small.map((data, i) => ({ sec: i, frac: 0, data })), { sec: 99, frac: 0, data: big }]),
    );
    const whole = await readWithHarness(exe, file);
    assert.equal(whole.packets.length, 11);
    const windowed = await readWithHarness(exe, file, { access: 'map', window: 8192 });
    assert.deepEqual(windowed.packets, whole.packets.slice(0, 10));
    assert.equal(windowed.end, 'EFORMAT');
  });
});

describe('cut files', () => {
  test('a file cut inside a record or block: every whole packet, then ETRUNCATED (as libpcap, and tshark)', async () => {
    for (const name of ['http-lo.pcap', 'http-lo.pcapng', 'any-sll2.pcap']) {
      const bytes = fs.readFileSync(path.join(fixtures, name));
      // Cut inside the header, inside a record's header, inside its data, one byte short.
      const cuts = [10, 24 + 16 + 8, 700, Math.floor(bytes.length / 2) + 3, bytes.length - 1];
      await Promise.all(
        cuts.map(async (cut) => {
          const file = dir.file(`cut-${cut}-${name}`);
          fs.writeFileSync(file, bytes.subarray(0, cut));
          const ours = await readWithHarness(exe, file, { access: 'map' });
          const chunked = await readWithHarness(exe, file, { access: 'read', chunk: 4096 });
          // The same packets, end and message (the batches and windows differ, as they should).
          assert.deepEqual(
            { ...chunked, stats: undefined, access: undefined },
            { ...ours, stats: undefined, access: undefined },
            `${name} cut at ${cut}: read in chunks vs mapped`,
          );
          if (ours.openError) {
            // Cut inside the file header (pcapng: its section header block). tshark then guesses another
            // file type; the reader refuses.
            assert.ok(cut < (name.endsWith('ng') ? 0x6c : 24), `${name} cut at ${cut}: ${ours.openError.code}`);
            assert.equal(ours.openError.code, 'ETRUNCATED', `${name} cut at ${cut}`);
            return;
          }
          assert.equal(ours.end, 'ETRUNCATED', `${name} cut at ${cut}: ${ours.end} ${ours.message}`);
          const lp = await readWithLibpcap(exe, file);
          assert.deepEqual(ours.packets, lp.packets, `${name} cut at ${cut}: vs libpcap`);
          assert.notEqual(lp.end, 'end', `${name} cut at ${cut}: libpcap also fails`);
          // tshark for one cut per file (it costs a second of start-up each).
          if (cut === cuts[3]) {
            const theirs = await readWithTshark(file);
            assert.ok(theirs.failed, 'tshark also fails');
            assert.deepEqual(
              ours.packets.map((p) => p.hash),
              theirs.packets.map((p) => p.hash),
              `${name} cut at ${cut}`,
            );
            assert.deepEqual(
              ours.packets.map((p) => p.time),
              theirs.packets.map((p) => p.time),
            );
          }
        }),
      );
    }
  });
});

describe('a file cut just past a window or chunk', () => {
  // Found by libFuzzer (file_reader_fuzz): the last whole record ends exactly where a one-page read
  // buffer (or mapped window) ends, and the file has 15 more bytes, too few for a record header.
  // Read in chunks (and through one-page windows) this was a clean end: the reader gave up on the
  // tail without reading it, then saw nothing left in its buffer.
  test('every whole packet, then ETRUNCATED, however the file is read', async () => {
    const rand = seededRandom(977);
    const records: PcapRecord[] = [110, 42, 98].map((n, i) => ({
      sec: 1_700_000_000 + i,
      frac: i,
      data: randomBytes(rand, n),
    }));
    const used = 24 + records.reduce((n, r) => n + 16 + r.data.length, 0);
    // The last whole record fills the first 4096 bytes; then 15 bytes of a record header.
    records.push({ sec: 1_700_000_010, frac: 0, data: randomBytes(rand, 4096 - used - 16) });
    const file = dir.file('cut-at-a-page.pcap');
    fs.writeFileSync(file, Buffer.concat([pcapFile({}, records), randomBytes(rand, 15)]));
    const reads = await Promise.all([
      readWithHarness(exe, file, { access: 'map' }),
      readWithHarness(exe, file, { access: 'map', window: 4096 }),
      readWithHarness(exe, file, { access: 'read', chunk: 4096 }),
      readWithHarness(exe, file, { access: 'read', chunk: 4096, max: 1 }),
    ]);
    for (const [i, read] of reads.entries()) {
      assert.equal(read.packets.length, 4, `read ${i}: every whole packet`);
      assert.equal(read.end, 'ETRUNCATED', `read ${i}: ${read.end} ${read.message ?? ''}`);
      assert.deepEqual(read.packets, reads[0].packets, `read ${i}: the same packets`);
    }
    const lp = await readWithLibpcap(exe, file);
    assert.deepEqual(lp.packets, reads[0].packets, 'as libpcap reads them');
    assert.notEqual(lp.end, 'end', 'libpcap also fails');
  });
});

describe('pipes and FIFOs', () => {
  /** A pcap of ~3 MiB with frames up to 9000 bytes, so records straddle the 1 MiB chunks. */
  function bigPcap(): string {
    const file = dir.file('pipe-input.pcap');
    if (!fs.existsSync(file)) {
      fs.writeFileSync(
        file,
        pcapFile(
          { nano: true },
          frames(31, 700, 14, 9000).map((data, i) => ({ sec: 1795285953, frac: i * 1000, data })),
        ),
      );
    }
    return file;
  }

  test('a FIFO fed by a writer process in small irregular writes gives what the file gives', async () => {
    const file = bigPcap();
    const fifo = dir.file('feed.fifo');
    await runOk(null, 'mkfifo', [fifo]);
    const reading = readWithHarness(exe, fifo, { stallMs: 20_000, timeoutMs: 120_000 });
    // python3 writes the file in chunks of 1..70000 bytes, flushing each.
    const writer = spawnTracked(
      null,
      'python3',
      [
        '-c',
        [
          'import sys, random',
          'random.seed(5)',
          'data = open(sys.argv[1], "rb").read()',
          'out = open(sys.argv[2], "wb", buffering=0)',
          'i = 0',
          'while i < len(data):',
          '    n = random.choice([1, 7, 100, 4096, 70000])',
          '    out.write(data[i:i + n]); i += n',
          'out.close()',
        ].join('\n'),
        file,
        fifo,
      ],
      { stdio: 'ignore' },
    );
    try {
      const ours = await reading;
      const direct = await readWithHarness(exe, file);
      assert.equal(ours.end, 'end');
      assert.equal(ours.packets.length, 700);
      assert.deepEqual(ours.packets, direct.packets);
      assert.ok(ours.stats!.windows >= 3, `chunks: ${ours.stats!.windows}`);
      await compareWithTshark(file);
    } finally {
      await stopProcess(writer);
    }
  });

  test('standard input ("-"), a pipe: same packets; a pipe cut inside a record: ETRUNCATED', async () => {
    const file = bigPcap();
    const bytes = fs.readFileSync(file);
    const direct = await readWithHarness(exe, file);
    const ours = await readWithHarness(exe, '-', { input: bytes });
    assert.equal(ours.end, 'end');
    assert.deepEqual(ours.packets, direct.packets);
    const cut = await readWithHarness(exe, '-', { input: bytes.subarray(0, bytes.length - 10) });
    assert.equal(cut.end, 'ETRUNCATED');
    assert.deepEqual(cut.packets, direct.packets.slice(0, -1));
    const pcapng = fs.readFileSync(path.join(fixtures, 'http-lo.pcapng'));
    const ng = await readWithHarness(exe, '-', { input: pcapng });
    assert.deepEqual(ng.packets, (await readWithHarness(exe, path.join(fixtures, 'http-lo.pcapng'))).packets);
    const empty = await readWithHarness(exe, '-', { input: Buffer.alloc(0) });
    assert.equal(empty.end, 'EFORMAT');
  });

  test('a pipe: a 5 MiB record grows the chunk; a record claiming more than 64 MiB is EFORMAT at once', async () => {
    const big = randomBytes(seededRandom(51), 5 << 20);
    const small = frames(52, 3);
    const bytes = pcapFile({}, [
      { sec: 1, frac: 0, data: small[0] },
      { sec: 2, frac: 0, data: big },
      { sec: 3, frac: 0, data: small[1] },
    ]);
    const ours = await readWithHarness(exe, '-', { input: bytes });
    assert.equal(ours.end, 'end');
    assert.deepEqual(
      ours.packets.map((p) => p.hash),
      [fnv1a(small[0]), fnv1a(big), fnv1a(small[1])],
    );
    // caplen 100 MiB with only 60 bytes behind it: refused from the length alone, nothing allocated or awaited.
    const lying = pcapFile({}, [
      { sec: 1, frac: 0, data: small[2] },
      { sec: 2, frac: 0, data: small[0], caplen: 100 << 20 },
    ]);
    const r = await readWithHarness(exe, '-', { input: lying });
    assert.equal(r.packets.length, 1);
    assert.equal(r.end, 'EFORMAT');
  });

  test('a FIFO with no writer: open returns at once, next() says kWouldBlock, the header is not known', async () => {
    const fifo = dir.file('lonely.fifo');
    await runOk(null, 'mkfifo', [fifo]);
    // A blocking open would hang the probe until runOk's timeout kills it.
    const r = await probe(exe, fifo);
    assert.equal(r.status, 'wouldblock');
    assert.equal(r.header_known, '0');
    assert.equal(r.poll_fd, '1');
  });
});

describe('how a regular file is read', () => {
  test('auto maps a file under 8 MiB and measures both ways on a larger one; map and read can be asked for', async () => {
    const small = path.join(fixtures, 'http-lo.pcap');
    const large = dir.file('large.pcap');
    // ~9.2 MiB: 6,400 frames of up to 1,514 bytes (just over the rule's 8 MiB).
    const records = frames(61, 6400, 1400, 1514).map((data, i) => ({ sec: 1795285953 + i, frac: 0, data }));
    fs.writeFileSync(large, pcapFile({}, records));
    assert.ok(fs.statSync(large).size >= 8 << 20);
    const read = (file: string, access?: 'map' | 'read') => readWithHarness(exe, file, { access });
    const smallAuto = await read(small);
    assert.equal(smallAuto.access, 'map');
    assert.equal(smallAuto.probe, undefined, 'a small file is mapped without measuring');
    // The probe walks 8 slices, alternately mapped and read, of a 256th of the file in whole pages,
    // and keeps each way's cheapest: whole records of up to 1,530 bytes with their headers.
    const slice = Math.floor(fs.statSync(large).size / 256 / 4096) * 4096;
    const auto = await read(large);
    const probe = auto.probe!;
    assert.ok(probe, 'a large file opened with auto says what it measured');
    for (const bytes of [probe.mapBytes, probe.readBytes])
      assert.ok(bytes > slice - 1530 && bytes <= slice, `${bytes} of ${slice}`);
    assert.ok(probe.mapNs > 0 && probe.readNs > 0, JSON.stringify(probe));
    const mapCheaper = probe.mapNs * probe.readBytes <= probe.readNs * probe.mapBytes;
    assert.equal(auto.access, mapCheaper ? 'map' : 'read', JSON.stringify(probe));
    for (const [file, access] of [
      [small, 'read'],
      [large, 'map'],
      [large, 'read'],
    ] as const) {
      const asked = await read(file, access);
      assert.equal(asked.access, access);
      assert.equal(asked.probe, undefined, 'a way asked for is not measured');
    }
    const [mapped, chunked] = await Promise.all([
      readWithHarness(exe, large, { access: 'map' }),
      readWithHarness(exe, large, { access: 'read' }),
    ]);
    assert.equal(mapped.packets.length, 6400);
    assert.deepEqual(chunked.packets, mapped.packets);
    assert.deepEqual(auto.packets, mapped.packets);
    assert.equal(chunked.end, 'end');
    // A one-megabyte buffer holds ~690 of these records: the reader went through it ~10 times.
    assert.ok(chunked.stats!.batches >= 9, `batches: ${chunked.stats!.batches}`);
    await compareWithLibpcap(large, chunked);
  });

  test('auto on a large file that goes bad early: the probe gives up, the reader reports what it finds', async () => {
    // Two good records, then one that claims 100 MB (over the 64 MiB bound), then 8 MiB of padding.
    const good = frames(62, 2, 100, 200).map((data, i) => ({ sec: 1795285953 + i, frac: 0, data }));
    const head = pcapFile({}, good);
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(1795285960, 0);
    bad.writeUInt32LE(100_000_000, 8);
    bad.writeUInt32LE(100_000_000, 12);
    const file = dir.file('bad-early.pcap');
    fs.writeFileSync(file, Buffer.concat([head, bad, Buffer.alloc(8 << 20)]));
    const r = await readWithHarness(exe, file, {});
    // The first mapped slice stopped at the bad record: no way was measured, and read is the default.
    assert.deepEqual(r.probe, { mapNs: 0, mapBytes: 0, readNs: 0, readBytes: 0 });
    assert.equal(r.access, 'read');
    assert.equal(r.packets.length, 2);
    assert.equal(r.end, 'EFORMAT');
  });
});

describe('open errors', () => {
  test('ENOENT, EISDIR, EACCES-free EFORMAT and empty files', async () => {
    const missing = await readWithHarness(exe, dir.file('missing.pcap'));
    assert.equal(missing.openError?.code, 'ENOENT');
    const isDir = await readWithHarness(exe, dir.path);
    assert.equal(isDir.openError?.code, 'EISDIR');
    const text = dir.file('text.pcap');
    fs.writeFileSync(text, 'hello, this is not a capture file\n');
    const notPcap = await readWithHarness(exe, text);
    assert.equal(notPcap.openError?.code, 'EFORMAT');
    assert.match(notPcap.openError!.message, /not a pcap or pcapng file/);
    const empty = dir.file('empty.pcap');
    fs.writeFileSync(empty, '');
    assert.equal((await readWithHarness(exe, empty)).openError?.code, 'EFORMAT');
    const header = dir.file('header-only.pcap');
    fs.writeFileSync(header, pcapFile({ snaplen: 0x3fffff81 }, []));
    const h = await readWithHarness(exe, header);
    assert.equal(h.end, 'end');
    assert.equal(h.header?.snaplen, 262144, 'a lying snaplen is reported clamped');
  });
});

describe('a file over 4 GiB', () => {
  /**
   * Writes a pcapng of `fillers` unknown blocks of `fillerBytes` each (their middles left as holes,
   * so the file is sparse), with an EPB after each; returns the hashes of the packets in order.
   */
  function writeSparse(file: string, fillers: number, fillerBytes: number): string[] {
    const fd = fs.openSync(file, 'w');
    const hashes: string[] = [];
    try {
      let at = 0;
      const write = (b: Uint8Array, pos = at) => {
        fs.writeSync(fd, b, 0, b.length, pos);
        if (pos === at) at += b.length;
      };
      write(new PcapngBuilder().shb(false).idb({ linktype: 1, tsresol: 9 }).bytes());
      const d = frames(41, 16, 60, 1500);
      for (let i = 0; i < fillers; i++) {
        const head = Buffer.alloc(8);
        head.writeUInt32LE(0x00000042, 0); // a block type nobody defined
        head.writeUInt32LE(fillerBytes, 4);
        const trailer = Buffer.alloc(4);
        trailer.writeUInt32LE(fillerBytes, 0);
        write(trailer, at + fillerBytes - 4);
        write(head);
        at += fillerBytes - 8;
        write(new PcapngBuilder().epb({ ts: 1795285953n * 1_000_000_000n + BigInt(i), data: d[i % d.length] }).bytes());
        hashes.push(fnv1a(d[i % d.length]));
      }
    } finally {
      fs.closeSync(fd);
    }
    return hashes;
  }

  test('the sparse construction, small, equal to tshark', async () => {
    const file = dir.file('sparse-small.pcapng');
    const hashes = writeSparse(file, 4, 1 << 20);
    const ours = await compareWithTshark(file, { window: 1 << 20 });
    assert.deepEqual(
      ours.packets.map((p) => p.hash),
      hashes,
    );
  });

  test('sparse pcapng of 4.4 GiB: packets before and after 4 GiB, in windows of 256 MiB', async () => {
    // 72 blocks of 63 MiB (each under the 64 MiB record bound). tshark takes ~30 s to read the
    // zeros of this file, so it checks the small twin above; here the packets are the ones written.
    const file = dir.file('huge.pcapng');
    try {
      const hashes = writeSparse(file, 72, 63 << 20);
      assert.ok(fs.statSync(file).size > 4 * 2 ** 30);
      const ours = await readWithHarness(exe, file, { access: 'map', window: 256 << 20, timeoutMs: 120_000 });
      assert.equal(ours.end, 'end', ours.message);
      // Read in chunks: offsets past 4 GiB through pread(), each 63 MiB block in a buffer grown for it.
      const chunked = await readWithHarness(exe, file, { access: 'read', timeoutMs: 120_000 });
      assert.deepEqual(chunked.packets, ours.packets);
      assert.equal(chunked.end, 'end', chunked.message);
      assert.deepEqual(
        ours.packets.map((p) => p.hash),
        hashes,
      );
      assert.deepEqual(
        ours.packets.map((p) => p.time),
        hashes.map((_, i) => `1795285953.${String(i).padStart(9, '0')}`),
      );
      assert.ok(ours.stats!.windows >= 17, `windows: ${ours.stats!.windows}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
