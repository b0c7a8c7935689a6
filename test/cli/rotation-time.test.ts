/**
 * `-w PATTERN -G SECONDS [-C MB] [-W N]`: names made by strftime (checked
 * against Python's time.strftime, i.e. the C library's), a new file when a
 * packet comes SECONDS after the current file began, -W ending the run after N
 * files; every file read back by tcpdump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFile } from '../../lib/capture';
import { strftime } from '../../lib/cli/strftime';
import { openWriter } from '../../lib/pcap-writer';
import type { Packet } from '../../lib/packet';
import { runOk } from '../helpers/processes';
import { ROOT, runCli } from './run-cli';

const PATTERNS =
  '%Y-%m-%d %H:%M:%S|%a %A %b %B %h|%C %y %e %j %k %l %I %p|%u %w %U %W %V %G %g|%s %D %F %T %R %r|%z %%|%Q';

test('strftime agrees with the C library (Python time.strftime) in UTC and in a zone with summer time', async () => {
  const times = [
    0, 1_700_000_000, 1_704_067_199, 1_704_067_200, 1_709_251_200, 1_711_846_800, 1_735_603_200, 951_782_400,
    2_147_483_647,
  ];
  for (const tz of ['UTC', 'Europe/Berlin']) {
    const py = `import time,sys\nfor t in sys.argv[2:]: print(time.strftime(sys.argv[1], time.localtime(int(t))))`;
    const r = await runOk(null, 'python3', ['-c', py, PATTERNS, ...times.map(String)], {
      env: { ...process.env, TZ: tz },
    });
    const theirs = r.stdout.split('\n').slice(0, times.length);
    // Node reads TZ when it formats: run ours in a child with the same TZ.
    const code = `const { strftime } = require(${JSON.stringify(path.join(ROOT, 'lib', 'cli', 'strftime.ts'))}); for (const t of ${JSON.stringify(times)}) console.log(strftime(${JSON.stringify(PATTERNS)}, t));`;
    const ours = (
      await runOk(null, process.execPath, ['--import', 'tsx', '-e', code], {
        env: { ...process.env, TZ: tz },
        cwd: ROOT,
      })
    ).stdout
      .split('\n')
      .slice(0, times.length);
    assert.deepEqual(ours, theirs, tz);
  }
  assert.equal(strftime('cap-%%-%Q.pcap', 0), 'cap-%-%Q.pcap');
});

/** Timestamps (-tt) of the packets of a file, as tcpdump reads them. */
async function stamps(file: string): Promise<number[]> {
  const r = await runOk(null, 'tcpdump', ['-nn', '-tt', '-r', file]);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.split(' ')[0]));
}

test("-G splits by the packets' time, names by strftime; -C numbers inside an interval; -W ends after N files", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-rotg-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The HTTP fixture 200 times, one second apart: 200 s of traffic.
  const packets: Packet[] = [];
  for await (const p of openFile(path.join(ROOT, 'test', 'fixtures', 'pcap', 'http-lo.pcap'))) packets.push(p.copy());
  const big = path.join(dir, 'big.pcap');
  const w = openWriter(big, { linkType: 1 });
  const t0 = 1_700_000_000;
  for (let i = 0; i < 200; i++)
    for (const p of packets) w.write(p.data, { tsSec: t0 + i, tsNsec: p.tsNsec, wireLen: p.length });
  await w.close();
  const all = await stamps(big);
  assert.equal(all.length, packets.length * 200);

  const pyName = async (pattern: string, sec: number): Promise<string> =>
    (
      await runOk(
        null,
        'python3',
        [
          '-c',
          'import time,sys; print(time.strftime(sys.argv[1], time.localtime(int(sys.argv[2]))))',
          pattern,
          String(sec),
        ],
        { env: { ...process.env, TZ: 'UTC' } },
      )
    ).stdout.trim();

  // -G 60: files start at t0, t0+60, t0+120, t0+180 (the first packet at or after each interval's end).
  const g = await runCli(['-r', big, '-w', path.join(dir, 'g-%Y%m%d-%H%M%S.pcap'), '-G', '60']);
  assert.equal(g.code, 0, g.stderr);
  const gFiles = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('g-'))
    .sort();
  assert.deepEqual(
    gFiles,
    await Promise.all([0, 60, 120, 180].map(async (s) => pyName('g-%Y%m%d-%H%M%S.pcap', t0 + s))),
  );
  let seen: number[] = [];
  for (const [i, f] of gFiles.entries()) {
    const ts = await stamps(path.join(dir, f));
    assert.ok(
      ts.every((x) => x >= t0 + 60 * i && x < t0 + 60 * (i + 1)),
      `${f} holds its minute only`,
    );
    seen = seen.concat(ts);
  }
  assert.deepEqual(seen, all, 'every packet once, in order');

  // -G 60 -C 0.2 -W 3: inside each minute, files by size numbered 0..; -W sets the digits only (tcpdump ignores it as a limit with -C).
  const c = await runCli(['-r', big, '-w', path.join(dir, 'c-%H%M.pcap'), '-G', '60', '-C', '0.2', '-W', '3']);
  assert.equal(c.code, 0, c.stderr);
  const cFiles = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('c-'))
    .sort();
  const firstMinute = await pyName('c-%H%M.pcap', t0);
  assert.deepEqual(
    cFiles.filter((f) => f.startsWith(firstMinute)),
    [0, 1, 2].map((n) => `${firstMinute}${n}`),
  );
  assert.equal(cFiles.length, 3 * 3 + 1);
  let total = 0;
  for (const f of cFiles) total += (await stamps(path.join(dir, f))).length;
  assert.equal(total, all.length);

  // -G 60 -W 2: two files, then the run ends (status 0) with the first packet of the third minute.
  const wr = await runCli(['-r', big, '-w', path.join(dir, 'w-%H%M%S.pcap'), '-G', '60', '-W', '2']);
  assert.equal(wr.code, 0, wr.stderr);
  const wFiles = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('w-'))
    .sort();
  assert.equal(wFiles.length, 2);
  const kept = [...(await stamps(path.join(dir, wFiles[0]!))), ...(await stamps(path.join(dir, wFiles[1]!)))];
  assert.deepEqual(
    kept,
    all.filter((x) => x < t0 + 120),
  );
});
