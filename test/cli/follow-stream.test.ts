/**
 * `--follow N` picks one stream as tshark's `-z follow,tcp,raw,N` does; `-q`
 * with `--follow` prints only the streams; a side's consecutive segments are
 * one block (as Wireshark shows them), with exactly the bytes and the side
 * order of tshark's chunks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOk } from '../helpers/processes';
import { craftFrames, writeCrafted } from './craft-tcp';
import { parseFollow, ROOT, runCli } from './run-cli';

/** tshark's chunks of stream `n` (`-z follow,tcp,raw,n`), consecutive ones of a side joined: [fromClient, bytes as hex]. */
async function tsharkRuns(file: string, n: number): Promise<Array<[boolean, string]>> {
  const z = await runOk(null, 'tshark', ['-r', file, '-q', '-z', `follow,tcp,raw,${n}`]);
  const lines = z.stdout
    .split('Node 1: ')[1]!
    .split('\n')
    .slice(1)
    .filter((l) => /^\t?[0-9a-f]+$/.test(l));
  const runs: Array<[boolean, string]> = [];
  for (const l of lines) {
    const client = !l.startsWith('\t');
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === client) last[1] += l.trim();
    else runs.push([client, l.trim()]);
  }
  return runs;
}

/** Our blocks of the one stream printed, as [fromClient, hex]. */
function ourRuns(out: Buffer): Array<[boolean, string]> {
  const runs: Array<[boolean, string]> = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    const line = out.subarray(pos, nl < 0 ? out.length : nl).toString('latin1');
    pos = (nl < 0 ? out.length : nl) + 1;
    const m = line.match(/^--- (client|server) .*: (\d+) bytes$/);
    if (!m) continue;
    const n = Number(m[2]);
    runs.push([m[1] === 'client', out.subarray(pos, pos + n).toString('hex')]);
    pos += n + 1;
  }
  return runs;
}

test('--follow N -q prints only stream N, with the bytes of tshark -z follow,tcp,raw,N', async () => {
  const file = path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap');
  for (const n of [0, 1, 2]) {
    const r = await runCli(['-r', file, '--follow', String(n), '-q']);
    assert.equal(r.code, 0, r.stderr);
    const streams = parseFollow(r.stdout);
    assert.deepEqual(
      streams.map((s) => s.stream),
      [n],
    );
    const text = r.stdout.toString('latin1');
    assert.ok(text.startsWith('='.repeat(67) + '\nFollow TCP stream'), 'nothing before the stream');
    assert.ok(
      !/Flags \[|TCP conversations/.test(text.replace(/--- client[\s\S]*?--- end/, '')),
      'no packet lines, no table',
    );
    assert.deepEqual(ourRuns(r.stdout), await tsharkRuns(file, n));
  }
  // Without -q the packet lines come first, then the stream.
  const loud = await runCli(['-r', file, '--follow', '1']);
  assert.match(loud.stdout.toString('latin1'), /Flags \[S\][\s\S]*Follow TCP stream 1:/);
  // A stream the file lacks: nothing on stdout, a note on stderr, status 0 (tshark prints an empty follow).
  const none = await runCli(['-r', file, '--follow', '9', '-q']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout.length, 0);
  assert.match(none.stderr, /no TCP stream 9 in this capture/);
});

test("a side's consecutive segments are one block; the blocks are tshark's chunks joined by side", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-runs-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const C = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
  const S = 'HTTP/1.1 200 OK\r\n\r\nhello world, in three parts';
  const file = path.join(dir, 'runs.pcap');
  await writeCrafted(
    file,
    craftFrames(false, [
      { from: 'c', flags: 'S', off: -1 },
      { from: 's', flags: 'SA', off: -1 },
      { from: 'c', flags: 'A', off: 0 },
      { from: 'c', flags: 'PA', off: 0, data: C.slice(0, 10) },
      { from: 'c', flags: 'PA', off: 10, data: C.slice(10) },
      { from: 's', flags: 'PA', off: 0, data: S.slice(0, 19) },
      { from: 's', flags: 'PA', off: 19, data: S.slice(19, 30) },
      { from: 's', flags: 'PA', off: 30, data: S.slice(30) },
      { from: 'c', flags: 'PA', off: C.length, data: 'more' },
      { from: 'c', flags: 'FA', off: C.length + 4 },
      { from: 's', flags: 'FA', off: S.length },
    ]),
  );
  const r = await runCli(['-r', file, '--follow=0', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const ours = ourRuns(r.stdout);
  assert.deepEqual(ours, [
    [true, Buffer.from(C).toString('hex')],
    [false, Buffer.from(S).toString('hex')],
    [true, Buffer.from('more').toString('hex')],
  ]);
  assert.deepEqual(ours, await tsharkRuns(file, 0));
  // tshark itself lists six chunks: the joining is ours.
  const raw = await runOk(null, 'tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
  assert.equal(raw.stdout.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l)).length, 6);
});
