/**
 * `pktkit demo`: the bundled HTTP capture printed annotated (labels, escaped
 * hexdumps, the table, both streams), and as root a fresh exchange it makes
 * and captures itself on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFollow, runCli } from './run-cli';

test('demo: the bundled exchange annotated, then (as root) a live one', async () => {
  const r = await runCli(['demo']);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.toString('latin1');
  const [part1, part2] = out.split(/\nPart 2/);
  assert.ok(part1 !== undefined);
  assert.match(part1, /^Part 1: /);
  for (const label of ['handshake 1/3 SYN', 'handshake 2/3 SYN-ACK', 'handshake 3/3 ACK', 'teardown 1 FIN']) {
    assert.ok(part1.includes(`(${label})`), label);
  }
  assert.match(part1, /\n {4}sent 92 bytes to 127\.0\.0\.1:8080 \(loopback: the client's view\)\n/);
  assert.match(
    part1,
    /\n {4}0000 {2}47 45 54 20 2f 73 6d 61 6c 6c 20 48 54 54 50 2f {2}GET \/small HTTP\/\n {4}0010 .* {2}1\.1<\\r><\\n>connection:\n/,
  );
  assert.match(part1, /\[\.\.\. \d+ more bytes\]/, 'long bodies are cut short in the demo');
  const table = part1.split('TCP conversations')[1]!;
  assert.equal(table.split('\n').filter((l) => /3-way handshake\s+FIN both ways/.test(l)).length, 3);
  const streams = parseFollow(Buffer.from(part1.slice(part1.indexOf('====')), 'latin1'));
  assert.equal(streams.length, 3);
  assert.match(streams[0]!.client.toString(), /^GET \/small HTTP\/1\.1\r\n/);
  assert.match(streams[1]!.client.toString(), /^POST \/echo HTTP\/1\.1\r\n[\s\S]*\r\n\r\nx=1&y=2$/);
  assert.match(streams[2]!.server.toString(), /^HTTP\/1\.1 200 OK\r\n/);

  if (process.getuid?.() !== 0) {
    assert.match(out, /needs root: skipped/);
    return;
  }
  assert.ok(part2 !== undefined, 'part 2 ran as root');
  assert.match(part2, /a fresh exchange this demo just made on loopback \(127\.0\.0\.1:(\d+)\)/);
  for (const label of ['handshake 1/3 SYN', 'handshake 3/3 ACK', 'data', 'teardown 1 FIN'])
    assert.ok(part2.includes(`(${label})`), label);
  assert.match(part2, /GET \/demo HTTP\/1/);
  const [live] = parseFollow(Buffer.from(part2.slice(part2.indexOf('====')), 'latin1'));
  assert.ok(live);
  assert.match(live.server.toString(), /\r\n\r\nhello from pktkit demo\n$/);
});

test('demo --json: one object per packet', async () => {
  const r = await runCli(['demo', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const objects = r.stdout
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(objects.length >= 30);
  assert.equal(objects[0]!['tcp.seq'], 0);
  assert.equal(objects[0]!['tcp.flags'], '0x0002');
});
