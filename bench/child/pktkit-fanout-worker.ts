/**
 * What each fanout worker thread runs (openFanout's `module`), through
 * batches(); returns its count. `data` says the work per packet: 'fields', the
 * same five fields as the live child; 'summary', Scapy's one-line summary(); or
 * 'hash', FNV-1a rounds over the packet's bytes. The last two are work heavy
 * enough that one thread cannot keep up with the sender, which is when fanout is
 * worth having.
 */
import type { Capture } from '../../lib/capture';
import type { Packet } from '../../lib/packet';
import { foldFiveFields } from './five-fields';

function foldSummary(p: Packet, sink: number): number {
  return (sink + p.summary().length) & 0x3fffffff;
}

/** FNV-1a rounds over the whole packet per 'hash' packet: ~40 µs a packet of the mix on the Intel guest. */
const HASH_ROUNDS = 8;

/**
 * FNV-1a over the packet's bytes, HASH_ROUNDS times: work as heavy as summary() that runs on the
 * worker's own thread alone. summary() builds layer objects, and a fifth of its CPU is V8's
 * garbage collection on the process's shared helper threads, so one worker already keeps more
 * than one CPU busy.
 */
function foldHash(p: Packet, sink: number): number {
  const bytes = p.data;
  let h = 0x811c9dc5;
  for (let r = 0; r < HASH_ROUNDS; r++) for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return (sink + (h & 0xffff)) & 0x3fffffff;
}

export default async function read(
  capture: Capture,
  info: { data: unknown },
): Promise<{ packets: number; sink: number }> {
  const fold = info.data === 'summary' ? foldSummary : info.data === 'hash' ? foldHash : foldFiveFields;
  let packets = 0;
  let sink = 0;
  for await (const batch of capture.batches()) {
    for (const p of batch) {
      packets++;
      sink = fold(p, sink);
    }
  }
  return { packets, sink };
}
