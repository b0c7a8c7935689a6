// Fixed layouts of bit fields and addresses, for the many small headers
// (ICMPv6 messages, ND options, the IPv6 fragment header) that are nothing
// more than a sequence of big-endian fields.
import { getIPv4, getIPv6, getMAC, parseIPv6, putIPv4, putMAC } from './addr';

/** One slot of a layout: an unsigned big-endian bit field, or an address. */
export type Slot = { name: string; bits: number } | { name: string; kind: 'ip4' | 'ip6' | 'mac' };

const SIZE = { ip4: 4, ip6: 16, mac: 6 } as const;

/** Bytes taken by a layout (bit fields must add up to whole bytes). */
export function slotsSize(slots: readonly Slot[]): number {
  let bits = 0;
  for (const s of slots) bits += 'bits' in s ? s.bits : SIZE[s.kind] * 8;
  return bits / 8;
}

/** Writes the layout's values (from `get`) into `out` at `off`. */
export function packSlots(slots: readonly Slot[], get: (name: string) => unknown, out: Uint8Array, off: number): void {
  let bitPos = off * 8;
  for (const s of slots) {
    if ('bits' in s) {
      const v = Number(get(s.name) ?? 0);
      for (let i = s.bits - 1; i >= 0; i--) {
        // Bit i of the value, most significant first; division keeps 32-bit values exact.
        const bit = Math.floor(v / 2 ** i) % 2;
        if (bit) out[bitPos >> 3] |= 0x80 >> (bitPos & 7);
        bitPos++;
      }
    } else {
      const p = bitPos >> 3;
      const v = String(get(s.name));
      if (s.kind === 'ip4') putIPv4(out, p, v);
      else if (s.kind === 'mac') putMAC(out, p, v);
      else out.set(parseIPv6(v)!, p);
      bitPos += SIZE[s.kind] * 8;
    }
  }
}

/** Reads the layout at `off` (the caller checked that slotsSize() bytes are there). */
export function unpackSlots(slots: readonly Slot[], buf: Uint8Array, off: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let bitPos = off * 8;
  for (const s of slots) {
    if ('bits' in s) {
      let v = 0;
      for (let i = 0; i < s.bits; i++) {
        v = v * 2 + ((buf[bitPos >> 3] >> (7 - (bitPos & 7))) & 1);
        bitPos++;
      }
      out[s.name] = v;
    } else {
      const p = bitPos >> 3;
      out[s.name] = s.kind === 'ip4' ? getIPv4(buf, p) : s.kind === 'mac' ? getMAC(buf, p) : getIPv6(buf, p);
      bitPos += SIZE[s.kind] * 8;
    }
  }
  return out;
}
