/**
 * Builds the segments of a TCP connection the way two correct stacks would send
 * them, so tests can state a conversation in a few lines and then reorder,
 * duplicate or cut the list.
 */
import { type TcpSegment, TcpFlag } from '../../lib/tcp/segment';

interface Side {
  addr: string;
  port: number;
  isn: number;
  /** Next sequence number this side sends. */
  nxt: number;
  /** What this side acknowledges. */
  rcv: number;
  window: number;
}

/** A scripted connection between a client and a server. */
export class TcpScript {
  readonly segments: TcpSegment[] = [];
  private readonly sides: { c: Side; s: Side };
  private time: number;

  constructor(opts: { client?: string; server?: string; cisn?: number; sisn?: number; t0?: number } = {}) {
    const [ca, cp] = split(opts.client ?? '198.18.0.1:40000');
    const [sa, sp] = split(opts.server ?? '198.18.0.2:80');
    const cisn = opts.cisn ?? 1000;
    const sisn = opts.sisn ?? 5000;
    this.sides = {
      c: { addr: ca, port: cp, isn: cisn, nxt: cisn, rcv: 0, window: 64240 },
      s: { addr: sa, port: sp, isn: sisn, nxt: sisn, rcv: 0, window: 65160 },
    };
    this.time = opts.t0 ?? 1_700_000_000;
  }

  /** Emits a segment from `who` with the given flags and payload; advances its sequence number. */
  send(who: 'c' | 's', flags: number, payload: string | Uint8Array = '', extra: Partial<TcpSegment> = {}): TcpSegment {
    const me = this.sides[who];
    const peer = this.sides[who === 'c' ? 's' : 'c'];
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.time += 0.001;
    const seg: TcpSegment = {
      timestamp: this.time,
      src: me.addr,
      sport: me.port,
      dst: peer.addr,
      dport: peer.port,
      seq: me.nxt >>> 0,
      ack: flags & TcpFlag.ACK ? me.rcv >>> 0 : 0,
      flags,
      window: me.window,
      payload: bytes,
      ...extra,
    };
    me.nxt = (me.nxt + bytes.length + (flags & TcpFlag.SYN ? 1 : 0) + (flags & TcpFlag.FIN ? 1 : 0)) >>> 0;
    peer.rcv = me.nxt;
    this.segments.push(seg);
    return seg;
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): this {
    this.send('c', TcpFlag.SYN);
    this.send('s', TcpFlag.SYN | TcpFlag.ACK);
    this.send('c', TcpFlag.ACK);
    return this;
  }

  /** Data with PSH+ACK. */
  data(who: 'c' | 's', payload: string | Uint8Array): this {
    this.send(who, TcpFlag.PSH | TcpFlag.ACK, payload);
    return this;
  }

  /** A pure ACK. */
  ack(who: 'c' | 's', extra: Partial<TcpSegment> = {}): this {
    this.send(who, TcpFlag.ACK, '', extra);
    return this;
  }

  /** FIN+ACK. */
  fin(who: 'c' | 's'): this {
    this.send(who, TcpFlag.FIN | TcpFlag.ACK);
    return this;
  }

  /** A keep-alive: one number below what the side sends next, which stays where it was (RFC 1122 4.2.3.6). */
  keepAlive(who: 'c' | 's'): this {
    const me = this.sides[who];
    const peer = this.sides[who === 'c' ? 's' : 'c'];
    const [nxt, rcv] = [me.nxt, peer.rcv];
    me.nxt = (me.nxt - 1) >>> 0;
    this.send(who, TcpFlag.ACK);
    [me.nxt, peer.rcv] = [nxt, rcv];
    return this;
  }

  /** Sets a side's advertised window for the segments that follow. */
  window(who: 'c' | 's', window: number): this {
    this.sides[who].window = window;
    return this;
  }

  /** Moves a side's next sequence number back by `n` (to script a retransmission or keep-alive). */
  rewind(who: 'c' | 's', n: number): this {
    this.sides[who].nxt = (this.sides[who].nxt - n) >>> 0;
    return this;
  }
}

function split(ep: string): [string, number] {
  const i = ep.lastIndexOf(':');
  return [ep.slice(0, i).replace(/^\[(.*)\]$/, '$1'), Number(ep.slice(i + 1))];
}

/** Concatenates text for comparisons. */
export function text(chunks: Array<{ data: Uint8Array }>): string {
  return Buffer.concat(chunks.map((c) => c.data)).toString('latin1');
}

/**
 * One segment from 198.18.0.1:40000 to 198.18.0.2:80 with every field given a
 * value (ACK+PSH, no payload), for tests that set sequence numbers by hand
 * rather than through a TcpScript; `fields` overrides any of them.
 */
export function segmentWith(fields: Partial<TcpSegment>): TcpSegment {
  return {
    timestamp: 1_700_000_000,
    src: '198.18.0.1',
    sport: 40000,
    dst: '198.18.0.2',
    dport: 80,
    seq: 1,
    ack: 5001,
    flags: TcpFlag.ACK | TcpFlag.PSH,
    window: 64240,
    payload: new Uint8Array(0),
    ...fields,
  };
}
