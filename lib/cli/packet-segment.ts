/**
 * Bridges captured packets to the TCP analysis: a Packet view becomes the
 * plain {@link TcpSegment} that lib/tcp works on, and TCP options are decoded
 * once (with lib/layers' decoder) for both the analysis and the display.
 */
import { decodeTCPOptions, type TCPOption } from '../layers/tcp';
import type { Packet } from '../packet';
import type { TcpSegment, TcpSegmentOptions } from '../tcp/segment';

/** The segment of a TCP packet (undefined for anything else). The payload is a view: valid as long as the packet. */
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

/** The options the analysis uses, out of the decoded list. */
export function summarizeOptions(opts: readonly TCPOption[]): TcpSegmentOptions | undefined {
  if (opts.length === 0) return undefined;
  const out: TcpSegmentOptions = {};
  for (const o of opts) {
    switch (o[0]) {
      case 'MSS': out.mss = o[1]; break;
      case 'WScale': out.wscale = o[1]; break;
      case 'SAckOK': out.sackPerm = true; break;
      case 'SAck': {
        const blocks: Array<[number, number]> = [];
        for (let i = 0; i + 1 < o[1].length; i += 2) blocks.push([o[1][i]!, o[1][i + 1]!]);
        out.sack = blocks;
        break;
      }
      case 'Timestamp': [out.tsval, out.tsecr] = o[1]; break;
      default: break;
    }
  }
  return out;
}

/**
 * Options as tcpdump prints them inside `options [...]`:
 * `mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7`. SACK blocks are shown
 * relative to `sackBase` when given (the peer's initial sequence number), as
 * tcpdump does.
 */
export function formatTcpOptions(opts: readonly TCPOption[], sackBase?: number): string {
  return opts
    .map((o) => {
      switch (o[0]) {
        case 'EOL': return 'eol';
        case 'NOP': return 'nop';
        case 'MSS': return `mss ${o[1]}`;
        case 'WScale': return `wscale ${o[1]}`;
        case 'SAckOK': return 'sackOK';
        case 'SAck': {
          const blocks: string[] = [];
          for (let i = 0; i + 1 < o[1].length; i += 2) {
            const l = sackBase === undefined ? o[1][i]! : (o[1][i]! - sackBase) >>> 0;
            const r = sackBase === undefined ? o[1][i + 1]! : (o[1][i + 1]! - sackBase) >>> 0;
            blocks.push(`{${l}:${r}}`);
          }
          return `sack ${blocks.length} ${blocks.join('')}`;
        }
        case 'Timestamp': return `TS val ${o[1][0]} ecr ${o[1][1]}`;
        default: return `unknown-${o[0]} 0x${Buffer.from(o[1]).toString('hex')}`;
      }
    })
    .join(',');
}
