/**
 * The counters printed when a capture ends (Ctrl-C, SIGTERM, -c reached),
 * worded as tcpdump words them, plus the ring pktkit adds between the capture
 * thread and JavaScript.
 */
import type { CaptureStats } from '../capture';

/** tcpdump's end-of-capture lines; `captured` is the number of packets this program processed. */
export function statsLines(captured: number, s: CaptureStats): string[] {
  const plural = (n: number): string => `${n} packet${n === 1 ? '' : 's'}`;
  const lines = [
    `${plural(captured)} captured`,
    `${plural(s.receivedByFilter)} received by filter`,
    `${plural(s.droppedByKernel)} dropped by kernel`,
  ];
  if (s.droppedByInterface > 0) lines.push(`${plural(s.droppedByInterface)} dropped by interface`);
  lines.push(`${plural(s.droppedByRing)} dropped by ring`);
  return lines;
}

/** The live counter shown on a terminal while writing to a file: `Got 1234 (dropped 0)`. */
export function liveCounter(captured: number, s: CaptureStats): string {
  return `Got ${captured} (dropped ${s.droppedByKernel + s.droppedByInterface + s.droppedByRing})`;
}
