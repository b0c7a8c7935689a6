/**
 * pktkit's sendpfast from inside the sending namespace: the first COUNT frames
 * of FILE are loaded first (not timed), then sent once as fast as possible.
 *   node --import tsx bench/child/pktkit-send.ts IFACE FILE COUNT
 * sendpfast is looked up at run time because the send API may not exist yet;
 * the shape assumed is sendpfast(frames, { iface }) → Promise | result.
 */
import { forEachRecord } from './pcap-records';
import { report, since } from './report';

type SendPFast = (frames: Uint8Array[], options: { iface: string }) => unknown;

async function main(iface: string, file: string, count: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../../lib/index') as Record<string, unknown>;
  const sendpfast = lib.sendpfast as SendPFast | undefined;
  if (typeof sendpfast !== 'function') throw new Error('pktkit exports no sendpfast');
  const frames: Uint8Array[] = [];
  let bytes = 0;
  forEachRecord(file, (chunk, off, caplen) => {
    frames.push(Uint8Array.prototype.slice.call(chunk, off, off + caplen));
    bytes += caplen;
    return frames.length < count;
  });
  const t0 = process.hrtime.bigint();
  const r = await sendpfast(frames, { iface });
  const seconds = since(t0);
  const sent = typeof r === 'number' ? r : typeof (r as { sent?: unknown })?.sent === 'number' ? (r as { sent: number }).sent : frames.length;
  report({ sent, bytes, seconds, pps: sent / seconds });
}

main(process.argv[2], process.argv[3], Number(process.argv[4])).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
