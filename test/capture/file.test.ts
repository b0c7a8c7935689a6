/**
 * openFile on files tcpdump wrote (pcap, micro and nano) and editcap converted
 * (pcapng): every packet reads back equal, field by field, to tshark's reading.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileError, openFile, type FileOptions, type Packet } from '../../lib/index';
import { makeTempDir } from '../helpers/loopback';
import { editcapToPcapng, tsharkFields } from '../helpers/tshark';
import { pktkitKey, tsharkKeys } from './compare';
import { captureLoopbackTraffic, type LoopbackTraffic } from './loopback-traffic';
import { packetJson } from './scripts/packet-json';

async function readAll(
  file: string,
  filter?: string,
  access?: FileOptions['access'],
): Promise<Array<ReturnType<typeof packetJson>>> {
  const out = [];
  for await (const p of openFile(file, { filter, access })) out.push(packetJson(p));
  return out;
}

describe('openFile', () => {
  const dir = makeTempDir('file');
  const micro = path.join(dir.path, 'lo.pcap');
  const nano = path.join(dir.path, 'lo-nano.pcap');
  const pcapng = path.join(dir.path, 'lo.pcapng');
  let traffic: LoopbackTraffic;

  before(async () => {
    traffic = await captureLoopbackTraffic(micro);
    await captureLoopbackTraffic(nano, 'nano');
    await editcapToPcapng(micro, pcapng);
  });
  after(() => dir.remove());

  for (const [name, file] of [
    ['pcap (µs)', () => micro],
    ['pcap (ns)', () => nano],
    ['pcapng', () => pcapng],
  ] as const) {
    it(`reads a ${name} file as tshark does, packet by packet, mapped and read in chunks`, async () => {
      const expected = await tsharkKeys(file());
      assert.ok(expected.length >= 20, `the capture holds the traffic (${expected.length} packets)`);
      for (const access of ['auto', 'map', 'read'] as const) {
        const got = (await readAll(file(), undefined, access)).map(pktkitKey);
        assert.deepEqual(got, expected, `access: ${access}`);
      }
    });

    it(`gives ${name} timestamps to the precision of the file`, async () => {
      const rows = await tsharkFields(file(), ['frame.time_epoch']);
      const got = await readAll(file());
      assert.equal(got.length, rows.length);
      rows.forEach((r, i) => {
        const [sec, frac] = r['frame.time_epoch'].split('.');
        assert.equal(String(got[i].tsSec), sec);
        assert.equal(String(got[i].tsNsec).padStart(9, '0'), frac.padEnd(9, '0'), `packet ${i + 1}`);
      });
      if (file() === nano)
        assert.ok(
          got.some((p) => (p.tsNsec as number) % 1000 !== 0),
          'nanosecond digits survive',
        );
    });
  }

  it('delivers the payload bytes the programs exchanged', async () => {
    const got = await readAll(micro);
    const tcpPayloads = got
      .filter((p) => p.tcpSport === traffic.tcpPort || p.tcpDport === traffic.tcpPort)
      .map((p) => Buffer.from(p.payload as string, 'hex').toString())
      .filter((s) => s !== '');
    assert.deepEqual(tcpPayloads, [traffic.request, traffic.response]);
    const datagrams = got
      .filter((p) => p.udpDport === traffic.udpPort)
      .map((p) => Buffer.from(p.payload as string, 'hex').toString());
    assert.deepEqual(datagrams, ['datagram-0', 'datagram-1', 'datagram-2', 'datagram-3', 'datagram-4']);
  });

  it('marks the port-unreachable error as quoting the datagram', async () => {
    for await (const p of openFile(micro, { filter: 'icmp[icmptype] == icmp-unreach' })) {
      assert.equal(p.icmp?.type, 3);
      assert.equal(p.icmp?.code, 3);
      const quoted = p.icmp?.quoteOff;
      assert.ok(quoted !== undefined, 'the error quotes a packet');
      const data = p.data;
      assert.equal(data[quoted] >> 4, 4, 'an IPv4 header is quoted');
      assert.equal((data[quoted + 22] << 8) | data[quoted + 23], traffic.closedUdpPort);
      return;
    }
    assert.fail('no ICMP port unreachable was captured');
  });

  it('applies a BPF filter exactly as tshark reads the same expression', async () => {
    const expected = await tsharkKeys(micro, `udp.port == ${traffic.udpPort}`);
    const got = (await readAll(micro, `udp port ${traffic.udpPort}`)).map(pktkitKey);
    assert.equal(got.length, 5);
    assert.deepEqual(got, expected);
  });

  it('batches() yields the same packets as for-await, with no packet lost at batch edges', async () => {
    const perPacket = (await readAll(pcapng)).map(pktkitKey);
    const batched: string[] = [];
    let batches = 0;
    // A tiny ring forces many batches and wraps.
    for await (const batch of openFile(pcapng, { ringSize: 1 << 16 }).batches()) {
      batches++;
      for (const p of batch) batched.push(pktkitKey(packetJson(p)));
    }
    assert.deepEqual(batched, perPacket);
    assert.ok(batches >= 1);
  });

  it("reads standard input when the path is '-', as tcpdump -r -", async () => {
    const expected = await tsharkKeys(pcapng);
    const index = JSON.stringify(path.resolve(__dirname, '../../lib/index.ts'));
    const script = `const { openFile } = require(${index});
      (async () => { const keys = []; for await (const p of openFile('-')) keys.push([p.length, p.tcp?.seq ?? p.icmp?.seq ?? null]);
        console.log(JSON.stringify(keys)); })();`;
    const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], {
      input: fs.readFileSync(pcapng),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Array<[number, number | null]>;
    assert.equal(got.length, expected.length);
    assert.deepEqual(
      got.map(([len]) => `len=${len}`),
      expected.map((k) => k.split(' ')[0]),
    );
  });

  it('gives IPv4 and IPv6 addresses as numbers that say what their text says', async () => {
    let v4 = 0;
    let v6 = 0;
    for await (const p of openFile(micro)) {
      if (p.ip) {
        v4++;
        assert.equal([24, 16, 8, 0].map((s) => (p.ip!.srcInt >>> s) & 255).join('.'), p.ip.src);
      }
      if (p.ipv6) {
        v6++;
        const hex = [0, 1, 2, 3].map((i) => p.ipv6!.dstWord(i).toString(16).padStart(8, '0')).join('');
        assert.equal(hex, Buffer.from(p.data.subarray(p.l3Off! + 24, p.l3Off! + 40)).toString('hex'));
        assert.equal(p.ipv6.srcWord(3), 1, '::1');
      }
    }
    assert.ok(v4 > 0 && v6 > 0);
  });

  it('copy() detaches a packet from the ring', async () => {
    const kept: Packet[] = [];
    const seen: string[] = [];
    for await (const p of openFile(micro)) {
      kept.push(p.copy());
      seen.push(pktkitKey(packetJson(p)));
    }
    assert.deepEqual(
      kept.map((p) => pktkitKey(packetJson(p))),
      seen,
    );
  });

  it('stats count every packet of the file as delivered', async () => {
    const cap = openFile(micro);
    let n = 0;
    for await (const _ of cap) n++;
    const stats = cap.stats();
    assert.equal(stats.received, n);
    assert.equal(stats.delivered, n);
    assert.equal(stats.droppedByRing, 0);
  });

  it('yields every whole packet of a file cut inside a record, then a FileError', async () => {
    const whole = await readAll(micro);
    const bytes = fs.readFileSync(micro);
    const cut = path.join(dir.path, 'cut.pcap');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
    for (const access of ['map', 'read'] as const) {
      const got: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const p of openFile(cut, { access })) got.push(pktkitKey(packetJson(p)));
        })(),
        (err: unknown) => err instanceof FileError && err.code === 'ETRUNCATED' && /truncated/.test(err.message),
      );
      assert.deepEqual(got, whole.slice(0, -1).map(pktkitKey), `access: ${access}`);
    }
  });
});
