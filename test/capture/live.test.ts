/**
 * openLive on a veth between two namespaces of the test's own, beside tcpdump
 * on the same interface, while real programs talk: ping, ping -6, a Node TCP
 * server and client, UDP datagrams. Also the filter, `any` (SLL2) and direction.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../helpers/loopback';
import { createNetPair, type NetPair } from '../helpers/netns';
import { startNodeInNs, type NodeInNs } from '../helpers/node-in-ns';
import { startTcpdump } from '../helpers/tcpdump';
import { pktkitKey, sorted, tsharkKeys } from './compare';

type Json = Record<string, string | number | boolean>;
const SCRIPT = 'test/capture/scripts/live-capture.ts';
const TCP_PORT = 8080;
const UDP_PORT = 5353;
const REQUEST = 'hello pktkit\r\n';

/** Starts the capture script in `ns` and waits until the handle is active. */
async function startCapture(ns: string, device: string, options: object = {}): Promise<NodeInNs> {
  const child = startNodeInNs(ns, SCRIPT, [JSON.stringify({ device, options: { immediate: true, ...options } })]);
  const first = await child.waitFor<{ ready?: boolean; error?: unknown }>(
    (m) => 'ready' in (m as object) || 'error' in (m as object),
  );
  assert.ok(first.ready, `capture opened: ${JSON.stringify(first)}`);
  return child;
}

/** Stops the capture script once it has reported `atLeast` packets (or 5 s), returns packets and stats. */
async function stopCapture(child: NodeInNs, atLeast = 0): Promise<{ packets: Json[]; stats: Json }> {
  const deadline = Date.now() + 5000;
  const packets = () => child.messages.filter((m) => 'packet' in (m as object));
  while (packets().length < atLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  child.send({ cmd: 'stop' });
  const end = await child.waitFor<{ stats: Json; iterated: number }>((m) => 'iterated' in (m as object));
  await child.done;
  return { packets: packets().map((m) => (m as { packet: Json }).packet), stats: end.stats };
}

/** Real traffic from nsA to nsB: 3 pings, 3 pings over IPv6, one TCP exchange, 4 UDP datagrams. */
async function makeTraffic(net: NetPair): Promise<void> {
  const server = net.spawn(net.nsB, process.execPath, [
    '-e',
    `require('net').createServer((s) => s.on('data', (d) => s.end('echo:' + d))).listen(${TCP_PORT}, '${net.ipB}', () => console.log('up'))`,
  ]);
  await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));
  await net.execOk(net.nsA, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', net.ipB]);
  await net.execOk(net.nsA, 'ping', ['-6', '-c', '3', '-i', '0.2', '-W', '2', net.ip6B]);
  const client = await net.execOk(net.nsA, process.execPath, [
    '-e',
    `const s = require('net').connect(${TCP_PORT}, '${net.ipB}', () => s.write(${JSON.stringify(REQUEST)}));
     let got = ''; s.on('data', (d) => (got += d)); s.on('end', () => { s.end(); process.stdout.write(got); });`,
  ]);
  assert.equal(client.stdout, `echo:${REQUEST}`);
  await net.execOk(net.nsA, process.execPath, [
    '-e',
    `const u = require('dgram').createSocket('udp4'); let n = 0;
     const next = () => n < 4 ? u.send('dgram-' + n++, ${UDP_PORT}, '${net.ipB}', next) : u.close(); next();`,
  ]);
}

const OURS = `icmp or icmpv6.type == 128 or icmpv6.type == 129 or tcp.port == ${TCP_PORT} or udp.port == ${UDP_PORT}`;
function isOurs(p: Json): boolean {
  return (
    (p.icmpType !== undefined && (p.ipSrc !== undefined || p.icmpType === 128 || p.icmpType === 129)) ||
    p.tcpSport === TCP_PORT ||
    p.tcpDport === TCP_PORT ||
    p.udpDport === UDP_PORT ||
    p.udpSport === UDP_PORT
  );
}

