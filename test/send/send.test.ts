/**
 * send, sendp and sendpfast from nsA, counted by tcpdump in nsB: the other end
 * receives exactly what the call says it sent, pacing holds, and the JS thread
 * keeps running while the worker sends.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';
import { tcpdumpRead, tsharkFields } from '../helpers/tshark';
import { startTcpdump } from '../helpers/tcpdump';

interface SendReport {
  result?: { sent: number; bytes: number; seconds: number; pps?: number; mbps?: number };
  ticks?: number;
  error?: { message: string };
}

describe('send, sendp, sendpfast deliver what they report', () => {
  let net: NetPair;
  let dir: TempDir;
  let run = 0;
  before(async () => {
    net = await createNetPair({ prefix: 'send', ipv6: false });
    dir = makeTempDir('send');
  });
  after(async () => {
    await net?.destroy();
    dir?.remove();
  });

  /** Sends from nsA with `args`, captures on ifB what arrives at `port`; returns the report and tcpdump's payload lines. */
  async function sendAndCount(
    args: Record<string, unknown>,
    expected: number,
  ): Promise<{ report: SendReport; payloads: string[] }> {
    const port = 7000 + run++;
    const file = path.join(dir.path, `recv-${port}.pcap`);
    const dump = await startTcpdump({
      ns: net.nsB,
      iface: net.ifB,
      file,
      filter: `udp dst port ${port}`,
      snaplen: 128,
      extraArgs: ['-B', '16384'],
    });
    const r = await runNodeInNs(
      net.nsA,
      'test/send/scripts/send-count.ts',
      [JSON.stringify({ iface: net.ifA, dstMac: net.macB, dst: net.ipB, port, ...args })],
      { timeoutMs: 20_000 },
    );
    const stopped = await dump.stop({ packets: expected, timeoutMs: 5000 });
    assert.equal(stopped.droppedByKernel, 0, 'tcpdump dropped nothing');
    const report = r.messages[0] as SendReport;
    assert.ok(report?.result, `sender: ${JSON.stringify(report)} ${r.stderr}`);
    const lines = await tcpdumpRead(file, ['-A', '-q']);
    const payloads = lines.map((l) => /frame-\d+/.exec(l)?.[0]).filter((x): x is string => x !== undefined);
    return { report, payloads };
  }

  it('sendpfast: 3000 frames as fast as possible, every one received, each of the 10 frames 300 times', async () => {
    const { report, payloads } = await sendAndCount({ fn: 'sendpfast', count: 3000, distinct: 10 }, 3000);
    assert.equal(report.result!.sent, 3000);
    assert.equal(payloads.length, 3000);
    const perFrame = new Map<string, number>();
    for (const p of payloads) perFrame.set(p, (perFrame.get(p) ?? 0) + 1);
    assert.deepEqual([...perFrame.values()], Array(10).fill(300));
    // Ether 14 + IP 20 + UDP 8 + 'frame-N' 7 bytes.
    assert.equal(report.result!.bytes, 3000 * 49);
    assert.ok(report.result!.pps! > 0 && report.result!.mbps! > 0);
  });

  it('sendpfast of frames given as bytes: sent as they are', async () => {
    const { report, payloads } = await sendAndCount({ fn: 'sendpfast-bytes', count: 500, distinct: 5 }, 500);
    assert.equal(report.result!.sent, 500);
    assert.equal(payloads.length, 500);
  });

  it('sendpfast with pps: paced, all delivered, and the JS thread keeps ticking meanwhile', async () => {
    const { report, payloads } = await sendAndCount({ fn: 'sendpfast', count: 400, distinct: 4, pps: 2000 }, 400);
    assert.equal(report.result!.sent, 400);
    assert.equal(payloads.length, 400);
    // 400 frames at 2000/s: the last one leaves 199.5 ms after the first.
    assert.ok(report.result!.seconds >= 0.19 && report.result!.seconds < 1.5, `took ${report.result!.seconds} s`);
    assert.ok(report.result!.pps! < 2200, `rate ${report.result!.pps}`);
    assert.ok(report.ticks! >= 15, `timer ticks while sending: ${report.ticks}`);
  });

  it('sendpfast with mbps: the byte clock paces the frames', async () => {
    // 200 frames of 49 bytes = 78 400 bits at 0.5 Mbit/s: about 157 ms.
    const { report, payloads } = await sendAndCount({ fn: 'sendpfast', count: 200, distinct: 2, mbps: 0.5 }, 200);
    assert.equal(payloads.length, 200);
    assert.ok(report.result!.seconds >= 0.14 && report.result!.seconds < 1.5, `took ${report.result!.seconds} s`);
  });

  it('send (layer 3, routed by the kernel) with count and inter', async () => {
    const { report, payloads } = await sendAndCount({ fn: 'send', count: 6, distinct: 2, inter: 20 }, 6);
    assert.equal(report.result!.sent, 6);
    assert.deepEqual(payloads, ['frame-0', 'frame-1', 'frame-0', 'frame-1', 'frame-0', 'frame-1']);
    assert.ok(report.result!.seconds >= 0.09, `inter 20 ms between 6 packets: ${report.result!.seconds} s`);
  });

  it('send keeps the IPv4 and IPv6 headers as built (tshark reads them on the other end)', async () => {
    const v6 = await createNetPair({ prefix: 'hdr', ipv6: true });
    try {
      const port = 7999;
      const file = path.join(dir.path, 'headers.pcap');
      const dump = await startTcpdump({ ns: v6.nsB, iface: v6.ifB, file, filter: `udp dst port ${port}` });
      const r = await runNodeInNs(v6.nsA, 'test/send/scripts/send-headers.ts', [v6.ipB, v6.ip6B, String(port)]);
      await dump.stop({ packets: 2 });
      const sent = r.messages[0] as { r4: { sent: number; bytes: number }; r6: { sent: number; bytes: number } };
      // IPv4 20 + UDP 8 + 2; IPv6 40 + UDP 8 + 2.
      assert.deepEqual(
        [sent.r4.sent, sent.r4.bytes, sent.r6.sent, sent.r6.bytes],
        [1, 30, 1, 50],
        JSON.stringify(r.messages) + r.stderr,
      );
      // udp.checksum.status 1: tshark verified the UDP checksum, computed over the source filled from the route.
      const rows = await tsharkFields(
        file,
        [
          'ip.src',
          'ip.dsfield',
          'ip.ttl',
          'ip.id',
          'ip.flags.df',
          'ipv6.src',
          'ipv6.tclass',
          'ipv6.flow',
          'ipv6.hlim',
          'udp.srcport',
          'udp.checksum.status',
        ],
        { extraArgs: ['-o', 'udp.check_checksum:TRUE'] },
      );
      assert.equal(rows.length, 2);
      assert.deepEqual(
        {
          src: rows[0]['ip.src'],
          tos: Number(rows[0]['ip.dsfield']),
          ttl: rows[0]['ip.ttl'],
          id: Number(rows[0]['ip.id']),
          df: rows[0]['ip.flags.df'],
          sport: rows[0]['udp.srcport'],
          ck: rows[0]['udp.checksum.status'],
        },
        { src: v6.ipA, tos: 0xb8, ttl: '7', id: 0xbeef, df: '1', sport: '31337', ck: '1' },
      );
      assert.deepEqual(
        {
          src: rows[1]['ipv6.src'],
          tc: Number(rows[1]['ipv6.tclass']),
          fl: Number(rows[1]['ipv6.flow']),
          hlim: rows[1]['ipv6.hlim'],
          sport: rows[1]['udp.srcport'],
          ck: rows[1]['udp.checksum.status'],
        },
        { src: v6.ip6A, tc: 0x2e, fl: 0x12345, hlim: '9', sport: '31338', ck: '1' },
      );
    } finally {
      await v6.destroy();
    }
  });

  it('sendp (layer 2 on the interface)', async () => {
    const { report, payloads } = await sendAndCount({ fn: 'sendp', count: 4, distinct: 4 }, 4);
    assert.equal(report.result!.sent, 4);
    assert.deepEqual(payloads, ['frame-0', 'frame-1', 'frame-2', 'frame-3']);
  });
});
