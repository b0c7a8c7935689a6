/**
 * Crafted TCP connections for CLI tests: a list of segments described by who
 * sends, flags, stream offset and data becomes Ethernet frames with real
 * headers (built by lib/layers) and then a pcap file.
 */
import { Ether, IP, IPv6, Raw, TCP } from '../../lib/layers';
import { openWriter } from '../../lib/pcap-writer';

/** One segment of a crafted connection. */
export interface CraftedSegment {
  from: 'c' | 's';
  /** Scapy flag letters, e.g. 'S', 'SA', 'PA', 'FA'. */
  flags: string;
  /** Offset in the sender's stream of the first payload byte (the SYN is -1). */
  off: number;
  data?: string;
  /** Acknowledge this offset of the peer's stream instead of all it sent so far. */
  ackOff?: number;
  window?: number;
}

/** Frames of a connection 198.18.99.1:40001 (or fd00:0:0:99::1) → …2:8080; the client's numbers wrap past 2^32. */
export function craftFrames(v6: boolean, segs: readonly CraftedSegment[]): Uint8Array[] {
  const isn = { c: 0xfffffff0, s: 123456 };
  const addr = v6 ? { c: 'fd00:0:0:99::1', s: 'fd00:0:0:99::2' } : { c: '198.18.99.1', s: '198.18.99.2' };
  const port = { c: 40001, s: 8080 };
  const sent = { c: 0, s: 0 };
  return segs.map((g) => {
    const peer = g.from === 'c' ? 's' : 'c';
    const seq = (isn[g.from] + 1 + g.off) >>> 0;
    const ack = g.flags.includes('A') ? (isn[peer] + 1 + (g.ackOff ?? sent[peer])) >>> 0 : 0;
    sent[g.from] = Math.max(sent[g.from], g.off + (g.data?.length ?? 0) + (g.flags.includes('F') ? 1 : 0));
    const net = v6 ? IPv6({ src: addr[g.from], dst: addr[peer] }) : IP({ src: addr[g.from], dst: addr[peer] });
    let pkt = Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
      .div(net)
      .div(TCP({ sport: port[g.from], dport: port[peer], seq, ack, flags: g.flags, window: g.window ?? 1000 }));
    if (g.data) pkt = pkt.div(Raw({ load: g.data }));
    return pkt.toBytes();
  });
}

/** Writes the frames to a pcap, 1 ms apart. */
export async function writeCrafted(file: string, frames: readonly Uint8Array[]): Promise<void> {
  const w = openWriter(file, { linkType: 1 });
  frames.forEach((f, i) => w.write(f, { tsSec: 1_700_000_000, tsNsec: i * 1_000_000 }));
  await w.close();
}
