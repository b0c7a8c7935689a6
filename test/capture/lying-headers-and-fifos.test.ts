/**
 * Regressions of two defects found by probing main at a82c291:
 * - a 24-byte pcap header (or a pcapng IDB) declaring a snap length of
 *   0x3fffff81 killed the process (the ring was sized from it): now nothing
 *   from a file sizes memory, and such a file reads as what it holds;
 * - openFile on a FIFO with no writer blocked in fopen on the JS thread, deaf
 *   to signals: now opening never blocks, a pending read is abortable, and
 *   packets flow once a writer comes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openFile } from '../../lib/index';
import { runCli } from '../cli/run-cli';
import { makeTempDir } from '../helpers/loopback';

const FIXTURE = path.resolve(__dirname, '../fixtures/pcap/http-lo.pcap');

function pcapHeader(snaplen: number): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(snaplen, 16);
  b.writeUInt32LE(1, 20);
  return b;
}

/** A pcapng SHB and one Ethernet IDB with `snaplen`. */
function pcapngHeader(snaplen: number): Buffer {
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(snaplen, 12);
  idb.writeUInt32LE(20, 16);
  return Buffer.concat([shb, idb]);
}

describe('lying headers and FIFOs', () => {
  const dir = makeTempDir('lying');
  after(() => dir.remove());

  it('a header that claims a gigabyte snap length reads as what the file holds', async () => {
    const packetsOf = async (file: string): Promise<number> => {
      let n = 0;
      for await (const _ of openFile(file)) n++;
      return n;
    };
    const withPackets = Buffer.concat([pcapHeader(0x3fffff81), fs.readFileSync(FIXTURE).subarray(24)]);
    for (const [name, bytes, expected] of [
      ['pcap-header-only.pcap', pcapHeader(0x3fffff81), 0],
      ['pcap-max.pcap', pcapHeader(0xffffffff), 0],
      ['pcapng-idb-only.pcapng', pcapngHeader(0x3fffff81), 0],
      ['pcap-with-packets.pcap', withPackets, 30],
    ] as const) {
      const file = dir.file(name);
      fs.writeFileSync(file, bytes);
      const rss0 = process.memoryUsage().rss;
      assert.equal(await packetsOf(file), expected, name);
      assert.ok(process.memoryUsage().rss - rss0 < 64 << 20, `${name}: no memory sized from the header`);
      const cli = await runCli(['read', file, '-q']);
      assert.equal(cli.signal, null, `${name}: ${cli.stderr}`);
      assert.equal(cli.code, 0, `${name}: ${cli.stderr}`);
    }
  });

  it('opens a FIFO with no writer at once; the read is abortable, and packets come with a writer', async () => {
    const fifo = dir.file('pipe.pcap');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const cap = openFile(fifo, { signal: AbortSignal.timeout(300) });
    assert.ok(performance.now() - started < 200, 'opening did not wait for a writer');
    let timerRan = false;
    setTimeout(() => (timerRan = true), 50);
    let n = 0;
    for await (const _ of cap) n++;
    assert.equal(n, 0);
    assert.ok(timerRan, 'the event loop ran while the read waited');
    assert.ok(performance.now() - started < 2000, 'the signal ended the wait');

    // Now with a writer: the header arrives late, the link type is known then.
    const late = openFile(fifo);
    assert.equal(late.linkType, -1, 'not known before the header');
    const writer = fs.createWriteStream(fifo);
    setTimeout(() => writer.end(fs.readFileSync(FIXTURE)), 100);
    for await (const _ of late) n++;
    assert.equal(n, 30);
    assert.equal(late.linkType, 1);
  });

  it('pktkit read FIFO stops on Ctrl-C while no writer has come', async () => {
    const fifo = dir.file('pipe2.pcap');
    execFileSync('mkfifo', [fifo]);
    let sentAt = 0;
    const r = await runCli(['read', fifo], {
      timeoutMs: 30_000,
      onSpawn: (child) => {
        // Ctrl-C once the CLI holds the FIFO open (it installs its signal handlers before it
        // opens the capture), not after a fixed delay: tsx start-up alone can take seconds.
        void waitForOpenFile(child.pid!, fifo, 25_000).then(() => {
          sentAt = performance.now();
          child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.signal, null, 'ended by its own handler, not killed');
    assert.ok(performance.now() - sentAt < 2000, 'promptly');
    assert.ok(r.code === 0 || r.code === 130, `exit ${r.code}: ${r.stderr}`);
  });
});

/** Resolves once process `pid` has `file` open (polls /proc/PID/fd), or after `timeoutMs`. */
async function waitForOpenFile(pid: number, file: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return;
        } catch {
          // the descriptor closed while we looked
        }
      }
    } catch {
      return; // the process is gone: let the test report how it ended
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
