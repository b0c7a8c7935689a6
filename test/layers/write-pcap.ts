// A minimal classic pcap writer for the layer tests (lib/pcap-writer.ts is the
// library's; this one keeps these tests independent of it).
import { writeFileSync } from 'node:fs';

/** Writes `packets` as a microsecond pcap file with the given link type (1 = Ethernet). */
export function writePcap(path: string, packets: readonly Uint8Array[], linkType = 1): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0); // magic: microsecond timestamps, little-endian
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeInt32LE(0, 8); // thiszone
  header.writeUInt32LE(0, 12); // sigfigs
  header.writeUInt32LE(262144, 16); // snaplen
  header.writeUInt32LE(linkType, 20);
  const parts: Buffer[] = [header];
  packets.forEach((p, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(0, 4);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    parts.push(rec, Buffer.from(p));
  });
  writeFileSync(path, Buffer.concat(parts));
}
