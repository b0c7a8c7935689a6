/**
 * `-w FILE [-C MB [-W N]]`: writing with tcpdump's rotation. Before each
 * packet, if the current file already holds more than MB x 1,000,000 bytes,
 * the next file is started. Names as tcpdump makes them: without -W the first
 * file is FILE, then FILE1, FILE2, ...; with -W N every file gets a number
 * padded to the digits of N-1 (FILE0 .. FILE{N-1}) and the N+1th file reuses
 * FILE0, so at most N files exist.
 */
import type { Batch, Capture } from '../capture';
import { openWriter, PcapWriter, type PacketWriter, type WritablePacket } from '../pcap-writer';
import { strftime } from './strftime';

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
  /** -G: start a new file every this many seconds; the path is then a strftime pattern. */
  rotateSeconds?: number;
  /** -G: when the first file's interval begins (a live capture's start); default: the first packet's time. */
  startTime?: number;
}

/** The name of file number `index` (0-based), as tcpdump's MakeFilename builds it. */
export function rotatedName(path: string, index: number, fileCount: number | undefined): string {
  const digits =
    fileCount === undefined ? 0 : String(Math.max(0, fileCount - 1)).length - (fileCount - 1 === 0 ? 1 : 0);
  if (digits === 0 && index === 0) return path;
  return `${path}${String(index).padStart(digits, '0')}`;
}

/**
 * The format follows the name given with -w (`.pcapng` → pcapng), not the
 * numbered names, which end in digits.
 *
 * With -G the -w name is a strftime(3) pattern in local time. A new file is
 * started when a packet comes SECONDS or more after the current file began
 * (tcpdump checks at each packet too, so a quiet interface starts no empty
 * files). The clock is the packets' timestamps; a live capture names its
 * first file after the time it starts, as tcpdump does. -W N with -G stops
 * after N files; with -C as well, -W only sets the digits of the size
 * numbering, as in tcpdump.
 */
export class RotatingWriter {
  private writer: PacketWriter | undefined;
  /** -C numbering within the current name. */
  private index = 0;
  /** Files started by -G so far, beyond the first. */
  private intervals = 0;
  /** When the current -G interval began (seconds). */
  private intervalStart = 0;
  private readonly limit: number | undefined;
  private readonly format: 'pcap' | 'pcapng';
  /** Every file name written to, in order (a name reused by -W appears again). */
  readonly files: string[] = [];
  /** Packets written, over all files. */
  packets = 0;
  /** True once -G with -W has made its last file full: nothing more is written. */
  done = false;

  constructor(private readonly opts: RotationOptions) {
    this.limit = opts.fileSize === undefined ? undefined : opts.fileSize * 1_000_000;
    this.format = /\.(pcapng|ntar)$/i.test(opts.path) ? 'pcapng' : 'pcap';
    if (opts.rotateSeconds === undefined) this.writer = this.open();
    else if (opts.startTime !== undefined) {
      this.intervalStart = opts.startTime;
      this.writer = this.open();
    }
  }

  /**
   * Writes one captured packet, starting a new file first when -G's interval
   * is over or the current file is over -C's size. Returns false (and writes
   * nothing) once -G -W's last file is over: the capture should end.
   */
  writePacket(packet: WritablePacket): boolean {
    if (!this.rotateFor(packet)) return false;
    this.writer!.writePacket(packet);
    this.packets++;
    return true;
  }

  /**
   * Writes the first `count` packets of a capture's batch, rotating where
   * writePacket() would, and returns how many were written: fewer than `count`
   * once -G -W's last file is over. Runs between rotations go to the file in
   * one native call each when the format allows (pcap on a path: the bytes
   * are written from where the capture holds them, no copy in JS).
   */
  writeBatch(batch: Batch, count: number): number {
    let i = 0;
    while (i < count) {
      const packet = batch.at(i);
      if (!this.rotateFor(packet)) break;
      const every = this.opts.rotateSeconds;
      const tsLimit = every === undefined ? -1 : this.intervalStart + every;
      const writer = this.writer!;
      let next = writer.writeRun(batch, i, count, this.limit ?? -1, tsLimit);
      if (next === i) {
        // rotateFor() chose this file for packet i, whatever the limits say now.
        writer.writePacket(batch.at(i));
        next = i + 1;
      }
      this.packets += next - i;
      i = next;
    }
    return i;
  }

  /**
   * Writes every packet of a live `capture` natively until it ends or `count` packets are written
   * (-c), when the output is one plain pcap file (no -C, -G or -W): no JS per batch. Returns how
   * many, or undefined when this output cannot be written that way (the caller then writes batch by
   * batch).
   */
  writeThrough(capture: Capture, count?: number): Promise<number> | undefined {
    if (this.limit !== undefined || this.opts.rotateSeconds !== undefined) return undefined;
    const writer = this.writer;
    const through = writer instanceof PcapWriter ? writer.writeThrough(capture, count) : undefined;
    return through?.then((n) => ((this.packets += n), n));
  }

  /**
   * Makes the current file the one `packet` goes to, starting a new file when
   * -G's interval is over or the current file is over -C's size. False once
   * -G -W's last file is over: nothing more is written.
   */
  private rotateFor(packet: WritablePacket): boolean {
    if (this.done) return false;
    const every = this.opts.rotateSeconds;
    if (every !== undefined) {
      if (this.writer === undefined) {
        this.intervalStart = packet.tsSec;
        this.writer = this.open();
      } else if (packet.tsSec - this.intervalStart >= every) {
        this.intervals++;
        if (this.opts.fileCount !== undefined && this.limit === undefined && this.intervals >= this.opts.fileCount) {
          this.done = true;
          return false;
        }
        void this.writer.close();
        this.intervalStart = packet.tsSec;
        this.index = 0;
        this.writer = this.open();
      }
    }
    if (this.limit !== undefined && this.writer!.bytes > this.limit) {
      void this.writer!.close();
      const ring = this.opts.fileCount !== undefined && every === undefined;
      this.index = ring ? (this.index + 1) % this.opts.fileCount! : this.index + 1;
      this.writer = this.open();
    }
    return true;
  }

  /** Hands buffered bytes to the file now (so that a reader sees them). */
  flush(): void {
    this.writer?.flush();
  }

  /** Flushes and closes the current file (with -G and no packet at all: an empty file named after now, as tcpdump leaves). */
  async close(): Promise<void> {
    if (this.writer === undefined) {
      this.intervalStart = Math.floor(Date.now() / 1000);
      this.writer = this.open();
    }
    await this.writer.close();
  }

  private open(): PacketWriter {
    const base = this.opts.rotateSeconds === undefined ? this.opts.path : strftime(this.opts.path, this.intervalStart);
    const name = rotatedName(base, this.index, this.limit === undefined ? undefined : this.opts.fileCount);
    this.files.push(name);
    return openWriter(name, {
      format: this.format,
      linkType: this.opts.linkType,
      snaplen: this.opts.snaplen,
      ifName: this.opts.ifName,
    });
  }
}
