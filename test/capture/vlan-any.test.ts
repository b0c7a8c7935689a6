/**
 * What libpcap's Linux backend does to packets before tcpdump sees them,
 * pktkit's AF_PACKET engine does too, in place in the kernel's ring:
 * - a VLAN tag that the receiving kernel took out of the frame (it lives in
 *   the skb, as with a NIC's VLAN offload, and reaches the ring as
 *   tp_vlan_tci) is put back, so the record, summary() and a written file
 *   show it, byte for byte as `tcpdump -w` writes it;
 * - on `any`, an SLL2 header is built in front of each packet, byte for byte
 *   as tcpdump's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../helpers/loopback';
import { createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs, startNodeInNs, type NodeInNs } from '../helpers/node-in-ns';
import { readPcap } from '../helpers/pcap-file';
import { startTcpdump } from '../helpers/tcpdump';

const VLAN = 100;

/** Sends `count` tagged echo requests from nsB to nsA's veth. */
async function sendTagged(net: NetPair, count: number): Promise<void> {
  const r = await runNodeInNs(net.nsB, 'test/capture/scripts/send-tagged.ts', [
    JSON.stringify({ iface: net.ifB, dstMac: net.macA, src: net.ipB, dst: net.ipA, vlan: VLAN, count }),
  ]);
  assert.equal(r.code, 0, r.stderr);
}

async function startWriter(ns: string, device: string, file: string, filter: string): Promise<NodeInNs> {
  const child = startNodeInNs(ns, 'test/capture/scripts/write-capture.ts', [
    JSON.stringify({ device, file, options: { filter } }),
  ]);
  const first = await child.waitFor<{ ready?: boolean; engine?: string }>((m) => 'ready' in (m as object));
  assert.equal(first.engine, 'afpacket');
  return child;
}

async function stop(child: NodeInNs): Promise<Array<{ summary: string; vlan: number | null }>> {
  await new Promise((r) => setTimeout(r, 300));
  child.send({ cmd: 'stop' });
  await child.waitFor((m) => 'closed' in (m as object));
  return child.messages
    .filter((m) => 'packet' in (m as object))
    .map((m) => (m as { packet: { summary: string; vlan: number | null } }).packet);
}

const hex = (b: Buffer): string => b.toString('hex');

describe('VLAN tags and cooked headers, as tcpdump writes them', () => {
  it('puts back a VLAN tag that veth stripped: record, summary and written bytes', async (t) => {
    const net = await createNetPair({ prefix: 'vlan', ipv6: false, t });
    const dir = makeTempDir('vlan');
    t.after(() => dir.remove());
    const ours = path.join(dir.path, 'pktkit.pcap');
    const theirs = path.join(dir.path, 'tcpdump.pcap');
    // In userland for pktkit (the kernel sees the frame without its tag), in the kernel for the plain one.
    for (const filter of ['vlan and icmp', 'icmp']) {
      const tcpdump = await startTcpdump({ ns: net.nsA, iface: net.ifA, file: theirs, filter });
      const writer = await startWriter(net.nsA, net.ifA, ours, filter);
      await sendTagged(net, 4);
      await tcpdump.stop({ packets: 4 });
      const packets = await stop(writer);

      assert.equal(packets.length, 4, JSON.stringify(packets));
      assert.ok(
        packets.every((p) => p.vlan === VLAN),
        'the record holds the tag',
      );
      assert.ok(
        packets.every((p) => p.summary.startsWith('Ether / Dot1Q / IP / ICMP')),
        packets[0].summary,
      );
      const mine = readPcap(ours).records.map((r) => hex(r.data));
      const tcpdumps = readPcap(theirs).records.map((r) => hex(r.data));
      assert.equal(tcpdumps.length, 4);
      assert.deepEqual(mine, tcpdumps, `byte-identical to what tcpdump -w wrote (filter ${filter})`);
    }
  });

  it('on `any`, writes the SLL2 header tcpdump writes', async (t) => {
    const net = await createNetPair({ prefix: 'anyv', ipv6: false, t });
    const dir = makeTempDir('anyv');
    t.after(() => dir.remove());
    const ours = path.join(dir.path, 'pktkit.pcap');
    const theirs = path.join(dir.path, 'tcpdump.pcap');
    const filter = 'icmp';
    const tcpdump = await startTcpdump({ ns: net.nsA, iface: 'any', file: theirs, filter, linkType: 'LINUX_SLL2' });
    const writer = await startWriter(net.nsA, 'any', ours, filter);
    await net.execOk(net.nsA, 'ping', ['-c', '2', '-i', '0.2', '-W', '2', net.ipB]);
    await sendTagged(net, 3);
    // Two echo requests and their replies, and three tagged requests nobody answers.
    await tcpdump.stop({ packets: 7 });
    const packets = await stop(writer);

    const mine = readPcap(ours);
    const tcpdumps = readPcap(theirs);
    assert.equal(mine.header.linkType, 276);
    assert.equal(tcpdumps.records.length, 7);
    assert.equal(packets.length, 7);
    assert.deepEqual(mine.records.map((r) => hex(r.data)).sort(), tcpdumps.records.map((r) => hex(r.data)).sort());
    assert.ok(
      packets.every((p) => p.summary.includes('ICMP')),
      packets.map((p) => p.summary).join('\n'),
    );
  });
});
