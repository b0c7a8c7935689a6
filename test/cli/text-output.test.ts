/**
 * The default line is tcpdump's where tcpdump says the same thing: with -S
 * (absolute numbers) every TCP line has tcpdump -S's flags, seq, ack, window
 * and length; without it, seq/ack are Wireshark's relative numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runOk } from '../helpers/processes';
import { tsharkFields } from '../helpers/tshark';
import { ROOT, runCli } from './run-cli';

const tcpPart = (line: string): string | undefined =>
  line.match(/Flags \[[^\]]*\], (?:seq \S+, )?(?:ack \d+, )?win \d+/)?.[0];

for (const name of ['http-lo.pcap', 'veth-mixed.pcap']) {
  test(`-S lines carry tcpdump -S's flags, seq, ack and window: ${name}`, async () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'pcap', name);
    const theirs = (await runOk(null, 'tcpdump', ['-n', '-S', '-r', file, 'tcp'])).stdout
      .split('\n')
      .map(tcpPart)
      .filter(Boolean);
    const r = await runCli(['read', file, '-S', 'tcp']);
    assert.equal(r.code, 0, r.stderr);
    const ours = r.stdout.toString().split('\n').map(tcpPart).filter(Boolean);
    assert.ok(theirs.length >= 10);
    assert.deepEqual(ours, theirs);
    // tcpdump's length is the TCP payload length.
    const lengths = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => /Flags \[/.test(l))
        .map((l) => l.match(/length (\d+)/)![1]!);
    assert.deepEqual(
      lengths(r.stdout.toString()),
      lengths((await runOk(null, 'tcpdump', ['-n', '-S', '-r', file, 'tcp'])).stdout),
    );
  });
}

test('relative seq/ack on every line are tshark tcp.seq / tcp.ack', async () => {
  const file = path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap');
  const rows = await tsharkFields(file, ['tcp.seq', 'tcp.ack', 'tcp.len', 'tcp.flags']);
  const r = await runCli(['read', file]);
  const lines = r.stdout
    .toString()
    .split('\n')
    .filter((l) => /Flags \[/.test(l));
  assert.equal(lines.length, rows.length);
  lines.forEach((l, i) => {
    const seq = l.match(/seq (\d+)/)?.[1];
    if (seq !== undefined) assert.equal(seq, rows[i]!['tcp.seq'], l);
    else assert.equal(rows[i]!['tcp.len'], '0', 'only bare ACKs leave out seq');
    if (Number(rows[i]!['tcp.flags']) & 0x10) assert.equal(l.match(/ack (\d+)/)![1], rows[i]!['tcp.ack'], l);
  });
});
