import * as fs from 'node:fs';

/** libpcap's classic file magic, microsecond timestamps, written little-endian. */
const PCAP_MAGIC_US = 0xa1b2c3d4;
/** LINKTYPE_ETHERNET. */
const LINKTYPE_ETHERNET = 1;
const RECORD_HEADER = 16;

/**
 * A classic pcap file written through one large buffer. Frames are built in
 * place: `reserve()` gives the offset where the caller writes the frame, and
 * `commit()` adds the record header in front of it, so a million frames cost
 * no per-packet allocation or copy (the generator must stay well under a
 * minute for 1M packets).
 */
export class PcapFileOut {
  /** The buffer frames are built in; valid between `reserve()` and `commit()`. */
  readonly buf = new Uint8Array(8 << 20);
  private readonly view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly fd: number;
  /** Frames written so far. */
  packets = 0;
  /** Frame bytes written so far (without file and record headers). */
  frameBytes = 0;

  /** Creates (or truncates) `path` and writes the file header. */
  constructor(path: string, snaplen = 65535) {
    this.fd = fs.openSync(path, 'w');
    const v = this.view;
    v.setUint32(0, PCAP_MAGIC_US, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, snaplen, true);
    v.setUint32(20, LINKTYPE_ETHERNET, true);
    this.pos = 24;
  }

  /** Offset in `buf` where the next frame (of at most `maxLen` bytes) is to be written. */
  reserve(maxLen: number): number {
    if (this.pos + RECORD_HEADER + maxLen > this.buf.length) this.flush();
    return this.pos + RECORD_HEADER;
  }

  /** Records the frame of `len` bytes written at the last reserved offset. */
  commit(len: number, tsSec: number, tsUsec: number): void {
    const v = this.view;
    v.setUint32(this.pos, tsSec, true);
    v.setUint32(this.pos + 4, tsUsec, true);
    v.setUint32(this.pos + 8, len, true);
    v.setUint32(this.pos + 12, len, true);
    this.pos += RECORD_HEADER + len;
    this.packets++;
    this.frameBytes += len;
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
