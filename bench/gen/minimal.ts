/**
 * Minimal frames: every frame is 64 bytes (IPv4 TCP ACK with 10 data bytes, or
 * IPv4 UDP with 22), so a run over them measures the per-packet cost with
 * almost no bytes to move. Checksums are valid; ports and addresses vary so
 * that nothing can be cached across packets.
 */
import { Rng } from './rng';
import * as h from './headers';

/** Every frame of the minimal kind has this length. */
export const MIN_FRAME = 64;

/** Writes 64-byte frames, one per call, from a seed. */
export class MinimalGenerator {
  private readonly rng: Rng;
  private n = 0;
  private seq: number;

  /** Same seed, same frames. */
  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.seq = this.rng.u32();
  }

  /** Writes one frame at b[o] and returns its length (always MIN_FRAME). */
  frame(b: Uint8Array, o: number): number {
    const r = this.rng;
    const tcp = (this.n++ & 1) === 0;
    const client = 0xc6120000 + r.between(1, 4000);
    const server = 0xc6130000 + r.between(1, 200);
    const ipOff = h.ether(b, o, 0x800000 + (server & 0xff), client & 0xffff, h.ETH_IPV4, 0);
    const l4Len = MIN_FRAME - 14 - 20;
    const l4 = h.ipv4(b, ipOff, client, server, tcp ? h.PROTO_TCP : h.PROTO_UDP, 20 + l4Len, this.n, 64);
    let p: number;
    if (tcp) {
      this.seq = (this.seq + 10) >>> 0;
      p = h.tcp(b, l4, r.between(32768, 60999), 443, this.seq, r.u32(), 0x18, 64240, h.TcpOpts.None, 0, 0, 0);
    } else {
      p = h.udp(b, l4, r.between(32768, 60999), 53, l4Len);
    }
    const end = o + MIN_FRAME;
    for (let i = p; i < end; i++) b[i] = r.u32() & 0xff;
    h.l4Checksum(b, ipOff, false, tcp ? h.PROTO_TCP : h.PROTO_UDP, l4, end, tcp ? 16 : 6);
    return MIN_FRAME;
  }
}
