import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FlowTable, type FlowOptions, type FlowRecord } from '../../lib/flow/table';
import { communityId } from '../../lib/flow/community-id';
import { openFile } from '../../lib/capture';
import { openWriter } from '../../lib/pcap-writer';
import { Ether, ICMP, IP, IPv6, Raw, UDP } from '../../lib/layers';
import { assertSameAsTshark, tsharkConversations } from '../helpers/flows';
import { withTempDir } from '../helpers/loopback';
import { craftFrames } from '../cli/craft-tcp';

const PCAP = path.join(__dirname, '../fixtures/pcap');

async function flowsOf(file: string, options: FlowOptions = {}): Promise<{ flows: FlowRecord[]; table: FlowTable }> {
  const flows: FlowRecord[] = [];
  const table = new FlowTable((f) => flows.push(f), options);
  for await (const p of openFile(file)) table.add(p);
  table.flush();
  return { flows, table };
}

test('http-lo.pcap: three TCP flows, each a handshake closed by FIN, packets and bytes each way equal tshark -z conv,tcp', async () => {
  const file = path.join(PCAP, 'http-lo.pcap');
  const { flows, table } = await flowsOf(file);
  assertSameAsTshark(flows, await tsharkConversations(file, 'tcp'), 6);
  assert.equal(flows.length, 3);
  for (const f of flows) {
    assert.equal(f.open, 'handshake');
    assert.equal(f.close, 'fin');
    assert.equal(f.dport, 8080, 'the initiator (SYN sender) is the source');
    assert.equal(f.tcpFlagsToDst & 0x13, 0x13, 'client sent SYN, ACK, FIN');
    assert.equal(f.tcpFlagsToSrc & 0x13, 0x13, 'server sent SYN, ACK, FIN');
    assert.equal(f.retransToDst + f.retransToSrc, 0);
    assert.equal(f.communityId, communityId({ src: f.src, dst: f.dst, proto: 6, sport: f.sport, dport: f.dport }));
    assert.ok(f.lastNs > f.firstNs);
  }
  assert.deepEqual(table.stats(), { packets: 30, nonIp: 0, active: 0, exported: 3, evicted: 0 });
});

