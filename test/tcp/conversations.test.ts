import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationTracker, type SegmentAnalysis } from '../../lib/tcp/conversations';
import { type TcpSegment, TcpFlag } from '../../lib/tcp/segment';
import { segmentWith, TcpScript } from './tcp-script';

function analyse(segs: TcpSegment[]): { out: SegmentAnalysis[]; tracker: ConversationTracker } {
  const tracker = new ConversationTracker();
  return { out: segs.map((s) => tracker.add(s)), tracker };
}

const labels = (out: SegmentAnalysis[]): string[] => out.map((a) => a.label);

test('a whole HTTP exchange: handshake, data, 4-way teardown, relative seq/ack', () => {
  const t = new TcpScript({ cisn: 3_000_000_000, sisn: 42 })
    .handshake()
    .data('c', 'GET / HTTP/1.1\r\n\r\n')
    .ack('s')
    .data('s', 'HTTP/1.1 200 OK\r\n\r\nhi')
    .ack('c')
    .fin('c')
    .ack('s')
    .fin('s')
    .ack('c');
  const { out, tracker } = analyse(t.segments);
  assert.deepEqual(labels(out), [
    'handshake 1/3 SYN',
    'handshake 2/3 SYN-ACK',
    'handshake 3/3 ACK',
    'data',
    'ack',
    'data',
    'ack',
    'teardown 1 FIN',
    'teardown 2 ACK',
    'teardown 3 FIN',
    'teardown 4 ACK',
  ]);
  assert.deepEqual(
    out.map((a) => [a.relSeq, a.relAck]),
    [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 1],
      [1, 19],
      [1, 19],
      [19, 22],
      [19, 22],
      [22, 20],
      [22, 20],
      [20, 23],
    ],
  );
  assert.deepEqual(
    out.map((a) => a.fromClient),
    [true, false, true, true, false, false, true, true, false, false, true],
  );
  const [sum] = tracker.summaries();
  assert.equal(sum!.opened, '3-way handshake');
  assert.equal(sum!.closed, 'FIN both ways');
  assert.deepEqual(sum!.client, { addr: '198.18.0.1', port: 40000 });
  assert.equal(sum!.clientToServer.packets, 6);
  assert.equal(sum!.clientToServer.payloadBytes, 18);
  assert.equal(sum!.serverToClient.packets, 5);
  assert.equal(sum!.serverToClient.payloadBytes, 21);
  assert.ok(Math.abs(sum!.duration - 0.01) < 1e-6);
});

test('3-way teardown: FIN, FIN+ACK, ACK', () => {
  const t = new TcpScript().handshake().data('c', 'x').fin('c').fin('s').ack('c');
  const { out } = analyse(t.segments);
  assert.deepEqual(labels(out).slice(4), ['teardown 1 FIN', 'teardown 2 FIN+ACK', 'teardown 3 ACK']);
});

test('retransmission, out-of-order and a lost segment are told apart', () => {
  const t = new TcpScript().handshake().data('c', 'aaaa').data('c', 'bbbb').data('c', 'cccc');
  const [syn, synack, ack, a, b, c] = t.segments;
  const { out } = analyse([syn!, synack!, ack!, a!, c!, b!, b!, a!]);
  assert.deepEqual(labels(out).slice(3), ['data', 'data', 'out-of-order', 'retransmission', 'retransmission']);
  assert.deepEqual(out[4]!.notes, ['previous segment not captured']);
});

test('window update, dup acks and zero window', () => {
  const t = new TcpScript().handshake().data('s', 'abcd').data('s', 'efgh');
  t.ack('c').ack('c'); // acks everything: nothing outstanding, so a repeat is a plain ack
  t.window('c', 1000).ack('c');
  t.data('s', 'ijkl').rewind('s', 0);
  const { out } = analyse(t.segments);
  assert.deepEqual(labels(out).slice(5), ['ack', 'ack', 'window update', 'data']);

  // Dup acks: the client keeps acking the same byte while the server has more in flight.
  const d = new TcpScript().handshake().data('s', 'one').ack('c');
  const lastAck = d.segments[d.segments.length - 1]!;
  d.data('s', 'two').data('s', 'three');
  const dup = (i: number): TcpSegment => ({ ...lastAck, timestamp: lastAck.timestamp + i });
  const { out: out2 } = analyse([...d.segments, dup(1), dup(2)]);
  assert.deepEqual(labels(out2).slice(-2), ['dup ack #1', 'dup ack #2']);

  const z = new TcpScript().handshake().window('c', 0).ack('c');
  const { out: out3 } = analyse(z.segments);
  assert.equal(out3[3]!.label, 'window update');
  assert.deepEqual(out3[3]!.notes, ['zero window']);
});

