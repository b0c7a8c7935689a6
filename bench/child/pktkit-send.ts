/**
 * pktkit's sendpfast from inside the sending namespace: the first COUNT frames
 * of FILE are loaded first (not timed), then sent once as fast as the kernel
 * takes them. Reports sendpfast's own figures (first to last syscall, as
 * tcpreplay's "Rated" line is) and the whole call's time, which adds
 * sendpfast's preparation of the frames.
 *   node bench/out/dist/bench/child/pktkit-send.js IFACE FILE COUNT
 */
import { sendpfast } from '../../lib/send';
import { forEachRecord } from './pcap-records';
import { report, since } from './report';

async function main(iface: string, file: string, count: number): Promise<void> {
  const frames: Uint8Array[] = [];
  forEachRecord(file, (chunk, off, caplen) => {
    frames.push(Uint8Array.prototype.slice.call(chunk, off, off + caplen));
    return frames.length < count;
  });
  const t0 = process.hrtime.bigint();
  const r = await sendpfast(frames, { iface });
  const callSeconds = since(t0);
  report({ sent: r.sent, bytes: r.bytes, seconds: r.seconds, pps: r.pps, callSeconds, callPps: r.sent / callSeconds });
}

main(process.argv[2], process.argv[3], Number(process.argv[4])).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
