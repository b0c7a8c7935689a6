/**
 * Issue 11 items 6 and 7 on the command line: a bad --local address is a usage
 * error (exit 2, one line) instead of being silently accepted, a huge bad
 * filter gives one short line (exit 5), -Z is for `capture` only, and
 * `--follow --json` gives the followed streams as JSON records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseArgs, UsageError } from '../../lib/cli/args';
import { jsonLines, ROOT, runCli } from './run-cli';

const HTTP = path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap');

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr.slice(0, 2000)}`);
  assert.match(lines[0]!, /^pktkit: /);
  return lines[0]!;
}

test('--local 999.1.1.1: exit 2, one line naming the value', async () => {
  const r = await runCli(['read', HTTP, '-v', '--local', '999.1.1.1']);
  assert.equal(r.code, 2);
  assert.equal(
    oneLine(r.stderr),
    "pktkit: Expected an IPv4 or IPv6 address for --local but received '999.1.1.1' (see pktkit --help)",
  );
  assert.equal(r.stdout.length, 0);
});

test('--local takes IPv4 and IPv6 (kept in the form packets print)', () => {
  assert.deepEqual(parseArgs(['read', 'f.pcap', '--local', '198.18.0.1', '--local=FD00:0:0::0001']).local, [
    '198.18.0.1',
    'fd00::1',
  ]);
  for (const bad of ['localhost', '1.2.3', '01.2.3.4', 'fd00:::1', '198.18.0.1/24']) {
    assert.throws(() => parseArgs(['read', 'f.pcap', '--local', bad]), UsageError, bad);
  }
});

test('-Z USER is capture only; its value is required', () => {
  assert.equal(parseArgs(['capture', '-Z', 'nobody']).user, 'nobody');
  assert.equal(parseArgs(['capture', '--relinquish-privileges=nobody']).user, 'nobody');
  assert.throws(() => parseArgs(['read', 'f.pcap', '-Z', 'nobody']), /Option -Z does not apply to 'read'/);
  assert.throws(() => parseArgs(['capture', '-Z']), /Option -Z needs a value/);
});

test('a 100 kB bad filter: exit 5 and one short line', async () => {
  // 100 kB: under Linux's 128 kB limit for one argument.
  const r = await runCli(['read', HTTP, '-f', `tcp and ${'x'.repeat(100_000)}`]);
  assert.equal(r.code, 5);
  const line = oneLine(r.stderr);
  assert.ok(line.length < 400, `${line.length} characters`);
  assert.match(line, /^pktkit: bad filter 'tcp and x+\.\.\.' \(100008 characters\): /);
});

test('--follow --json: packets, then each stream as JSON records of its bytes', async () => {
  const r = await runCli(['read', HTTP, '--follow', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const records = jsonLines(r.stdout);
  const follow = records.filter((o) => 'follow.data' in o);
  assert.ok(
    records.some((o) => 'frame.number' in o),
    'the packets',
  );
  assert.ok(follow.length >= 2, 'the followed streams');
  const server = Buffer.from(String(follow.find((o) => o['follow.from'] === 'server')!['follow.data']), 'hex').toString(
    'latin1',
  );
  assert.match(server, /^HTTP\/1\.1 200 OK\r\n/);
});