test('keep-alive and its ack', () => {
  const t = new TcpScript().handshake().data('c', 'hello').ack('s');
  t.keepAlive('c').ack('s').data('c', 'more');
  const { out } = analyse(t.segments);
  assert.deepEqual(labels(out).slice(-3), ['keep-alive', 'keep-alive ack', 'data']);
});

test('RST answering a SYN is a refused connection', () => {
  const t = new TcpScript();
  t.send('c', TcpFlag.SYN);
  t.send('s', TcpFlag.RST | TcpFlag.ACK);
  const { out, tracker } = analyse(t.segments);
  assert.deepEqual(labels(out), ['handshake 1/3 SYN', 'RST (connection refused)']);
  const [sum] = tracker.summaries();
  assert.equal(sum!.opened, 'refused (RST)');
  assert.equal(sum!.closed, 'RST from server (refused)');
});

test('a retransmitted SYN is labelled, a new SYN on the same ports after close is a new stream', () => {
  const t = new TcpScript();
  const syn = t.send('c', TcpFlag.SYN);
  const t2 = new TcpScript({ cisn: 99_999, sisn: 77 }).handshake().fin('c').fin('s').ack('c');
  const first = new TcpScript().handshake().fin('c').fin('s').ack('c');
  const { out, tracker } = analyse([
    syn,
    { ...syn, timestamp: syn.timestamp + 1 },
    ...first.segments.slice(1),
    ...t2.segments,
  ]);
  assert.equal(out[1]!.label, 'handshake 1/3 SYN (retransmission)');
  assert.deepEqual(
    out.map((a) => a.stream),
    [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
  );
  assert.equal(tracker.summaries().length, 2);
  assert.equal(out[7]!.relSeq, 0);
});

test('mid-stream capture: relative numbers start at 1 like Wireshark, server guessed by port', () => {
  const t = new TcpScript({ cisn: 1_000_000, sisn: 2_000_000 }).handshake().data('c', 'abc').data('s', 'defg').ack('c');
  const { out, tracker } = analyse(t.segments.slice(4));
  assert.deepEqual(
    out.map((a) => [a.fromClient, a.relSeq, a.relAck]),
    [
      [false, 1, 1],
      [true, 1, 5],
    ],
  );
  const [sum] = tracker.summaries();
  assert.equal(sum!.server.port, 80);
  assert.equal(sum!.opened, 'no handshake seen');
  assert.equal(sum!.closed, 'still open');
});

test('window scale applies after the handshake when both sides offered it', () => {
  const t = new TcpScript();
  t.send('c', TcpFlag.SYN, '', { options: { wscale: 7 } });
  t.send('s', TcpFlag.SYN | TcpFlag.ACK, '', { options: { wscale: 2 } });
  t.send('c', TcpFlag.ACK, '', { window: 502 });
  t.send('s', TcpFlag.ACK | TcpFlag.PSH, 'x', { window: 1000 });
  const { out } = analyse(t.segments);
  assert.equal(out[0]!.windowScaled, 64240, 'a SYN window is never scaled');
  assert.equal(out[2]!.windowScaled, 502 * 128);
  assert.equal(out[3]!.windowScaled, 4000);
});

test('relative numbers across the 2^32 wrap', () => {
  const t = new TcpScript({ cisn: 0xffff_fffe }).handshake().data('c', 'abcdef').ack('s');
  const { out } = analyse(t.segments);
  assert.deepEqual(
    out.map((a) => a.relSeq),
    [0, 0, 1, 1, 1],
  );
  assert.equal(out[4]!.relAck, 7);
  assert.equal(out[3]!.label, 'data');
});

test('simultaneous close: both FINs cross, then both ACKs', () => {
  const t = new TcpScript().handshake().data('c', 'x').ack('s');
  const finC = t.send('c', TcpFlag.FIN | TcpFlag.ACK);
  // The server sends its FIN before it has seen the client's: it acks only the data.
  const finS = t.send('s', TcpFlag.FIN | TcpFlag.ACK, '', { ack: finC.seq >>> 0 });
  t.ack('c').ack('s');
  const { out, tracker } = analyse(t.segments);
  assert.deepEqual(labels(out).slice(5), [
    'teardown 1 FIN',
    'teardown 2 FIN (simultaneous close)',
    'teardown 3 ACK',
    'teardown 4 ACK',
  ]);
  assert.equal(finS.ack, finC.seq);
  assert.equal(tracker.summaries()[0]!.closed, 'FIN both ways');
});

test('an abort by the client is a RST from the client', () => {
  const t = new TcpScript().handshake().data('c', 'GET');
  t.send('c', TcpFlag.RST | TcpFlag.ACK);
  const { out, tracker } = analyse(t.segments);
  assert.equal(out[4]!.label, 'RST');
  assert.equal(tracker.summaries()[0]!.closed, 'RST from client');
  assert.equal(tracker.summaries()[0]!.opened, '3-way handshake');
});

test('a SYN nobody answers', () => {
  const t = new TcpScript();
  const syn = t.send('c', TcpFlag.SYN);
  const { out, tracker } = analyse([
    syn,
    { ...syn, timestamp: syn.timestamp + 1 },
    { ...syn, timestamp: syn.timestamp + 3 },
  ]);
  assert.deepEqual(labels(out), [
    'handshake 1/3 SYN',
    'handshake 1/3 SYN (retransmission)',
    'handshake 1/3 SYN (retransmission)',
  ]);
  assert.equal(tracker.summaries()[0]!.opened, 'SYN unanswered');
  assert.equal(tracker.summaries()[0]!.clientToServer.retransmissions, 2);
});

test('maxConnections: the least recently active connection is let go, not the oldest', () => {
  const tracker = new ConversationTracker({ maxConnections: 3 });
  const conn = (port: number, flags: number, seq: number): TcpSegment =>
    segmentWith({
      timestamp: 1_700_000_000 + seq / 1000,
      sport: port,
      seq,
      ack: flags & TcpFlag.ACK ? 1 : 0,
      flags,
      window: 1000,
      payload: new Uint8Array(flags & TcpFlag.PSH ? 10 : 0),
    });
  const SYN = TcpFlag.SYN;
  const DATA = TcpFlag.ACK | TcpFlag.PSH;
  assert.equal(tracker.add(conn(1001, SYN, 100)).stream, 0);
  assert.equal(tracker.add(conn(1002, SYN, 200)).stream, 1);
  assert.equal(tracker.add(conn(1003, SYN, 300)).stream, 2);
  assert.equal(tracker.add(conn(1001, DATA, 101)).stream, 0, 'stream 0 is active again');
  assert.equal(tracker.add(conn(1004, SYN, 400)).stream, 3);
  assert.equal(tracker.connectionsLetGo, 1);
  assert.deepEqual(
    tracker.summaries().map((s) => [s.stream, s.client.port]),
    [
      [0, 1001],
      [2, 1003],
      [3, 1004],
    ],
    'stream 1 went: it was the least recently active',
  );
  // Stream 1 comes back: a new connection, as one whose start was not captured.
  const back = tracker.add(conn(1002, DATA, 201));
  assert.equal(back.stream, 4);
  assert.deepEqual(
    tracker.summaries().map((s) => s.stream),
    [0, 3, 4],
    'and made room by letting stream 2 go, now the least recently active',
  );
  assert.equal(tracker.connectionsLetGo, 2);
});

test('maxConnections bounds a 4-tuple reused with new SYNs, and must be a whole number', () => {
  const tracker = new ConversationTracker({ maxConnections: 5 });
  for (let i = 0; i < 50; i++) {
    tracker.add(
      segmentWith({ timestamp: 1_700_000_000 + i, seq: 1000 * (i + 1), ack: 0, flags: TcpFlag.SYN, window: 1000 }),
    );
  }
  assert.equal(tracker.summaries().length, 5);
  assert.deepEqual(
    tracker.summaries().map((s) => s.stream),
    [45, 46, 47, 48, 49],
  );
  assert.equal(tracker.connectionsLetGo, 45);
  for (const bad of [0, -1, 1.5, Number.NaN, '10']) {
    assert.throws(() => new ConversationTracker({ maxConnections: bad as number }), {
      name: 'TypeError',
      message: /Expected an integer ≥ 1 for maxConnections/,
    });
  }
});
