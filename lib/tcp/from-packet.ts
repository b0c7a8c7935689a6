/**
 * From a captured Packet to the plain {@link TcpSegment} the TCP analysis
 * works on. TCP options are decoded once, with lib/layers' decoder, so the
 * caller can reuse them for display.
 */
import { decodeTCPOptions, type TCPOption } from '../layers/tcp';
import type { Packet } from '../packet';
import type { TcpSegment, TcpSegmentOptions } from './segment';

/**
 * The segment of a TCP packet (undefined for anything else). Its payload is a
 * view into the packet: valid as long as the packet is (the reassembler copies
 * what it keeps).
 */
export function segmentOf(p: Packet, options?: readonly TCPOption[]): TcpSegment | undefined {
  const tcp = p.tcp;
  if (tcp === undefined) return undefined;
  const src = p.ip?.src ?? p.ipv6?.src;
  const dst = p.ip?.dst ?? p.ipv6?.dst;
  if (src === undefined || dst === undefined) return undefined;
  return {
    timestamp: p.timestamp,
    src,
    sport: tcp.sport,
    dst,
    dport: tcp.dport,
    seq: tcp.seq,
    ack: tcp.ack,
    flags: tcp.flags,
    window: tcp.window,
    payload: p.payload,
    payloadLength: p.payloadLength,
    frameLength: p.length,
    options: summarizeOptions(options ?? tcpOptionsOf(p)),
  };
}

/** The decoded TCP options of a packet (empty when it has none or is not TCP). */
export function tcpOptionsOf(p: Packet): TCPOption[] {
  const raw = p.tcp?.options;
  return raw === undefined || raw.length === 0 ? [] : decodeTCPOptions(raw, 0, raw.length);
}

/** The options the analysis uses, out of a decoded list. */
export function summarizeOptions(opts: readonly TCPOption[]): TcpSegmentOptions | undefined {
  if (opts.length === 0) return undefined;
  const out: TcpSegmentOptions = {};
  for (const o of opts) {
    switch (o[0]) {
      case 'MSS':
        out.mss = o[1];
        break;
      case 'WScale':
        out.wscale = o[1];
        break;
      case 'SAckOK':
        out.sackPerm = true;
        break;
      case 'SAck': {
        const blocks: Array<[number, number]> = [];
        for (let i = 0; i + 1 < o[1].length; i += 2) blocks.push([o[1][i]!, o[1][i + 1]!]);
        out.sack = blocks;
        break;
      }
      case 'Timestamp':
        [out.tsval, out.tsecr] = o[1];
        break;
      default:
        break;
    }
  }
  return out;
}
