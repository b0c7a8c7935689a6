/**
 * A capture with more TCP connections than the command line tracks at once
 * (100,000): every packet is printed, the table lists the ones kept, and one
 * line says how many were let go. It once died after the last packet with
 * "Maximum call stack size exceeded".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ether, IP, TCP } from '../../lib/layers';
import { PcapWriter } from '../../lib/pcap-writer';
import { makeTempDir } from '../helpers/loopback';
import { runCli } from './run-cli';

const CONNECTIONS = 100_050;

test('more connections than are kept: all packets printed, the table bounded, the rest counted', async (t) => {
  const dir = makeTempDir('many-conns');
  t.after(() => dir.remove());
  const file = dir.file('syns.pcap');
  const syn = Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
    .div(IP({ src: '198.18.0.1', dst: '198.19.0.1' }))
    .div(TCP({ sport: 1024, dport: 80, flags: 'S', seq: 1 }))
    .toBytes();
  const w = new PcapWriter(file, { linkType: 1 });
  for (let i = 0; i < CONNECTIONS; i++) {
    // One connection each: the source address's last two bytes and the source port vary.
    const frame = new Uint8Array(syn);
    frame[28] = (i >> 16) & 0xff;
    frame[29] = (i >> 8) & 0xff;
    frame[34] = 0x40 | ((i >> 8) & 0x3f);
    frame[35] = i & 0xff;
    w.write(frame, { tsSec: 1_700_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000 });
  }
  w.closeSync();

  const r = await runCli(['read', '-r', file, '-n'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.toString('latin1').split('\n');
  assert.equal(lines.filter((l) => l.includes('Flags [S]')).length, CONNECTIONS, 'every packet printed');
  const header = lines.findIndex((l) => l.startsWith('TCP conversations'));
  assert.ok(header > 0, 'the table follows the packets');
  const rows = lines.slice(header + 2).filter((l) => /^\s*\d+\s/.test(l));
  assert.equal(rows.length, 100_000, 'the table lists the connections kept');
  // The least recently active (the first 50) were let go; the last one is kept under its stream number.
  assert.match(rows[0]!, /^\s*50\s/);
  assert.match(rows[rows.length - 1]!, new RegExp(`^\\s*${CONNECTIONS - 1}\\s`));
  assert.ok(
    lines.includes(
      '(50 more not shown: more connections than 100000 were open at once, and the least recently active were let go)',
    ),
  );
});
