/**
 * "Follow TCP stream": both directions of every connection reassembled, with
 * the chunks kept in the order they became readable, as Wireshark shows them.
 */
import type { Endpoint, SegmentAnalysis } from './conversations';
import { type ReassembledChunk, type ReassemblyStats, StreamReassembler } from './reassembly';
import type { TcpSegment } from './segment';

/** A run of bytes of one direction. */
export interface FollowChunk extends ReassembledChunk {
  /** True for bytes the client sent. */
  fromClient: boolean;
}

/** One connection's reassembled conversation. */
export interface FollowedStream {
  /** Connection number (`tcp.stream`). */
  stream: number;
  /** The side that opened the connection (or the best guess). */
  client: Endpoint;
  /** The other side. */
  server: Endpoint;
  /** Both directions' bytes, in the order they became readable. */
  chunks: FollowChunk[];
  /** Reassembly counters of the client's direction. */
  clientStats: ReassemblyStats;
  /** Reassembly counters of the server's direction. */
  serverStats: ReassemblyStats;
}

interface Entry {
  stream: number;
  client: Endpoint;
  server: Endpoint;
  fromClient: StreamReassembler;
  fromServer: StreamReassembler;
  chunks: FollowChunk[];
}

/** Collects the streams of segments already analysed by a ConversationTracker. */
export class StreamFollower {
  private readonly streams = new Map<number, Entry>();

  /** Takes a segment together with the tracker's analysis of it. */
  add(seg: TcpSegment, analysis: Pick<SegmentAnalysis, 'stream' | 'fromClient'>): void {
    let e = this.streams.get(analysis.stream);
    if (e === undefined) {
      const me: Endpoint = { addr: seg.src, port: seg.sport };
      const peer: Endpoint = { addr: seg.dst, port: seg.dport };
      e = {
        stream: analysis.stream,
        client: analysis.fromClient ? me : peer,
        server: analysis.fromClient ? peer : me,
        fromClient: new StreamReassembler(),
        fromServer: new StreamReassembler(),
        chunks: [],
      };
      this.streams.set(analysis.stream, e);
    }
    const r = analysis.fromClient ? e.fromClient : e.fromServer;
    for (const c of r.add(seg)) e.chunks.push({ ...c, fromClient: analysis.fromClient });
  }

  /** Flushes every stream (reporting holes) and returns them in stream order. */
  finish(): FollowedStream[] {
    const out: FollowedStream[] = [];
    for (const e of [...this.streams.values()].sort((a, b) => a.stream - b.stream)) {
      const tail = [
        ...e.fromClient.finish().map((c) => ({ ...c, fromClient: true })),
        ...e.fromServer.finish().map((c) => ({ ...c, fromClient: false })),
      ].sort((a, b) => a.timestamp - b.timestamp);
      out.push({
        stream: e.stream,
        client: e.client,
        server: e.server,
        chunks: [...e.chunks, ...tail],
        clientStats: e.fromClient.stats,
        serverStats: e.fromServer.stats,
      });
    }
    return out;
  }
}
