/**
 * `--follow` on crafted connections (IPv4 and IPv6) whose segments overlap,
 * repeat and arrive out of order: the bytes are exactly what was sent, and
 * agree with tshark's own Follow TCP Stream (`-z follow,tcp,raw`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { craftFrames, writeCrafted, type CraftedSegment as Seg } from './craft-tcp';
import { runOk } from '../helpers/processes';
import { parseFollow, runCli } from './run-cli';

const CLIENT_TEXT = 'POST /x HTTP/1.1\r\nContent-Length: 13\r\n\r\nHello, world!';
const SERVER_TEXT = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

const c = (off: number, end: number): Seg => ({ from: 'c', flags: 'PA', off, data: CLIENT_TEXT.slice(off, end) });
const s = (off: number, end: number): Seg => ({ from: 's', flags: 'PA', off, data: SERVER_TEXT.slice(off, end) });

const SEGMENTS: Seg[] = [
  { from: 'c', flags: 'S', off: -1 },
  { from: 's', flags: 'SA', off: -1 },
  { from: 'c', flags: 'A', off: 0 },
  c(20, 45), // ahead of a hole
  c(0, 10),
  c(5, 30), // overlaps both neighbours
  c(0, 10), // a plain retransmission
  c(40, CLIENT_TEXT.length),
  s(10, SERVER_TEXT.length), // the response's tail first
  s(0, 12),
  s(0, SERVER_TEXT.length), // everything again
  { from: 'c', flags: 'FA', off: CLIENT_TEXT.length },
  { from: 's', flags: 'FA', off: SERVER_TEXT.length },
  { from: 'c', flags: 'A', off: CLIENT_TEXT.length + 1 },
];

for (const v6 of [false, true]) {
  test(`--follow reassembles overlapping, repeated, reordered segments exactly (${v6 ? 'IPv6' : 'IPv4'})`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-follow-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'crafted.pcap');
    await writeCrafted(file, craftFrames(v6, SEGMENTS));

    const r = await runCli(['read', file, '--follow']);
    assert.equal(r.code, 0, r.stderr);
    const [f] = parseFollow(r.stdout);
    assert.ok(f);
    assert.equal(f.client.toString('latin1'), CLIENT_TEXT);
    assert.equal(f.server.toString('latin1'), SERVER_TEXT);
    assert.equal(f.missing, 0);

    // tshark's Follow TCP Stream agrees.
    const z = await runOk(null, 'tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
    const body = z.stdout
      .split('Node 1: ')[1]!
      .split('\n')
      .slice(1)
      .filter((l) => /^\t?[0-9a-f]+$/.test(l));
    const side = (server: boolean): string =>
      Buffer.from(
        body
          .filter((l) => l.startsWith('\t') === server)
          .map((l) => l.trim())
          .join(''),
        'hex',
      ).toString('latin1');
    assert.equal(side(false), CLIENT_TEXT);
    assert.equal(side(true), SERVER_TEXT);

    // The text output labels what happened to the segments.
    const text = (await runCli(['read', file])).stdout.toString();
    assert.match(text, /\(data; previous segment not captured\)/);
    assert.match(text, /\(out-of-order\)/);
    assert.match(text, /\(retransmission\)/);
  });
}
