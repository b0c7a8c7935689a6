/**
 * Each failure the issue names ends with one clear line on stderr, a distinct
 * non-zero status and no stack trace; `pktkit ... | head` ends quietly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFile } from '../../lib/capture';
import { openWriter } from '../../lib/pcap-writer';
import { freePort, sendUdpLoopback } from '../helpers/loopback';
import type { Packet } from '../../lib/packet';
import { cliCommand, ROOT, runCli } from './run-cli';

const HTTP = path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap');
const isRoot = process.getuid?.() === 0;

function assertOneLine(stderr: string, re: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr}`);
  assert.match(lines[0]!, /^pktkit: /);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('unknown interface: exit 4', { skip: !isRoot && 'needs root to get past the permission check' }, async () => {
  const r = await runCli(['capture', '-i', 'nope0', '-c', '1']);
  assert.equal(r.code, 4);
  assertOneLine(r.stderr, /no such interface 'nope0'/);
});

test('bad filter: exit 5, live and on a file', async () => {
  const r = await runCli(['read', HTTP, 'tcp', 'and']);
  assert.equal(r.code, 5);
  assertOneLine(r.stderr, /bad filter 'tcp and'/);
  if (isRoot) {
    const live = await runCli(['capture', '-i', 'lo', '-c', '1', '-f', 'port 99999']);
    assert.equal(live.code, 5);
    assertOneLine(live.stderr, /bad filter 'port 99999'/);
  }
});

test('no permission: exit 3 with what to do', { skip: !isRoot && 'needs root to drop to nobody' }, async () => {
  const argv = cliCommand(['capture', '-i', 'lo', '-c', '1']);
  const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'HOME=/tmp', ...argv], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 3);
  assertOneLine(stderr, /no permission to capture on 'lo'.*cap_net_raw/);
});

test('unreadable, missing, foreign and damaged files: exit 1', async () => {
  const missing = await runCli(['read', '/nonexistent/x.pcap']);
  assert.equal(missing.code, 1);
  assertOneLine(missing.stderr, /cannot open capture file '\/nonexistent\/x\.pcap'/);
  const foreign = await runCli(['read', path.join(ROOT, 'package.json'), '-q']);
  assert.equal(foreign.code, 1);
  assertOneLine(foreign.stderr, /not a pcap or pcapng file/);
  // A damaged file: the packets before the damage are still printed, as tcpdump does.
  const damaged = await runCli(['read', path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo-truncated.pcap'), '-q']);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /truncated/);
  assert.equal(damaged.stdout.toString().trim().split('\n').length, 5);
});

test('usage mistakes: exit 2', async () => {
  const r = await runCli(['capture', '-c', 'many']);
  assert.equal(r.code, 2);
  assertOneLine(r.stderr, /Expected a positive integer .* for -c but received 'many'/);
  const u = await runCli(['bogus']);
  assert.equal(u.code, 2);
  assertOneLine(u.stderr, /Unknown command 'bogus'/);
});

test('a closed pipe (| head) ends quietly with status 0', async () => {
  // A file big enough that the output outlives head: the fixture's packets, 400 times over.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-epipe-'));
  try {
    const big = path.join(dir, 'big.pcap');
    const packets: Packet[] = [];
    for await (const p of openFile(HTTP)) packets.push(p.copy());
    const w = openWriter(big, { linkType: 1 });
    for (let i = 0; i < 400; i++)
      for (const p of packets) w.write(p.data, { tsSec: p.tsSec + i, tsNsec: p.tsNsec, wireLen: p.length });
    await w.close();
    const script = `${cliCommand(['read', big, '-v'])
      .map((a) => `'${a}'`)
      .join(' ')} | head -n 3; echo "status=\${PIPESTATUS[0]}" >&2`;
    const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    assert.equal(stdout.split('\n').filter(Boolean).length, 3);
    const rest = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('pktkit: reading from file'));
    assert.deepEqual(rest, ['status=0'], 'no error text, status 0');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing stdout (disk full) is one line and exit 1, not a crash', async () => {
  const script = `${cliCommand(['read', HTTP, '-q'])
    .map((a) => `'${a}'`)
    .join(' ')} > /dev/full`;
  const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 1);
  assertOneLine(stderr, /no space left on device/);
});

test('an output file that cannot be created: one line, exit 1, before any "listening on"', async () => {
  const r = await runCli(['read', HTTP, '-w', '/nonexistent-dir/x.pcap']);
  assert.equal(r.code, 1);
  assertOneLine(r.stderr, /cannot create \/nonexistent-dir\/x\.pcap/);
  if (isRoot) {
    const live = await runCli(['capture', '-i', 'lo', '-c', '1', '-w', '/nonexistent-dir/x.pcap']);
    assert.equal(live.code, 1);
    assertOneLine(live.stderr, /cannot create \/nonexistent-dir\/x\.pcap/);
  }
});

test('a live capture piped into head ends quietly too', { skip: !isRoot && 'needs root to capture' }, async () => {
  const port = await freePort('udp');
  const script = `${cliCommand(['capture', '-i', 'lo', `udp port ${port}`])
    .map((a) => `'${a}'`)
    .join(' ')} | head -n 2; echo "status=\${PIPESTATUS[0]}" >&2`;
  const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise((resolve) => child.on('close', resolve));
  for (let i = 0; i < 200 && !/listening on/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
  // head exits after two lines; pktkit notices at its next write.
  for (let round = 0; round < 20 && !/status=/.test(stderr); round++) {
    await sendUdpLoopback(
      port,
      Array.from({ length: 20 }, () => Buffer.from('ping')),
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  await done;
  assert.equal(stdout.split('\n').filter(Boolean).length, 2);
  assert.deepEqual(
    stderr.split('\n').filter((l) => l !== '' && !/listening on/.test(l)),
    ['status=0'],
  );
});
