/**
 * `pktkit capture -w FILE`, which writes whole batches natively (record
 * headers plus the bytes where the kernel's ring holds them, no JS copy; with
 * no -C or -G the addon writes each batch on its own, no JS per batch), on
 * real traffic between this test's own namespaces: VLAN-tagged frames whose
 * tag veth took out (put back in the file, as tcpdump does) and a few thousand
 * UDP datagrams of many sizes. The file must hold the packets tcpdump -w wrote
 * on the same interface, byte for byte, with the same file header; tshark
 * must read it; `-c N` must end after exactly the first N; an interface that
 * goes down ends it with one line, keeping what came before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir } from '../helpers/loopback';
import { canCreateNamespaces, createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';
import { readPcap } from '../helpers/pcap-file';
import { startTcpdump } from '../helpers/tcpdump';
import { tsharkFields } from '../helpers/tshark';
import { cliCommand, ROOT } from './run-cli';

const PORT = 9557;
const DATAGRAMS = 3000;
const TAGGED = 4;
const FILTER = `udp port ${PORT} or vlan`;

/** Starts `pktkit capture` in nsA; resolves once it listens. */
async function startCli(
  net: NetPair,
  args: string[],
): Promise<{ child: ChildProcess; stderr: () => string; closed: Promise<number | null> }> {
  const [cmd, ...rest] = cliCommand(['capture', '-i', net.ifA, ...args, FILTER]);
  const child = net.spawn(net.nsA, cmd!, rest, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  for (let i = 0; i < 400 && !/listening on/.test(err); i++) await sleep(50);
  assert.match(err, /listening on/);
  return { child, stderr: () => err, closed };
}

test(
  'capture -w writes the packets tcpdump -w writes, byte for byte; -c N ends after N',
  { skip: !canCreateNamespaces() && 'needs root (network namespaces)' },
  async (t) => {
    const net = await createNetPair({ t, prefix: 'wnat', ipv6: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-wnat-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const theirs = path.join(dir, 'tcpdump.pcap');
    const ours = path.join(dir, 'pktkit.pcap');
    const firstN = path.join(dir, 'first.pcap');

    const tcpdump = await startTcpdump({
      ns: net.nsA,
      iface: net.ifA,
      file: theirs,
      filter: FILTER,
      extraArgs: ['-B', '16384'],
    });
    const all = await startCli(net, ['-w', ours]);
    const first = await startCli(net, ['-c', '1000', '-w', firstN]);

    const tagged = await runNodeInNs(net.nsB, 'test/capture/scripts/send-tagged.ts', [
      JSON.stringify({ iface: net.ifB, dstMac: net.macA, src: net.ipB, dst: net.ipA, vlan: 100, count: TAGGED }),
    ]);
    assert.equal(tagged.code, 0, tagged.stderr);
    // Datagrams of 0..1400 bytes, in bursts of 50 with a pause between: bounded in count and time.
    await net.execOk(net.nsB, process.execPath, [
      '-e',
      `const u = require('dgram').createSocket('udp4'); let n = 0;
     const next = () => {
       if (n >= ${DATAGRAMS}) return u.close();
       const id = n++;
       const body = Buffer.alloc((id * 389) % 1401, id & 0xff);
       u.send(body, ${PORT}, '${net.ipA}', () => (id % 50 === 49 ? setTimeout(next, 2) : next()));
     };
     next();`,
    ]);

    const ref = await tcpdump.stop({ packets: DATAGRAMS + TAGGED, timeoutMs: 20_000 });
    assert.equal(ref.droppedByKernel, 0, 'tcpdump dropped nothing');
    await sleep(300);
    all.child.kill('SIGINT');
    assert.equal(await all.closed, 0, all.stderr());
    assert.equal(await first.closed, 0, first.stderr());
    assert.match(all.stderr(), /0 packets dropped by kernel/);

    const a = readPcap(theirs);
    const b = readPcap(ours);
    assert.equal(a.records.length, DATAGRAMS + TAGGED);
    assert.equal(b.records.length, a.records.length, 'as many packets as tcpdump');
    assert.deepEqual(b.header, a.header, 'the same file header (magic, version, snap length, link type)');
    const differ = b.records.findIndex((r, i) => {
      const o = a.records[i]!;
      return r.capLen !== o.capLen || r.wireLen !== o.wireLen || !r.data.equals(o.data);
    });
    assert.equal(differ, -1, `record ${differ} differs from tcpdump's`);
    const tagBack = b.records.filter((r) => r.data.readUInt16BE(12) === 0x8100).length;
    assert.equal(tagBack, TAGGED, 'the VLAN tags veth took out are back in the file');
    // The addon writes on its own (Capture.writeThrough): its count is the file's.
    assert.match(all.stderr(), new RegExp(`^${b.records.length} packets captured$`, 'm'));
    // Stamps: from the kernel, in order, within a second's microseconds.
    b.records.forEach((r, i) => {
      assert.ok(r.tsFrac < 1_000_000);
      if (i > 0) {
        const p = b.records[i - 1]!;
        assert.ok(r.tsSec > p.tsSec || (r.tsSec === p.tsSec && r.tsFrac >= p.tsFrac), `record ${i} goes back in time`);
      }
    });
    const tshark = await tsharkFields(ours, ['frame.len', 'udp.length', 'vlan.id']);
    assert.equal(tshark.length, b.records.length, 'tshark reads every packet');
    assert.equal(tshark.filter((r) => r['vlan.id'] === '100').length, TAGGED);

    // -c 1000: exactly the first thousand, the same bytes.
    const c = readPcap(firstN);
    assert.equal(c.records.length, 1000);
    assert.ok(
      c.records.every((r, i) => r.data.equals(a.records[i]!.data)),
      '-c keeps the first packets',
    );
    assert.match(first.stderr(), /^1000 packets captured$/m);
  },
);

test(
  'capture -w on an interface that goes down: what came before is in the file, then one line and exit 1',
  { skip: !canCreateNamespaces() && 'needs root (network namespaces)' },
  async (t) => {
    // The addon writes between wake-ups without JS (Capture.writeThrough): the socket's error has
    // to reach JS through the poll, end the capture, and be said once, as for a batch loop.
    const net = await createNetPair({ t, prefix: 'wdown', ipv6: false });
    const dir = makeTempDir('wdown');
    t.after(dir.remove);
    const file = dir.file('down.pcap');
    const cli = await startCli(net, ['-w', file]);
    await net.execOk(net.nsB, process.execPath, [
      '-e',
      `const u = require('dgram').createSocket('udp4'); let n = 0;
     const next = () => (n++ < 20 ? u.send(Buffer.alloc(100), ${PORT}, '${net.ipA}', next) : u.close());
     next();`,
    ]);
    await sleep(500); // the ring's block timeout (100 ms) hands the datagrams over
    await net.execOk(net.nsA, 'ip', ['link', 'set', net.ifA, 'down']);
    const code = await Promise.race([cli.closed, sleep(20_000).then(() => 'timeout' as const)]);
    assert.equal(code, 1, cli.stderr());
    const lines = cli
      .stderr()
      .split('\n')
      .filter((l) => l !== '' && !/listening on/.test(l));
    assert.deepEqual(lines, ['pktkit: capture stopped: The interface went down'], cli.stderr());
    assert.equal(readPcap(file).records.length, 20, 'the datagrams sent before it went down');
  },
);
