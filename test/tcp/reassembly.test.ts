import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_HELD_BYTES, MAX_HELD_RANGES, StreamReassembler, type ReassembledChunk } from '../../lib/tcp/reassembly';
import { type TcpSegment, TcpFlag } from '../../lib/tcp/segment';
import { seqAdd, seqDiff, SeqUnwrapper } from '../../lib/tcp/seq';
import { ConversationTracker } from '../../lib/tcp/conversations';
import { StreamFollower } from '../../lib/tcp/follow';
import { segmentWith, TcpScript, text } from './tcp-script';

function clientSegments(segs: TcpSegment[]): TcpSegment[] {
  return segs.filter((s) => s.sport === 40000);
}

function run(segs: TcpSegment[]): { chunks: ReassembledChunk[]; r: StreamReassembler } {
  const r = new StreamReassembler();
  const chunks: ReassembledChunk[] = [];
  for (const s of segs) chunks.push(...r.add(s));
  chunks.push(...r.finish());
  return { chunks, r };
}

test('seq arithmetic wraps at 2^32', () => {
  assert.equal(seqDiff(5, 0xffff_fffb), 10);
  assert.equal(seqDiff(0xffff_fffb, 5), -10);
  assert.equal(seqAdd(0xffff_ffff, 2), 1);
  const u = new SeqUnwrapper(0xffff_fff0);
  assert.equal(u.unwrap(0x10), 0x1_0000_0010);
  assert.equal(u.unwrap(0xffff_fff8), 0xffff_fff8);
});

