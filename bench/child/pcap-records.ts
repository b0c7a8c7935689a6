/**
 * A plain reader of classic little-endian pcap files, for the drivers that
 * have no file reader of their own (node `cap`) and for packing packets into
 * memory. Reads in 8 MiB chunks; `onRecord` sees each packet in place.
 */
import * as fs from 'node:fs';

/** Calls `onRecord(chunk, offset, caplen, wirelen)` for every packet of `file`. */
export function forEachRecord(
  file: string,
  onRecord: (chunk: Buffer, off: number, caplen: number, wirelen: number) => boolean | void,
): void {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(8 << 20);
    let have = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (have < 24 || chunk.readUInt32LE(0) !== 0xa1b2c3d4)
      throw new Error(`${file}: not a little-endian microsecond pcap file`);
    let off = 24;
    for (;;) {
      if (have - off < 16 || have - off < 16 + chunk.readUInt32LE(off + 8)) {
        chunk.copy(chunk, 0, off, have);
        have -= off;
        off = 0;
        const n = fs.readSync(fd, chunk, have, chunk.length - have, null);
        if (n === 0) return;
        have += n;
        continue;
      }
      const caplen = chunk.readUInt32LE(off + 8);
      if (onRecord(chunk, off + 16, caplen, chunk.readUInt32LE(off + 12)) === false) return;
      off += 16 + caplen;
    }
  } finally {
    fs.closeSync(fd);
  }
}