describe('openLive between two namespaces', () => {
  it('captures every packet with the fields tcpdump and tshark see', async (t) => {
    const net = await createNetPair({ prefix: 'live', t });
    const dir = makeTempDir('live');
    t.after(() => dir.remove());
    const file = path.join(dir.path, 'ref.pcap');
    const tcpdump = await startTcpdump({ ns: net.nsA, iface: net.ifA, file });
    const capture = await startCapture(net.nsA, net.ifA);

    await makeTraffic(net);

    await tcpdump.stop({ settleMs: 300 });
    const expected = await tsharkKeys(file, OURS);
    const { packets, stats } = await stopCapture(capture, expected.length);
    const got = packets.filter(isOurs);

    // 3+3 ICMP echo each way, TCP handshake + data + teardown, 4 datagrams
    assert.ok(expected.length >= 12 + 4 + 7, `tcpdump saw the traffic (${expected.length})`);
    assert.deepEqual(sorted(got.map(pktkitKey)), sorted(expected));
    const request = got.find((p) => p.tcpDport === TCP_PORT && p.payload !== '');
    assert.equal(Buffer.from(request!.payload as string, 'hex').toString(), REQUEST);
    assert.equal(request!.ethSrc, net.macA);
    assert.equal(request!.ethDst, net.macB);
    const datagrams = got
      .filter((p) => p.udpDport === UDP_PORT)
      .map((p) => Buffer.from(p.payload as string, 'hex').toString());
    assert.deepEqual(datagrams, ['dgram-0', 'dgram-1', 'dgram-2', 'dgram-3']);
    assert.equal(stats.received, stats.delivered);
    assert.equal(stats.droppedByRing, 0);
  });

  it('applies the BPF filter in the kernel', async (t) => {
    const net = await createNetPair({ prefix: 'filt', t });
    const capture = await startCapture(net.nsA, net.ifA, { filter: `udp port ${UDP_PORT}` });
    await makeTraffic(net);
    const { packets } = await stopCapture(capture, 4);
    assert.equal(packets.length, 4, JSON.stringify(packets.map(pktkitKey)));
    assert.ok(packets.every((p) => p.udpDport === UDP_PORT));
  });

  it("captures on 'any' with Linux cooked headers (SLL2)", async (t) => {
    const net = await createNetPair({ prefix: 'any', t });
    const capture = await startCapture(net.nsA, 'any', { filter: `tcp port ${TCP_PORT} or udp port ${UDP_PORT}` });
    const ready = capture.messages[0] as { linkTypeName: string };
    assert.equal(ready.linkTypeName, 'LINUX_SLL2');
    await makeTraffic(net);
    const { packets } = await stopCapture(capture, 11);
    const datagrams = packets.filter((p) => p.udpDport === UDP_PORT);
    assert.equal(datagrams.length, 4);
    assert.ok(
      datagrams.every((p) => p.pktType === 4),
      'sent datagrams are marked outgoing',
    );
    assert.ok(
      packets.some((p) => p.tcpSport === TCP_PORT && p.pktType === 0),
      'replies are marked to-us',
    );
  });

  for (const direction of ['in', 'out'] as const) {
    it(`captures only ${direction === 'in' ? 'received' : 'sent'} packets with direction '${direction}'`, async (t) => {
      const net = await createNetPair({ prefix: `dir${direction}`, t });
      const capture = await startCapture(net.nsA, net.ifA, {
        direction,
        filter: `udp port ${UDP_PORT} or tcp port ${TCP_PORT}`,
      });
      await makeTraffic(net);
      const { packets } = await stopCapture(capture, 5);
      assert.ok(packets.length >= 5);
      const fromA = (p: Json) => p.ipSrc === net.ipA;
      assert.ok(
        direction === 'out' ? packets.every(fromA) : packets.every((p) => !fromA(p)),
        JSON.stringify(packets.map(pktkitKey)),
      );
    });
  }
});
