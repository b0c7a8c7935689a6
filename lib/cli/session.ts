/**
 * One run over a capture (live or file): reads packets, feeds the TCP
 * analysis, prints lines / -v blocks / JSON, writes -w files, and at the end
 * prints the conversation table, the followed streams and (live) the counters.
 * The commands differ only in how they open the capture and what they know
 * about this host's addresses.
 */
import type { Capture, CaptureStats } from '../capture';
import type { Packet } from '../packet';
import { ConversationTracker, type SegmentAnalysis } from '../tcp/conversations';
import { StreamFollower } from '../tcp/follow';
import type { CliOptions } from './args';
import { describePacket } from './format-line';
import { type LocalAddresses, verboseLines } from './format-verbose';
import { followLines } from './follow-output';
import { dnsFields } from './json-dns';
import { packetFields } from './json-fields';
import { JsonShaper } from './json-shapes';
import type { TextOutput } from './output';
import { segmentOf, tcpOptionsOf } from '../tcp/from-packet';
import { RotatingWriter } from './rotating-writer';
import { liveCounter, statsLines } from './stats';
import { conversationTable } from './summary-table';
import { hexdumpTcpdump } from '../hexdump';
import { asciiText, checksumText, Clock, interfacePrefix, linkHeaderText, numberColumn } from './tcpdump-style';

/** TCP connections tracked at once for labels and the end table (about 160 MB at most). */
const CONNECTIONS_KEPT = 100_000;

/** What a session needs besides the parsed options. */
export interface SessionIO {
  /** Where lines go (stdout). */
  out: TextOutput;
  /** Where the counters and notices go (stderr). */
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Addresses of this host, for -v directions. */
  local: LocalAddresses;
  /** Live captures print tcpdump's end-of-capture counters. */
  live: boolean;
  /** Interface name recorded in pcapng files. */
  ifName?: string;
  /** Most payload bytes shown per -v hexdump (the demo keeps its output short). */
  dumpLimit?: number;
  /** Called once the output file is open, just before reading packets ("listening on ..."). */
  announce?: () => void;
}

/** The outcome of a session. */
export interface SessionResult {
  /** Packets processed. */
  packets: number;
  /** Final capture counters. */
  stats: CaptureStats;
  /** Files written with -w. */
  files: string[];
}

/**
 * True when a session with these options only writes -w files: no printing, no
 * TCP analysis. It then writes whole batches, and the capture needs no decoding.
 */
export function writesOnly(opts: CliOptions): boolean {
  return opts.write !== undefined && !opts.print && !opts.follow;
}