test('in-order stream is delivered as sent, SYN and FIN take no bytes', () => {
  const t = new TcpScript().handshake().data('c', 'GET / HTTP/1.1\r\n').data('c', 'Host: x\r\n\r\n').fin('c');
  const { chunks, r } = run(clientSegments(t.segments));
  assert.equal(text(chunks), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(chunks[0]!.offset, 0);
  assert.ok(r.complete);
  assert.ok(r.synSeen);
  assert.equal(r.stats.missingBytes, 0);
});

test('out-of-order segments wait for the hole, then come out in order', () => {
  const t = new TcpScript().handshake().data('c', 'aaaa').data('c', 'bbbb').data('c', 'cccc');
  const [syn, , a, b, c] = clientSegments(t.segments);
  const r = new StreamReassembler();
  assert.deepEqual(r.add(syn!), []);
  assert.deepEqual(r.add(c!), []);
  assert.deepEqual(r.add(b!), []);
  const out = r.add(a!);
  assert.equal(text(out), 'aaaabbbbcccc');
  assert.equal(out.length, 1, 'contiguous bytes come as one chunk');
  assert.equal(r.stats.outOfOrderSegments, 2);
});

test('retransmitted and overlapping segments deliver each byte once, first copy wins', () => {
  const t = new TcpScript({ cisn: 7 }).handshake();
  const syn = clientSegments(t.segments)[0]!;
  const base = (syn.seq + 1) >>> 0;
  const seg = (off: number, s: string): TcpSegment => ({
    ...syn,
    flags: TcpFlag.ACK,
    seq: (base + off) >>> 0,
    payload: Buffer.from(s),
  });
  // 'QQQQ' lands over the held 'loX' (3 conflicts), 'hel' over the held 'Q' (1), 'hello' repeats delivered bytes.
  const { chunks, r } = run([syn, seg(3, 'loXYZ'), seg(2, 'QQQQ'), seg(0, 'hel'), seg(0, 'hello'), seg(8, '!')]);
  assert.equal(text(chunks), 'heQloXYZ!');
  assert.equal(r.stats.duplicateBytes, 3 + 1 + 5);
  assert.equal(r.stats.conflictingBytes, 4);
});

test('a segment that overlaps a held out-of-order range is split around it', () => {
  const t = new TcpScript().handshake();
  const syn = clientSegments(t.segments)[0]!;
  const base = (syn.seq + 1) >>> 0;
  const seg = (off: number, s: string): TcpSegment => ({
    ...syn,
    flags: TcpFlag.ACK,
    seq: (base + off) >>> 0,
    payload: Buffer.from(s),
  });
  const { chunks } = run([syn, seg(4, 'EF'), seg(8, 'IJ'), seg(2, 'cdefghijkl'), seg(0, 'ab')]);
  assert.equal(text(chunks), 'abcdEFghIJkl');
});

test('sequence numbers that wrap past 2^32 reassemble', () => {
  const t = new TcpScript({ cisn: 0xffff_fff8 }).handshake().data('c', '0123456789').data('c', 'abcdef');
  const segs = clientSegments(t.segments);
  assert.ok(segs[3]!.seq < 100, 'the script really wrapped');
  const { chunks } = run([segs[0]!, segs[3]!, segs[2]!, segs[3]!]);
  assert.equal(text(chunks), '0123456789abcdef');
});

test('without a SYN the stream starts at the lowest byte seen, on finish', () => {
  const t = new TcpScript().handshake().data('c', 'first').data('c', 'second');
  const [, , a, b] = clientSegments(t.segments);
  const r = new StreamReassembler();
  assert.deepEqual(r.add(b!), []);
  assert.deepEqual(r.add(a!), []);
  const out = r.finish();
  assert.equal(text(out), 'firstsecond');
  assert.equal(r.synSeen, false);
});

test('holes the capture never saw are reported, not invented', () => {
  const t = new TcpScript().handshake().data('c', 'one').data('c', 'two').data('c', 'three');
  const [syn, , a, , c] = clientSegments(t.segments);
  const { chunks, r } = run([syn!, a!, c!]);
  assert.equal(text(chunks), 'onethree');
  assert.equal(chunks[1]!.missingBefore, 3);
  assert.equal(chunks[1]!.offset, 6);
  assert.equal(r.stats.missingBytes, 3);
});

test('bytes cut by the snap length become a hole, not garbage', () => {
  const t = new TcpScript().handshake().data('c', 'abcdefgh').data('c', 'ijkl');
  const [syn, , a, b] = clientSegments(t.segments);
  const cut: TcpSegment = { ...a!, payload: a!.payload.subarray(0, 5), payloadLength: 8 };
  const { chunks } = run([syn!, cut, b!]);
  assert.equal(text(chunks), 'abcdeijkl');
  assert.equal(chunks[1]!.missingBefore, 3);
});

test('the caller may reuse its payload buffers after add()', () => {
  const t = new TcpScript().handshake().data('c', 'xy').data('c', 'zw');
  const [syn, , a, b] = clientSegments(t.segments);
  const r = new StreamReassembler();
  r.add(syn!);
  const buf = Buffer.from(b!.payload);
  r.add({ ...b!, payload: buf });
  buf.fill(0x2e);
  assert.equal(text(r.add(a!)), 'xyzw');
});

test('property: any order with duplicates yields exactly the bytes sent', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: 0xffff_ffff }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (pieces, isn, shuffle, dups) => {
        const t = new TcpScript({ cisn: isn }).handshake();
        for (const p of pieces) t.data('c', p);
        t.fin('c');
        const segs = clientSegments(t.segments);
        const [syn, ...rest] = segs;
        for (const d of dups) rest.push(rest[d % rest.length]!);
        for (let i = 0; i < shuffle.length && rest.length > 1; i++) {
          const a = shuffle[i]! % rest.length;
          const b = (i * 7 + 3) % rest.length;
          [rest[a], rest[b]] = [rest[b]!, rest[a]!];
        }
        const { chunks, r } = run([syn!, ...rest]);
        assert.deepEqual(Buffer.concat(chunks.map((c) => c.data)), Buffer.concat(pieces));
        assert.equal(r.stats.missingBytes, 0);
        assert.ok(r.complete);
      },
    ),
    { numRuns: 300 },
  );
});

