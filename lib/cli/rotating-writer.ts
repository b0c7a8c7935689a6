/**
 * `-w FILE [-C MB [-W N]]`: writing with tcpdump's rotation. Before each
 * packet, if the current file already holds more than MB x 1,000,000 bytes,
 * the next file is started. Names as tcpdump makes them: without -W the first
 * file is FILE, then FILE1, FILE2, ...; with -W N every file gets a number
 * padded to the digits of N-1 (FILE0 .. FILE{N-1}) and the N+1th file reuses
 * FILE0, so at most N files exist.
 */
import { openWriter, type PacketWriter, type WritablePacket } from '../pcap-writer';

/** What the rotating writer needs to know. */
export interface RotationOptions {
  /** The name given with -w. */
  path: string;
  /** Link type of the capture. */
  linkType: number;
  /** Snap length of the capture. */
  snaplen?: number;
  /** -C: millions of bytes per file. */
  fileSize?: number;
  /** -W: number of files in the ring. */
  fileCount?: number;
  /** Interface name to record (pcapng). */
  ifName?: string;
}

/** The name of file number `index` (0-based), as tcpdump's MakeFilename builds it. */
export function rotatedName(path: string, index: number, fileCount: number | undefined): string {
  const digits = fileCount === undefined ? 0 : String(Math.max(0, fileCount - 1)).length - (fileCount - 1 === 0 ? 1 : 0);
  if (digits === 0 && index === 0) return path;
  return `${path}${String(index).padStart(digits, '0')}`;
}

/**
 * The format follows the name given with -w (`.pcapng` → pcapng), not the
 * numbered names, which end in digits.
 */
export class RotatingWriter {
  private writer: PacketWriter;
  private index = 0;
  private readonly limit: number | undefined;
  private readonly format: 'pcap' | 'pcapng';
  /** Every file name written to, in order (a name reused by -W appears again). */
  readonly files: string[] = [];
  /** Packets written, over all files. */
  packets = 0;

  constructor(private readonly opts: RotationOptions) {
    this.limit = opts.fileSize === undefined ? undefined : opts.fileSize * 1_000_000;
    this.format = /\.(pcapng|ntar)$/i.test(opts.path) ? 'pcapng' : 'pcap';
    this.writer = this.open();
  }

  /** Writes one captured packet, rotating first when the current file is over the size. */
  writePacket(packet: WritablePacket): void {
    if (this.limit !== undefined && this.writer.bytes > this.limit) {
      void this.writer.close();
      this.index = this.opts.fileCount === undefined ? this.index + 1 : (this.index + 1) % this.opts.fileCount;
      this.writer = this.open();
    }
    this.writer.writePacket(packet);
    this.packets++;
  }

  /** Hands buffered bytes to the file now (so that a reader sees them). */
  flush(): void {
    this.writer.flush();
  }

  /** Flushes and closes the current file. */
  async close(): Promise<void> {
    await this.writer.close();
  }

  private open(): PacketWriter {
    const name = rotatedName(this.opts.path, this.index, this.opts.fileCount);
    this.files.push(name);
    return openWriter(name, {
      format: this.format,
      linkType: this.opts.linkType,
      snaplen: this.opts.snaplen,
      ifName: this.opts.ifName,
    });
  }
}
