/**
 * TCP conversation tracking (RFC 793 / RFC 9293 connection life, RFC 5681
 * duplicate ACKs, RFC 1122 keep-alives): groups segments into connections,
 * numbers them like Wireshark's `tcp.stream`, gives relative sequence numbers
 * as Wireshark does (each direction counted from its own initial sequence
 * number), labels every segment with its place in the connection's life, and
 * keeps the per-connection figures for a summary table.
 *
 * The labels follow Wireshark's TCP analysis where it has one (retransmission,
 * out-of-order, dup ack, keep-alive, window update, zero window) but decide
 * retransmission by the bytes actually seen, not by timing heuristics.
 */
import { type TcpSegment, TcpFlag, segmentLength, sequenceLength } from './segment';
import { argError } from '../args';
import { SeenRanges } from './seen-ranges';
import { SeqUnwrapper } from './seq';

/** What a segment is, in the life of its connection. */
export type SegmentKind =
  | 'syn'
  | 'syn-ack'
  | 'handshake-ack'
  | 'data'
  | 'ack'
  | 'window-update'
  | 'dup-ack'
  | 'keep-alive'
  | 'keep-alive-ack'
  | 'zero-window-probe'
  | 'retransmission'
  | 'out-of-order'
  | 'fin'
  | 'fin-ack'
  | 'teardown-ack'
  | 'rst';

/** The analysis of one segment. */
export interface SegmentAnalysis {
  /** Connection number, counted from 0 in order of first appearance (Wireshark's `tcp.stream`). */
  stream: number;
  /** True when the client (the side that sent the SYN, or the best guess) sent this segment. */
  fromClient: boolean;
  /** Sequence number relative to this direction's initial sequence number. */
  relSeq: number;
  /** Acknowledgment number relative to the other direction's initial sequence number (0 without ACK). */
  relAck: number;
  /** Relative sequence number that follows this segment (`relSeq` + payload + SYN + FIN). */
  nextRelSeq: number;
  /** The main classification. */
  kind: SegmentKind;
  /** Human label, e.g. `handshake 1/3 SYN`, `data`, `teardown 2 ACK`, `dup ack #2`. */
  label: string;
  /** Further observations: `previous segment not captured`, `zero window`, `ACKs FIN`, ... */
  notes: string[];
  /** Window size after scaling, when both SYNs carried a window-scale option (else the raw window). */
  windowScaled: number;
}

/** One endpoint of a connection. */
export interface Endpoint {
  /** Address as text. */
  addr: string;
  /** Port. */
  port: number;
}

/** Traffic one side sent. */
export interface DirectionTotals {
  /** Segments sent. */
  packets: number;
  /** Frame bytes on the wire (payload bytes when the segments did not give a frame length). */
  bytes: number;
  /** TCP payload bytes, retransmissions included. */
  payloadBytes: number;
  /** Segments labelled retransmission. */
  retransmissions: number;
}

/** The per-connection figures of the summary table. */
export interface ConversationSummary {
  /** Connection number (`tcp.stream`). */
  stream: number;
  /** The side that opened the connection (or the best guess). */
  client: Endpoint;
  /** The other side. */
  server: Endpoint;
  /** What the client sent. */
  clientToServer: DirectionTotals;
  /** What the server sent. */
  serverToClient: DirectionTotals;
  /** Time of the first segment (seconds). */
  start: number;
  /** Time of the last segment (seconds). */
  end: number;
  /** `end - start`. */
  duration: number;
  /** How the connection opened, e.g. `3-way handshake`, `refused (RST)`, `no handshake seen`. */
  opened: string;
  /** How it closed, e.g. `FIN both ways`, `RST from server`, `still open`. */
  closed: string;
}

interface Direction {
  endpoint: Endpoint;
  /** Raw number that relative sequence numbers count from. */
  base: number | undefined;
  unwrapper: SeqUnwrapper | undefined;
  isn: number | undefined;
  /** Highest unwrapped position seen + 1 (next expected). */
  nextPos: number | undefined;
  /** Sequence space seen (bounded: see SeenRanges). */
  seen: SeenRanges;
  lastAck: number | undefined;
  lastWindow: number | undefined;
  dupAcks: number;
  lastWasKeepAlive: boolean;
  finPos: number | undefined;
  finAcked: boolean;
  sentRst: boolean;
  wscale: number | undefined;
  totals: DirectionTotals;
}

interface Conversation {
  stream: number;
  /** Its key in `byKey` (both directions of the 4-tuple). */
  key: string;
  client: Direction;
  server: Direction;
  synSeen: boolean;
  synAckSeen: boolean;
  handshakeDone: boolean;
  refused: boolean;
  teardownStep: number;
  start: number;
  end: number;
}

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;

