/**
 * The one input the TCP analysis needs: a TCP segment with its endpoints.
 * Deliberately independent of the capture record, so the tracker and the
 * reassembler can be fed from a capture, a pcap file or a test's own list.
 */

import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_NS, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../constants';

/** TCP header flag bits as they sit in the 12 bits after the data offset. */
export const TcpFlag = {
  FIN: TCP_FIN,
  SYN: TCP_SYN,
  RST: TCP_RST,
  PSH: TCP_PSH,
  ACK: TCP_ACK,
  URG: TCP_URG,
  ECE: TCP_ECE,
  CWR: TCP_CWR,
  NS: TCP_NS,
} as const;

/** The TCP options the analysis looks at (all optional: absent when the segment did not carry them). */
export interface TcpSegmentOptions {
  /** Maximum segment size (kind 2). */
  mss?: number;
  /** Window scale shift count (kind 3). */
  wscale?: number;
  /** SACK permitted (kind 4). */
  sackPerm?: boolean;
  /** SACK blocks as [left, right) sequence numbers (kind 5). */
  sack?: Array<[number, number]>;
  /** Timestamp value (kind 8). */
  tsval?: number;
  /** Timestamp echo reply (kind 8). */
  tsecr?: number;
}

/** One TCP segment as the conversation tracker and the reassembler see it. */
export interface TcpSegment {
  /** Capture time in seconds since the epoch. */
  timestamp: number;
  /** Source address as text (IPv4 dotted or IPv6). */
  src: string;
  /** Source port. */
  sport: number;
  /** Destination address as text. */
  dst: string;
  /** Destination port. */
  dport: number;
  /** Sequence number as on the wire (unsigned 32-bit). */
  seq: number;
  /** Acknowledgment number as on the wire (unsigned 32-bit). */
  ack: number;
  /** Flag bits, see {@link TcpFlag}. */
  flags: number;
  /** Window field as on the wire (unscaled). */
  window: number;
  /** The captured payload bytes (may be shorter than the segment when the snap length cut it). */
  payload: Uint8Array;
  /** Payload length the headers declare; defaults to `payload.length`. */
  payloadLength?: number;
  /** Bytes of the whole frame on the wire; used for per-connection byte counts. */
  frameLength?: number;
  /** Parsed TCP options, when known. */
  options?: TcpSegmentOptions;
}

/** The payload length the segment had on the wire. */
export function segmentLength(seg: TcpSegment): number {
  return seg.payloadLength ?? seg.payload.length;
}

/** Sequence space the segment occupies: payload plus one for SYN and one for FIN. */
export function sequenceLength(seg: TcpSegment): number {
  return segmentLength(seg) + (seg.flags & TcpFlag.SYN ? 1 : 0) + (seg.flags & TcpFlag.FIN ? 1 : 0);
}

/** Flag letters as tcpdump prints them inside `Flags [...]` (`S`, `S.`, `P.`, `F.`, `R`, `S.E`; tcpdump's table order). */
export function tcpdumpFlags(flags: number): string {
  let s = '';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.ACK) s += '.';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  return s === '' ? 'none' : s;
}
