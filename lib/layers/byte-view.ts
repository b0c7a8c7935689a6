// Big-endian (or little-endian on request) 16/32-bit access to a Uint8Array,
// with DataView's method names: what every layer's build and dissect use.
import { ShortInput } from './dissect';

/**
 * Cheaper to make than a DataView, which the layers would otherwise create
 * for every header they read or write. A read past the end throws
 * {@link ShortInput}, which the chain dissector turns into Raw.
 */
export class ByteView {
  constructor(private readonly b: Uint8Array) {}

  getUint16(o: number, littleEndian = false): number {
    const b = this.b;
    if (o + 2 > b.length) throw new ShortInput(`offset ${o} is outside the bounds of the buffer`);
    return littleEndian ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  getUint32(o: number, littleEndian = false): number {
    const b = this.b;
    if (o + 4 > b.length) throw new ShortInput(`offset ${o} is outside the bounds of the buffer`);
    return littleEndian
      ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
      : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }

  setUint16(o: number, v: number, littleEndian = false): void {
    const b = this.b;
    if (littleEndian) {
      b[o] = v & 0xff;
      b[o + 1] = (v >>> 8) & 0xff;
    } else {
      b[o] = (v >>> 8) & 0xff;
      b[o + 1] = v & 0xff;
    }
  }

  setUint32(o: number, v: number, littleEndian = false): void {
    const b = this.b;
    if (littleEndian) {
      b[o] = v & 0xff;
      b[o + 1] = (v >>> 8) & 0xff;
      b[o + 2] = (v >>> 16) & 0xff;
      b[o + 3] = (v >>> 24) & 0xff;
    } else {
      b[o] = (v >>> 24) & 0xff;
      b[o + 1] = (v >>> 16) & 0xff;
      b[o + 2] = (v >>> 8) & 0xff;
      b[o + 3] = v & 0xff;
    }
  }
}

/** Big-endian field access over a Uint8Array (which may be a window into a larger buffer). */
export function view(b: Uint8Array): ByteView {
  return new ByteView(b);
}