/** Options of a {@link ConversationTracker}. */
export interface ConversationTrackerOptions {
  /**
   * Connections kept at once (default 100,000, about 160 MB). Past it the least recently active
   * one is let go: it leaves {@link ConversationTracker.summaries}, and a later segment of it
   * starts a new connection with a new stream number, counted from there as one whose start was
   * not captured. The segments come off the wire, so their count bounds nothing by itself.
   */
  maxConnections?: number;
}

/** Follows every TCP connection in a sequence of segments given in capture order. */
export class ConversationTracker {
  private readonly byKey = new Map<string, Conversation>();
  /** Every connection kept, by stream number, least recently active first. */
  private readonly kept = new Map<number, Conversation>();
  private readonly maxConnections: number;
  private streams = 0;
  private letGo = 0;

  constructor(options: ConversationTrackerOptions = {}) {
    const max = options.maxConnections ?? 100_000;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw argError('an integer ≥ 1', 'maxConnections', max);
    }
    this.maxConnections = max;
  }

  /** Connections let go because more than `maxConnections` were kept at once. */
  get connectionsLetGo(): number {
    return this.letGo;
  }

  /** Analyses one segment; call in capture order. */
  add(seg: TcpSegment): SegmentAnalysis {
    const conv = this.conversationFor(seg);
    conv.end = seg.timestamp;
    // Most recently active last: the first one is the one to let go.
    this.kept.delete(conv.stream);
    this.kept.set(conv.stream, conv);
    if (this.kept.size > this.maxConnections) this.letGoLeastRecent();
    const fromClient = conv.client.endpoint.addr === seg.src && conv.client.endpoint.port === seg.sport;
    const s = fromClient ? conv.client : conv.server;
    const r = fromClient ? conv.server : conv.client;
    const flags = seg.flags;
    const len = segmentLength(seg);

    // Wireshark's bases: the SYN's number, else one before the first number seen; an ACK fixes the peer's base.
    if (s.base === undefined) {
      s.base = flags & SYN ? seg.seq >>> 0 : (seg.seq - 1) >>> 0;
      s.unwrapper = new SeqUnwrapper(s.base);
    }
    if (r.base === undefined && flags & ACK) {
      r.base = (seg.ack - 1) >>> 0;
      r.unwrapper = new SeqUnwrapper(r.base);
    }
    if (flags & SYN && !(flags & ACK) && s.wscale === undefined) s.wscale = seg.options?.wscale;
    if (flags & SYN && flags & ACK && s.wscale === undefined) s.wscale = seg.options?.wscale;

    const pos = s.unwrapper!.unwrap(seg.seq);
    const ackPos = flags & ACK && r.unwrapper !== undefined ? r.unwrapper.peek(seg.ack) : undefined;
    const seqLen = sequenceLength(seg);
    const notes: string[] = [];
    const { kind, label } = this.classify(conv, s, r, seg, fromClient, pos, ackPos, len, notes);

    if (seg.window === 0 && !(flags & (SYN | FIN | RST))) notes.push('zero window');

    // State updates after classification: the labels compare against what came before.
    if (seqLen > 0) s.seen.add(pos, pos + seqLen);
    if (s.nextPos === undefined || pos + seqLen > s.nextPos) s.nextPos = pos + seqLen;
    if (flags & ACK) s.lastAck = seg.ack >>> 0;
    s.lastWindow = seg.window;
    if (kind !== 'dup-ack') s.dupAcks = 0;
    s.lastWasKeepAlive = kind === 'keep-alive';
    if (kind === 'retransmission') s.totals.retransmissions++;
    s.totals.packets++;
    s.totals.bytes += seg.frameLength ?? len;
    s.totals.payloadBytes += len;

    const scaled =
      conv.client.wscale !== undefined && conv.server.wscale !== undefined && !(flags & SYN)
        ? seg.window * 2 ** s.wscale!
        : seg.window;
    return {
      stream: conv.stream,
      fromClient,
      relSeq: (seg.seq - s.base) >>> 0,
      relAck: flags & ACK && r.base !== undefined ? (seg.ack - r.base) >>> 0 : 0,
      nextRelSeq: (seg.seq + seqLen - s.base) >>> 0,
      kind,
      label,
      notes,
      windowScaled: scaled,
    };
  }

  /** The summary of every connection kept (see `maxConnections`), in stream order. */
  summaries(): ConversationSummary[] {
    const kept = [...this.kept.values()].sort((a, b) => a.stream - b.stream);
    return kept.map((c) => ({
      stream: c.stream,
      client: { ...c.client.endpoint },
      server: { ...c.server.endpoint },
      clientToServer: { ...c.client.totals },
      serverToClient: { ...c.server.totals },
      start: c.start,
      end: c.end,
      duration: c.end - c.start,
      opened: describeOpen(c),
      closed: describeClose(c),
    }));
  }

  private classify(
    conv: Conversation,
    s: Direction,
    r: Direction,
    seg: TcpSegment,
    fromClient: boolean,
    pos: number,
    ackPos: number | undefined,
    len: number,
    notes: string[],
  ): { kind: SegmentKind; label: string } {
    const flags = seg.flags;
    const isRetransmittedControl = (isn: number | undefined): boolean => isn !== undefined && isn === seg.seq >>> 0;

    if (flags & RST) {
      s.sentRst = true;
      if (!fromClient && conv.synSeen && !conv.handshakeDone) {
        conv.refused = true;
        return { kind: 'rst', label: 'RST (connection refused)' };
      }
      return { kind: 'rst', label: 'RST' };
    }
    if (flags & SYN && !(flags & ACK)) {
      if (isRetransmittedControl(s.isn)) return { kind: 'retransmission', label: 'handshake 1/3 SYN (retransmission)' };
      s.isn = seg.seq >>> 0;
      if (!fromClient) return { kind: 'syn', label: 'SYN (simultaneous open)' };
      conv.synSeen = true;
      return { kind: 'syn', label: 'handshake 1/3 SYN' };
    }
    if (flags & SYN) {
      if (isRetransmittedControl(s.isn))
        return { kind: 'retransmission', label: 'handshake 2/3 SYN-ACK (retransmission)' };
      s.isn = seg.seq >>> 0;
      conv.synAckSeen = true;
      return { kind: 'syn-ack', label: 'handshake 2/3 SYN-ACK' };
    }

    // The first ACK of the server's SYN completes the handshake (it may already carry data).
    if (
      fromClient &&
      conv.synAckSeen &&
      !conv.handshakeDone &&
      ackPos !== undefined &&
      r.isn !== undefined &&
      seg.ack >>> 0 === (r.isn + 1) >>> 0 &&
      !(flags & FIN)
    ) {
      conv.handshakeDone = true;
      if (len > 0) {
        notes.push('carries data');
        return { kind: 'handshake-ack', label: 'handshake 3/3 ACK + data' };
      }
      return { kind: 'handshake-ack', label: 'handshake 3/3 ACK' };
    }
    if (!conv.handshakeDone && conv.synAckSeen && !fromClient) conv.handshakeDone = true;

    // Does this segment acknowledge the peer's FIN for the first time?
    const acksPeerFin = ackPos !== undefined && r.finPos !== undefined && !r.finAcked && ackPos >= r.finPos + 1;
    if (acksPeerFin) r.finAcked = true;

    if (flags & FIN) {
      const finPos = pos + len;
      if (s.finPos !== undefined && s.finPos === finPos) {
        return { kind: 'retransmission', label: 'teardown FIN (retransmission)' };
      }
      s.finPos = finPos;
      if (len > 0) notes.push(`${len} bytes of data`);
      const step = ++conv.teardownStep;
      if (acksPeerFin) return { kind: 'fin-ack', label: `teardown ${step} FIN+ACK` };
      if (r.finPos !== undefined && !r.finAcked)
        return { kind: 'fin', label: `teardown ${step} FIN (simultaneous close)` };
      return { kind: 'fin', label: `teardown ${step} FIN` };
    }

    const nextPos = s.nextPos;
    if (len > 0) {
      if (acksPeerFin) notes.push(`teardown ${++conv.teardownStep}: ACKs FIN`);
      if (nextPos !== undefined && len <= 1 && pos === nextPos - 1) return { kind: 'keep-alive', label: 'keep-alive' };
      if (nextPos !== undefined && len === 1 && pos === nextPos && r.lastWindow === 0) {
        return { kind: 'zero-window-probe', label: 'zero window probe' };
      }
      if (nextPos !== undefined && pos < nextPos) {
        if (s.seen.covers(pos, pos + len)) return { kind: 'retransmission', label: 'retransmission' };
        return { kind: 'out-of-order', label: 'out-of-order' };
      }
      if (nextPos !== undefined && pos > nextPos) notes.push('previous segment not captured');
      return { kind: 'data', label: 'data' };
    }

    // No payload, no SYN/FIN/RST.
    if (acksPeerFin) {
      const step = ++conv.teardownStep;
      return { kind: 'teardown-ack', label: `teardown ${step} ACK` };
    }
    if (nextPos !== undefined && pos === nextPos - 1) return { kind: 'keep-alive', label: 'keep-alive' };
    const sameAck = s.lastAck !== undefined && seg.ack >>> 0 === s.lastAck;
    const inSeq = nextPos !== undefined && pos === nextPos;
    if (r.lastWasKeepAlive && sameAck && seg.window === s.lastWindow) {
      return { kind: 'keep-alive-ack', label: 'keep-alive ack' };
    }
    if (inSeq && sameAck && s.lastWindow !== undefined && seg.window !== s.lastWindow) {
      return { kind: 'window-update', label: 'window update' };
    }
    // RFC 5681: a duplicate ACK only counts while the peer has data outstanding.
    const peerOutstanding = ackPos !== undefined && r.nextPos !== undefined && r.nextPos > ackPos;
    if (inSeq && sameAck && seg.window === s.lastWindow && seg.window !== 0 && peerOutstanding) {
      s.dupAcks++;
      return { kind: 'dup-ack', label: `dup ack #${s.dupAcks}` };
    }
    return { kind: 'ack', label: 'ack' };
  }

  private conversationFor(seg: TcpSegment): Conversation {
    const key = conversationKey(seg);
    let conv = this.byKey.get(key);
    const flags = seg.flags;
    if (conv !== undefined && flags & SYN && !(flags & ACK)) {
      const sender = sameEndpoint(conv.client.endpoint, seg.src, seg.sport) ? conv.client : conv.server;
      // A SYN with a new initial sequence number on a used 4-tuple starts a new connection (port reuse).
      const reused =
        sender === conv.client
          ? sender.isn !== seg.seq >>> 0 && (sender.isn !== undefined || sender.totals.packets > 0)
          : conv.client.finPos !== undefined ||
            conv.client.sentRst ||
            conv.server.sentRst ||
            conv.server.finPos !== undefined;
      if (reused) conv = undefined;
    }
    if (conv === undefined) {
      conv = this.newConversation(seg, key);
      this.byKey.set(key, conv);
    }
    return conv;
  }

  private newConversation(seg: TcpSegment, key: string): Conversation {
    const a: Endpoint = { addr: seg.src, port: seg.sport };
    const b: Endpoint = { addr: seg.dst, port: seg.dport };
    const flags = seg.flags;
    let senderIsClient: boolean;
    if (flags & SYN) senderIsClient = !(flags & ACK);
    else if (seg.dport < 1024 && seg.sport >= 1024) senderIsClient = true;
    else if (seg.sport < 1024 && seg.dport >= 1024) senderIsClient = false;
    else senderIsClient = true;
    const conv: Conversation = {
      stream: this.streams++,
      key,
      client: newDirection(senderIsClient ? a : b),
      server: newDirection(senderIsClient ? b : a),
      synSeen: false,
      synAckSeen: false,
      handshakeDone: false,
      refused: false,
      teardownStep: 0,
      start: seg.timestamp,
      end: seg.timestamp,
    };
    return conv;
  }

  private letGoLeastRecent(): void {
    const oldest = this.kept.values().next().value as Conversation;
    this.kept.delete(oldest.stream);
    // A connection that a reused 4-tuple replaced is no longer under its key.
    if (this.byKey.get(oldest.key) === oldest) this.byKey.delete(oldest.key);
    this.letGo++;
  }
}

