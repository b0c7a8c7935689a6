/**
 * The two live engines side by side on loopback: the libpcap engine (the
 * fallback, copying through pcap_dispatch) and the AF_PACKET engine (the
 * kernel's ring read in place) open the same interface with the same filter
 * while real UDP traffic flows, and deliver the same packets, in the same
 * order, with the same decoded fields and counters that add up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openLive, type Capture } from '../../lib/index';
import { freePort, sendUdpLoopback } from '../helpers/loopback';

const DATAGRAMS = 300;

interface Seen {
  payload: string;
  length: number;
  caplen: number;
  linkType: number;
  src: string | undefined;
  dport: number | undefined;
  time: number;
}

/** Reads `capture` until `want` packets or the deadline, keeping what JS needs to compare. */
async function collect(capture: Capture, want: number, deadline: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  const timer = setTimeout(() => capture.close(), deadline - Date.now());
  try {
    for await (const p of capture) {
      seen.push({
        payload: Buffer.from(p.payload).toString(),
        length: p.length,
        caplen: p.caplen,
        linkType: p.linkType,
        src: p.ip?.src,
        dport: p.udp?.dport,
        time: p.time,
      });
      if (seen.length === want) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

describe('live engines', () => {
  it('libpcap and AF_PACKET deliver the same packets from the same traffic', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to capture');
    const port = await freePort('udp');
    const filter = `udp and dst port ${port} and dst host 127.0.0.1`;
    // Not immediate: libpcap then uses TPACKET_V2 with one frame per 64 KiB of lo's MTU, a
    // 2 MiB buffer holds 32 packets, and a burst from this same thread overflows it.
    const afpacket = openLive('lo', { engine: 'afpacket', filter, timeout: 50 });
    const libpcap = openLive('lo', { engine: 'libpcap', filter, timeout: 50 });
    t.after(() => {
      afpacket.close();
      libpcap.close();
    });
    assert.equal(afpacket.engine, 'afpacket');
    assert.equal(libpcap.engine, 'libpcap');

    const deadline = Date.now() + 15_000;
    const reading = Promise.all([collect(afpacket, DATAGRAMS, deadline), collect(libpcap, DATAGRAMS, deadline)]);
    // Distinct payloads of growing size, so that order, length and bytes all tell packets apart.
    const payloads = Array.from({ length: DATAGRAMS }, (_, i) => Buffer.from(`datagram-${i}-`.padEnd(20 + i, 'x')));
    await sendUdpLoopback(port, payloads);
    const [fromRing, fromPcap] = await reading;

    const expected = payloads.map((p) => p.toString());
    assert.deepEqual(
      fromRing.map((s) => s.payload),
      expected,
      'AF_PACKET: every datagram, in order',
    );
    assert.deepEqual(
      fromPcap.map((s) => s.payload),
      expected,
      'libpcap: every datagram, in order',
    );
    for (let i = 0; i < DATAGRAMS; i++) {
      const a = fromRing[i]!;
      const b = fromPcap[i]!;
      assert.deepEqual(
        [b.length, b.caplen, b.linkType, b.src, b.dport],
        [a.length, a.caplen, a.linkType, a.src, a.dport],
        `packet ${i}: same frame and fields from both engines`,
      );
      assert.equal(a.src, '127.0.0.1');
      assert.equal(a.dport, port);
      // Both take the kernel's stamp of the same skb.
      assert.equal(a.time, b.time, `packet ${i}: same timestamp`);
    }

    for (const capture of [afpacket, libpcap]) {
      const s = capture.close();
      assert.equal(s.delivered, DATAGRAMS, `${capture.engine}: ${JSON.stringify(s)}`);
      assert.equal(s.received, s.delivered + s.droppedByKernel + s.droppedByRing, JSON.stringify(s));
      assert.equal(s.droppedByKernel, 0, `${capture.engine}: ${JSON.stringify(s)}`);
    }
  });
});