test('veth-mixed.pcap: TCP and UDP flows (IPv4 and IPv6) equal tshark -z conv,tcp and conv,udp; ICMP echo pairs are one flow', async () => {
  const file = path.join(PCAP, 'veth-mixed.pcap');
  const { flows, table } = await flowsOf(file);
  assertSameAsTshark(flows, await tsharkConversations(file, 'tcp'), 6);
  assertSameAsTshark(flows, await tsharkConversations(file, 'udp'), 17);
  // Echo request and reply share a flow, both ways counted.
  const echo = flows.filter((f) => f.proto === 1 && f.icmpType === 8);
  assert.ok(echo.length >= 1);
  for (const f of echo)
    assert.ok(
      f.packetsToDst >= 1 && f.packetsToSrc >= 1,
      JSON.stringify(f, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
  const echo6 = flows.filter((f) => f.proto === 58 && f.icmpType === 128);
  assert.ok(echo6.length >= 1 && echo6.every((f) => f.packetsToSrc >= 1 && f.ipVersion === 6));
  // Port unreachable errors are one-way flows of their own.
  assert.ok(flows.some((f) => f.proto === 1 && f.icmpType === 3 && f.packetsToSrc === 0));
  const st = table.stats();
  assert.ok(st.nonIp >= 2, 'ARP is no flow');
  const counted = flows.reduce((n, f) => n + f.packetsToDst + f.packetsToSrc, 0);
  assert.equal(counted + st.nonIp, st.packets, 'every IP packet is in exactly one flow');
});

/** Writes frames with the given times (seconds, fractional) and reads them back through openFile. */
async function flowsOfFrames(
  frames: ReadonlyArray<{ bytes: Uint8Array; t: number }>,
  options: FlowOptions = {},
): Promise<{ flows: FlowRecord[]; table: FlowTable }> {
  return withTempDir(async (dir) => {
    const file = dir.file('crafted.pcap');
    const w = openWriter(file, { linkType: 1, precision: 'nano' });
    for (const f of frames)
      w.write(f.bytes, { tsSec: 1_700_000_000 + Math.floor(f.t), tsNsec: Math.round((f.t % 1) * 1e9) });
    await w.close();
    return flowsOf(file, options);
  }, 'flow');
}

const eth = (): ReturnType<typeof Ether> => Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' });
const udp = (sport: number, dport = 53, src = '198.18.1.1', dst = '198.18.1.2'): Uint8Array =>
  eth()
    .div(IP({ src, dst }))
    .div(UDP({ sport, dport }))
    .div(Raw({ load: 'abcd' }))
    .toBytes();

test('TCP: a resent segment counts as a retransmission in its direction; RST ends the flow', async () => {
  const frames = craftFrames(false, [
    { from: 'c', flags: 'S', off: -1 },
    { from: 's', flags: 'SA', off: -1 },
    { from: 'c', flags: 'A', off: 0 },
    { from: 'c', flags: 'PA', off: 0, data: 'hello' },
    { from: 'c', flags: 'PA', off: 0, data: 'hello' },
    { from: 'c', flags: 'PA', off: 5, data: 'world' },
    { from: 's', flags: 'PA', off: 0, data: 'ok' },
    { from: 's', flags: 'PA', off: 0, data: 'ok' },
    { from: 's', flags: 'PA', off: 0, data: 'ok' },
    { from: 'c', flags: 'R', off: 10 },
  ]);
  const { flows } = await flowsOfFrames(frames.map((bytes, i) => ({ bytes, t: i * 0.001 })));
  assert.equal(flows.length, 1);
  const f = flows[0]!;
  assert.deepEqual([f.open, f.close, f.retransToDst, f.retransToSrc], ['handshake', 'rst', 1, 2]);
  assert.deepEqual([f.packetsToDst, f.packetsToSrc], [6, 4]);
  assert.equal(f.tcpFlagsToDst, 0x02 | 0x10 | 0x08 | 0x04);
  assert.equal(f.tcpFlagsToSrc, 0x02 | 0x10 | 0x08);
});

test('TCP over IPv6 that starts mid-stream (first packet a SYN-ACK): the SYN-ACK receiver is the initiator', async () => {
  const frames = craftFrames(true, [
    { from: 's', flags: 'SA', off: -1 },
    { from: 'c', flags: 'A', off: 0 },
    { from: 'c', flags: 'FA', off: 0 },
    { from: 's', flags: 'FA', off: 0 },
    { from: 'c', flags: 'A', off: 1 },
  ]);
  const { flows } = await flowsOfFrames(frames.map((bytes, i) => ({ bytes, t: i })));
  assert.equal(flows.length, 1);
  const f = flows[0]!;
  assert.deepEqual(
    [f.src, f.sport, f.dst, f.dport, f.ipVersion, f.open, f.close],
    ['fd00:0:0:99::1', 40001, 'fd00:0:0:99::2', 8080, 6, 'midstream', 'fin'],
  );
  assert.deepEqual(f.srcWords, [0xfd000000, 0x99, 0, 1]); // fd00:0:0:99::1
});

test('idle timeout: a flow quiet for longer than idleTimeout is exported and a later packet starts a new one', async () => {
  const { flows } = await flowsOfFrames(
    [
      { bytes: udp(1000), t: 0 },
      { bytes: udp(1000), t: 1 },
      { bytes: udp(2000), t: 5 },
      { bytes: udp(1000), t: 12 }, // 11 s after the last packet of flow 1000: idle
    ],
    { idleTimeout: 10 },
  );
  assert.deepEqual(
    flows.map((f) => [f.sport, f.packetsToDst, f.close, f.open]),
    [
      [1000, 2, 'idle-timeout', 'packet'],
      [2000, 1, 'end', 'packet'],
      [1000, 1, 'end', 'packet'],
    ],
  );
  assert.equal(flows[0]!.lastNs - flows[0]!.firstNs, 1_000_000_000n);
});

test('active timeout: a long flow is exported every activeTimeout seconds and continues in the next record', async () => {
  const frames = Array.from({ length: 10 }, (_, i) => ({ bytes: udp(3000), t: i }));
  const { flows } = await flowsOfFrames(frames, { activeTimeout: 4, idleTimeout: 100 });
  assert.deepEqual(
    flows.map((f) => [f.packetsToDst, f.open, f.close]),
    [
      [4, 'packet', 'active-timeout'],
      [4, 'continued', 'active-timeout'],
      [2, 'continued', 'end'],
    ],
  );
  assert.equal(new Set(flows.map((f) => f.communityId)).size, 1);
});

test('maxFlows bounds the table: the least recently used flow is evicted and counted', async () => {
  const frames = [1, 2, 3, 1, 4, 5].map((n, i) => ({ bytes: udp(4000 + n), t: i }));
  const { flows, table } = await flowsOfFrames(frames, { maxFlows: 2 });
  // 1,2 fill it; 3 evicts 1 (least recently used), 1 again evicts 2, 4 evicts 3, 5 evicts 1.
  assert.deepEqual(
    flows.map((f) => [f.sport - 4000, f.close]),
    [
      [1, 'evicted'],
      [2, 'evicted'],
      [3, 'evicted'],
      [1, 'evicted'],
      [4, 'end'],
      [5, 'end'],
    ],
  );
  assert.deepEqual(table.stats(), { packets: 6, nonIp: 0, active: 0, exported: 6, evicted: 4 });
});

test('ICMP echo to and from the same address (loopback ping) is one flow with both directions', async () => {
  const ping = (type: number): Uint8Array =>
    eth()
      .div(IP({ src: '127.0.0.1', dst: '127.0.0.1' }))
      .div(ICMP({ type, id: 77, seq: 1 }))
      .toBytes();
  const { flows } = await flowsOfFrames([
    { bytes: ping(8), t: 0 },
    { bytes: ping(0), t: 0.001 },
  ]);
  assert.equal(flows.length, 1);
  assert.deepEqual(
    [flows[0]!.packetsToDst, flows[0]!.packetsToSrc, flows[0]!.icmpId, flows[0]!.icmpType],
    [1, 1, 77, 8],
  );
  assert.equal(
    flows[0]!.communityId,
    communityId({ src: '127.0.0.1', dst: '127.0.0.1', proto: 1, sport: 8, dport: 0 }),
  );
});

test('IPv6 UDP both ways is one flow; a hash collision of a different tuple is not merged', async () => {
  const u6 = (src: string, dst: string, sport: number, dport: number): Uint8Array =>
    eth().div(IPv6({ src, dst })).div(UDP({ sport, dport })).toBytes();
  const { flows } = await flowsOfFrames([
    { bytes: u6('fd00::1', 'fd00::2', 5000, 53), t: 0 },
    { bytes: u6('fd00::2', 'fd00::1', 53, 5000), t: 0.1 },
    // Swapping ports between the ends keeps the symmetric part of the hash: it must still be another flow.
    { bytes: u6('fd00::1', 'fd00::2', 53, 5000), t: 0.2 },
  ]);
  assert.deepEqual(
    flows.map((f) => [f.src, f.sport, f.dst, f.dport, f.packetsToDst, f.packetsToSrc]),
    [
      ['fd00::1', 5000, 'fd00::2', 53, 1, 1],
      ['fd00::1', 53, 'fd00::2', 5000, 1, 0],
    ],
  );
});

test('FlowTable arguments: TypeErrors that say what was expected and what came', () => {
  assert.throws(() => new FlowTable(undefined as never), {
    name: 'TypeError',
    message: 'Expected a function for onFlow but received undefined of type undefined',
  });
  assert.throws(
    () => new FlowTable(() => undefined, { idleTimeout: -1 }),
    /Expected a number 0.001..31536000 for idleTimeout but received -1/,
  );
  assert.throws(
    () => new FlowTable(() => undefined, { maxFlows: 1.5 }),
    /Expected an integer 1..67108864 for maxFlows but received 1.5/,
  );
  assert.throws(
    () => new FlowTable(() => undefined, { seed: 'x' as never }),
    /for seed but received 'x' of type string/,
  );
});