/** Runs the packet loop until the capture ends, -c is reached, the pipe breaks, or the capture is closed. */
export async function runSession(cap: Capture, opts: CliOptions, io: SessionIO): Promise<SessionResult> {
  const { out } = io;
  const tracker = new ConversationTracker({ maxConnections: CONNECTIONS_KEPT });
  const follower = opts.follow ? new StreamFollower() : undefined;
  let writer: RotatingWriter | undefined;
  try {
    writer =
      opts.write !== undefined
        ? new RotatingWriter({
            path: opts.write,
            linkType: cap.linkType,
            snaplen: cap.snaplen,
            fileSize: opts.fileSize,
            fileCount: opts.fileCount,
            ifName: io.ifName,
            rotateSeconds: opts.rotateSeconds,
            startTime: io.live ? Math.floor(Date.now() / 1000) : undefined,
          })
        : undefined;
  } catch (e) {
    cap.close();
    throw e;
  }
  io.announce?.();
  // tcpdump prints nothing per packet while writing a file, unless --print; -q with --follow prints only
  // the streams, as tshark -q -z follow does.
  const printPackets = (writer === undefined || opts.print) && !(opts.quiet && opts.follow);
  // Writing alone needs no TCP analysis: skip it and keep up with the capture.
  const analyse = printPackets || follower !== undefined;
  out.onBrokenPipe(() => cap.close());

  const clock = new Clock(opts.timeStyle ?? 0, opts.precision ?? 'micro');
  const shaper = new JsonShaper(opts.jsonStyle ?? 'flat');
  let packets = 0;
  let writingThrough = false;
  // Written so far: counted here, or by the addon when it writes on its own.
  // (The addon's last batch may go past -c: it writes only up to it.)
  const packetsSoFar = (): number =>
    writingThrough ? Math.min(cap.stats().delivered, opts.count ?? Infinity) : packets;
  let tick: NodeJS.Timeout | undefined;
  const showCounter = writer !== undefined && io.live && io.err.isTTY === true;
  if (writer !== undefined && io.live) {
    // Once a second: hand written packets to the file (a reader, or a crash, sees at most a second's loss)
    // and, on a terminal, refresh the counter.
    const w = writer;
    tick = setInterval(() => {
      w.flush();
      if (showCounter) io.err.write(`\r${liveCounter(packetsSoFar(), cap.stats())}`);
    }, 1000);
  }

  try {
    // A live capture into one plain pcap file, to the end or -c: the addon writes each batch as it comes,
    // with no JS per batch (bench/LIVE-LOSS.md: V8 compiling a per-batch loop under the first
    // burst cost packets that tcpdump -w kept).
    const through =
      writer !== undefined && writesOnly(opts) && io.live ? writer.writeThrough(cap, opts.count) : undefined;
    if (through !== undefined) {
      writingThrough = true;
      packets = await through;
    } else if (writer !== undefined && writesOnly(opts)) {
      // The commands opened the capture without decoding (writesOnly): the records have no layers.
      // Writing alone: whole batches to the file, natively where the format allows (no per-packet JS).
      for await (const batch of cap.batches()) {
        const n = opts.count === undefined ? batch.count : Math.min(batch.count, opts.count - packets);
        const written = writer.writeBatch(batch, n);
        packets += written;
        // -G with -W: the last file's interval is over; tcpdump ends there too.
        if (written < n) break;
        if (opts.count !== undefined && packets >= opts.count) break;
      }
    } else
      for await (const p of cap) {
        packets++;
        // -G with -W: the last file's interval is over; tcpdump ends there too.
        if (writer !== undefined && !writer.writePacket(p)) {
          packets--;
          break;
        }
        const options = analyse && p.tcp !== undefined ? tcpOptionsOf(p) : [];
        const seg = analyse ? segmentOf(p, options) : undefined;
        const analysis = seg !== undefined ? tracker.add(seg) : undefined;
        if (
          follower !== undefined &&
          seg !== undefined &&
          analysis !== undefined &&
          (opts.followStream === undefined || analysis.stream === opts.followStream)
        ) {
          follower.add(seg, analysis);
        }
        if (printPackets) printPacket(p, analysis, options, packets, opts, io, clock, shaper);
        if (out.full) await out.drain();
        if (out.broken) break;
        if (opts.count !== undefined && packets >= opts.count) break;
      }
  } finally {
    if (tick !== undefined) clearInterval(tick);
    if (showCounter) io.err.write(`\r${liveCounter(packetsSoFar(), cap.stats())}\n`);
    cap.close();
    if (writer !== undefined) await writer.close();
  }
  const stats = cap.stats();

  if (!out.broken) {
    if (printPackets && opts.json) out.write(shaper.end());
    if (follower !== undefined) {
      const streams = follower.finish();
      for (const s of streams) for (const chunk of followLines(s, opts.json, io.out)) out.write(chunk);
      if (opts.followStream !== undefined && streams.length === 0) {
        io.err.write(
          `pktkit: no TCP stream ${opts.followStream} in this capture (streams are numbered from 0, as tshark's tcp.stream)\n`,
        );
      }
    }
    if (printPackets && !opts.json && !opts.quiet) {
      const table = conversationTable(tracker.summaries());
      if (table.length > 0) out.write(`\n${table.join('\n')}\n`);
      const letGo = tracker.connectionsLetGo;
      if (letGo > 0) {
        out.write(
          `(${letGo} more not shown: more connections than ${CONNECTIONS_KEPT} were open at once, and the least recently active were let go)\n`,
        );
      }
    }
  }
  await out.end();
  // A reader that went away (| head) gets a quiet end, as tcpdump killed by SIGPIPE gives.
  if (io.live && !out.broken) io.err.write(statsLines(packets, stats).join('\n') + '\n');
  return { packets, stats, files: writer?.files ?? [] };
}

function printPacket(
  p: Packet,
  analysis: SegmentAnalysis | undefined,
  options: ReturnType<typeof tcpOptionsOf>,
  number: number,
  opts: CliOptions,
  io: SessionIO,
  clock: Clock,
  shaper: JsonShaper,
): void {
  const { out } = io;
  if (opts.json) {
    const fields = packetFields(p, { number, tcp: analysis, tcpOptions: options, extra: dnsFields });
    out.write(shaper.packet(fields, p.tsSec, p.tsNsec));
    return;
  }
  const link = opts.linkHeader ? linkHeaderText(p) : interfacePrefix(p);
  let text = `${opts.number ? numberColumn(number) : ''}${clock.stamp(p.tsSec, p.tsNsec)}${link}${describePacket(p, analysis, opts, options)}\n`;
  if (opts.verbose) {
    for (const line of verboseLines(p, analysis, options, io.local, io.dumpLimit)) text += line + '\n';
    const verbosity = opts.verbosity ?? 1;
    if (verbosity >= 2) {
      const sums = checksumText(p);
      if (sums !== undefined) text += `    ${sums}\n`;
    }
    if (verbosity >= 3 && !opts.linkHeader) {
      const l2 = linkHeaderText(p);
      if (l2 !== '') text += `    link ${l2.replace(/: $/, '')}\n`;
    }
  }
  if (opts.hex !== undefined) {
    // tcpdump's -x/-X start at the network header.
    const from = p.l3Off ?? 0;
    const dump = hexdumpTcpdump(p.data.subarray(from));
    if (dump !== '') {
      text +=
        (opts.hex === 'X'
          ? dump
          : dump.replace(/^(\t0x[0-9a-f]+: [ 0-9a-f]{40}).*$/gm, (_m, hexPart: string) => hexPart.trimEnd())) + '\n';
    }
  } else if (opts.ascii) {
    // tcpdump's -A, like -x, starts at the network header.
    text += asciiText(p.data.subarray(p.l3Off ?? 0)) + '\n';
  }
  out.write(text);
}
