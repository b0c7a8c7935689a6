/**
 * A minimal classic-pcap reader for tests: enough to count records while
 * tcpdump is still writing and to compare files record by record. Not part of
 * pktkit (its reader is libpcap); kept deliberately small.
 */
import fs from 'node:fs';

/** The 24-byte file header. */
export interface PcapHeader {
  littleEndian: boolean;
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
}

/** One record: timestamp as stored (`tsFrac` is us or ns per the header), lengths, bytes. */
export interface PcapRecord {
  tsSec: number;
  tsFrac: number;
  capLen: number;
  wireLen: number;
  data: Buffer;
}

/** A file's header and its complete records; `trailing` counts bytes of a final record cut short. */
export interface PcapContents {
  header: PcapHeader;
  records: PcapRecord[];
  trailing: number;
}

const MAGICS: Record<number, [boolean, boolean]> = {
  0xa1b2c3d4: [true, false],
  0xa1b23c4d: [true, true],
  0xd4c3b2a1: [false, false],
  0x4d3cb2a1: [false, true],
};

/** Parses a classic pcap buffer (either byte order, us or ns). Throws on a header that is not pcap. */
export function parsePcap(buf: Buffer): PcapContents {
  if (buf.length < 24) throw new Error(`pcap header needs 24 bytes, have ${buf.length}`);
  const kind = MAGICS[buf.readUInt32LE(0)];
  if (!kind) throw new Error(`not a classic pcap file (magic ${buf.readUInt32LE(0).toString(16)})`);
  const [le, nano] = kind;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const header = {
    littleEndian: le,
    nanosecond: nano,
    versionMajor: u16(4),
    versionMinor: u16(6),
    snaplen: u32(16),
    linkType: u32(20),
  };
  const records: PcapRecord[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const capLen = u32(off + 8);
    if (off + 16 + capLen > buf.length) break;
    records.push({
      tsSec: u32(off),
      tsFrac: u32(off + 4),
      capLen,
      wireLen: u32(off + 12),
      data: buf.subarray(off + 16, off + 16 + capLen),
    });
    off += 16 + capLen;
  }
  return { header, records, trailing: buf.length - off };
}

/** Reads and parses a classic pcap file. */
export function readPcap(file: string): PcapContents {
  return parsePcap(fs.readFileSync(file));
}

/** Complete records in a classic pcap file so far; 0 if it does not exist or lacks a header yet. */
export function countPcapRecords(file: string): number {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return 0;
  }
  return buf.length < 24 ? 0 : parsePcap(buf).records.length;
}
