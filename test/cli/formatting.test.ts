import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveCounter, statsLines } from '../../lib/cli/stats';
import { conversationTable } from '../../lib/cli/summary-table';
import { endpoint, formatTime } from '../../lib/cli/format-line';
import { type ConversationSummary, ConversationTracker } from '../../lib/tcp/conversations';
import { TcpScript } from '../tcp/tcp-script';

const stats = {
  received: 10,
  delivered: 9,
  droppedByRing: 1,
  droppedByKernel: 2,
  droppedByInterface: 0,
  receivedByFilter: 12,
};

test("end counters in tcpdump's words, plus the ring", () => {
  assert.deepEqual(statsLines(9, stats), [
    '9 packets captured',
    '12 packets received by filter',
    '2 packets dropped by kernel',
    '1 packet dropped by ring',
  ]);
  assert.deepEqual(statsLines(1, { ...stats, droppedByInterface: 3 })[3], '3 packets dropped by interface');
  assert.equal(liveCounter(9, stats), 'Got 9 (dropped 3)');
});

test('time and endpoints', () => {
  process.env.TZ = 'UTC';
  assert.equal(formatTime(1_700_000_000, 1_234_567), '22:13:20.001234');
  assert.equal(endpoint('198.18.0.1', 80), '198.18.0.1:80');
  assert.equal(endpoint('fd00::1', 80), '[fd00::1]:80');
});

test('conversation table: one aligned row per connection', () => {
  const tracker = new ConversationTracker();
  const a = new TcpScript()
    .handshake()
    .data('c', 'GET /\r\n\r\n')
    .data('s', 'HTTP/1.1 200 OK\r\n\r\n')
    .fin('c')
    .fin('s')
    .ack('c');
  const b = new TcpScript({ client: '[fd00::1]:50000', server: '[fd00::2]:443', t0: 1_700_000_100 });
  for (const s of [...a.segments, ...b.handshake().segments]) tracker.add(s);
  const lines = conversationTable(tracker.summaries());
  assert.equal(lines.length, 4);
  assert.match(
    lines[1]!,
    /^stream {2}client +server +c>s pkts {2}c>s bytes {2}s>c pkts {2}s>c bytes {3}duration {2}opened +closed$/,
  );
  assert.match(
    lines[2]!,
    /^ {5}0 {2}198\.18\.0\.1:40000 +198\.18\.0\.2:80 +5 +9 +3 +19 +0\.00\d{4}s {2}3-way handshake +FIN both ways$/,
  );
  assert.match(
    lines[3]!,
    /^ {5}1 {2}\[fd00::1\]:50000 +\[fd00::2\]:443 +2 +0 +1 +0 +0\.00\d{4}s {2}3-way handshake +still open$/,
  );
  // Columns line up: every row has its server column where the header has it.
  const at = lines[1]!.indexOf('server');
  assert.ok(lines.slice(2).every((l) => l.slice(at).match(/^\S/)));
  assert.deepEqual(conversationTable([]), []);
});

test('conversation table: more connections than a call takes arguments, columns as wide as the widest', () => {
  const row = (i: number): ConversationSummary => ({
    stream: i,
    client: { addr: '198.18.0.1', port: 1024 + (i % 60_000) },
    server: { addr: '198.19.0.1', port: 80 },
    clientToServer: { packets: 1, bytes: 60, payloadBytes: 0, retransmissions: 0 },
    serverToClient: { packets: i === 250_000 ? 1_234_567_890 : 0, bytes: 0, payloadBytes: 0, retransmissions: 0 },
    start: 0,
    end: 1,
    duration: 1,
    opened: 'SYN unanswered',
    closed: 'still open',
  });
  const rows = Array.from({ length: 300_000 }, (_, i) => row(i));
  const lines = conversationTable(rows);
  assert.equal(lines.length, 2 + rows.length);
  // One row's long count widens its column in every row, the header included.
  const at = lines[1]!.indexOf('s>c pkts');
  assert.equal(lines[1]!.slice(at - 2, at), '  ', 'the header is right-aligned to the widest cell');
  assert.ok(lines[2 + 250_000]!.includes(' 1234567890 '));
  assert.equal(lines[2]!.indexOf('SYN unanswered'), lines[2 + 250_000]!.indexOf('SYN unanswered'));
});