test('follow: both directions, in the order they became readable, from a reordered and duplicated capture', () => {
  const t = new TcpScript()
    .handshake()
    .data('c', 'GET /a HTTP/1.1\r\n')
    .data('c', 'Host: h\r\n\r\n')
    .data('s', 'HTTP/1.1 200 OK\r\n')
    .data('s', 'Content-Length: 2\r\n\r\nok')
    .fin('c')
    .fin('s')
    .ack('c');
  const s = t.segments;
  const mixed = [s[0]!, s[1]!, s[2]!, s[4]!, s[3]!, s[4]!, s[6]!, s[5]!, s[5]!, s[3]!, s[7]!, s[8]!, s[9]!];
  const tracker = new ConversationTracker();
  const follower = new StreamFollower();
  for (const seg of mixed) follower.add(seg, tracker.add(seg));
  const [f] = follower.finish();
  assert.equal(text(f!.chunks.filter((c) => c.fromClient)), 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n');
  assert.equal(text(f!.chunks.filter((c) => !c.fromClient)), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  assert.deepEqual(
    f!.chunks.map((c) => c.fromClient),
    [true, false],
  );
  assert.equal(f!.client.port, 40000);
});

/** The byte at stream offset `o` of the sender in the bounded-reassembly tests. */
const streamByte = (o: number): number => (o * 7 + (o >>> 8)) & 0xff;

/** A client segment carrying stream offsets [offset, offset + length) of a stream whose ISN is 1000. */
function streamSegment(offset: number, length: number, flags = TcpFlag.ACK | TcpFlag.PSH): TcpSegment {
  const payload = new Uint8Array(length);
  for (let i = 0; i < length; i++) payload[i] = streamByte(offset + i);
  return segmentWith({ timestamp: 1_700_000_000 + offset / 1e6, seq: (1001 + offset) >>> 0, flags, payload });
}

const synSegment = (): TcpSegment => ({ ...streamSegment(-1, 0, TcpFlag.SYN), seq: 1000 });

test('past MAX_HELD_RANGES held ranges the first hole is given up as missing, and delivery goes on', () => {
  const r = new StreamReassembler();
  assert.deepEqual(r.add(synSegment()), []);
  // Ranges at 10 + 20k, 10 bytes each: a 10-byte hole before every one.
  for (let k = 0; k < MAX_HELD_RANGES; k++) assert.deepEqual(r.add(streamSegment(10 + 20 * k, 10)), []);
  const out = r.add(streamSegment(10 + 20 * MAX_HELD_RANGES, 10));
  assert.equal(out.length, 1);
  assert.deepEqual(
    { offset: out[0]!.offset, missingBefore: out[0]!.missingBefore, length: out[0]!.data.length },
    { offset: 10, missingBefore: 10, length: 10 },
  );
  assert.deepEqual([...out[0]!.data], [...streamSegment(10, 10).payload]);
  assert.equal(r.stats.missingBytes, 10);
  // The given-up hole arriving late is a repeat of bytes already passed, not new data.
  assert.deepEqual(r.add(streamSegment(0, 10)), []);
  assert.equal(r.stats.duplicateBytes, 10);
  // Filling the next hole still delivers in order.
  const next = r.add(streamSegment(20, 10));
  assert.equal(next[0]!.offset, 20);
  assert.equal(next[0]!.data.length, 20, 'its own 10 bytes and the 10 held after it');
});

test('past MAX_HELD_BYTES held behind one hole, the hole is given up and everything held comes out', () => {
  const r = new StreamReassembler();
  r.add(synSegment());
  const size = 60_000;
  let held = 0;
  let out: ReassembledChunk[] = [];
  for (let offset = 10; out.length === 0; offset += size) {
    assert.ok(held <= MAX_HELD_BYTES, 'nothing came out while the held bytes were within the bound');
    out = r.add(streamSegment(offset, size));
    held += size;
  }
  assert.ok(held > MAX_HELD_BYTES);
  assert.deepEqual(
    { offset: out[0]!.offset, missingBefore: out[0]!.missingBefore, length: out[0]!.data.length },
    { offset: 10, missingBefore: 10, length: held },
  );
  // Nothing is held any more: the next segment in order comes straight out.
  assert.equal(r.add(streamSegment(10 + held, 5))[0]!.offset, 10 + held);
});

test('without a SYN the bound fixes the start at the lowest byte held', () => {
  const r = new StreamReassembler();
  for (let k = 0; k < MAX_HELD_RANGES; k++) assert.deepEqual(r.add(streamSegment(100 + 20 * k, 10)), []);
  const out = r.add(streamSegment(100 + 20 * MAX_HELD_RANGES, 10));
  assert.equal(out.length, 1);
  assert.deepEqual({ offset: out[0]!.offset, missingBefore: out[0]!.missingBefore }, { offset: 0, missingBefore: 0 });
  assert.equal(r.stats.missingBytes, 0);
  assert.equal(r.synSeen, false);
});

test('a sender that scatters its sequence numbers: every byte delivered is the byte sent there, holes accounted', () => {
  let x = 99;
  const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const r = new StreamReassembler();
  const chunks: ReassembledChunk[] = [...r.add(synSegment())];
  for (let i = 0; i < 3 * MAX_HELD_RANGES; i++) {
    chunks.push(...r.add(streamSegment(rnd() % 50_000_000, 1 + (rnd() % 60))));
  }
  chunks.push(...r.finish());
  let expectedOffset = 0;
  let delivered = 0;
  for (const c of chunks) {
    assert.equal(c.offset, expectedOffset + c.missingBefore, 'each chunk starts where the last ended, past its hole');
    for (let i = 0; i < c.data.length; i++) {
      if (c.data[i] !== streamByte(c.offset + i)) assert.fail(`byte at offset ${c.offset + i} is not the one sent`);
    }
    expectedOffset = c.offset + c.data.length;
    delivered += c.data.length;
  }
  assert.equal(r.stats.deliveredBytes, delivered);
  assert.equal(r.stats.missingBytes + delivered, expectedOffset);
});