/** Key shared by both directions of a 4-tuple. */
export function conversationKey(seg: Pick<TcpSegment, 'src' | 'sport' | 'dst' | 'dport'>): string {
  const a = `${seg.src}|${seg.sport}`;
  const b = `${seg.dst}|${seg.dport}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function sameEndpoint(e: Endpoint, addr: string, port: number): boolean {
  return e.addr === addr && e.port === port;
}

function newDirection(endpoint: Endpoint): Direction {
  return {
    endpoint,
    base: undefined,
    unwrapper: undefined,
    isn: undefined,
    nextPos: undefined,
    seen: new SeenRanges(),
    lastAck: undefined,
    lastWindow: undefined,
    dupAcks: 0,
    lastWasKeepAlive: false,
    finPos: undefined,
    finAcked: false,
    sentRst: false,
    wscale: undefined,
    totals: { packets: 0, bytes: 0, payloadBytes: 0, retransmissions: 0 },
  };
}

function describeOpen(c: Conversation): string {
  if (c.synSeen && c.refused) return 'refused (RST)';
  if (c.synSeen && c.synAckSeen) return c.handshakeDone ? '3-way handshake' : 'SYN, SYN-ACK, no final ACK';
  if (c.synSeen) return c.server.sentRst ? 'refused (RST)' : 'SYN unanswered';
  if (c.synAckSeen) return 'handshake (SYN not captured)';
  return 'no handshake seen';
}

function describeClose(c: Conversation): string {
  if (c.client.sentRst && c.server.sentRst) return 'RST both ways';
  if (c.client.sentRst) return 'RST from client';
  if (c.server.sentRst) return c.refused ? 'RST from server (refused)' : 'RST from server';
  const cf = c.client.finPos !== undefined;
  const sf = c.server.finPos !== undefined;
  if (cf && sf) return c.client.finAcked && c.server.finAcked ? 'FIN both ways' : 'FIN both ways, last ACK not seen';
  if (cf) return 'FIN from client only (half-closed)';
  if (sf) return 'FIN from server only (half-closed)';
  return 'still open';
}
