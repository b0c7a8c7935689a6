// Fixed layouts read off a layer's declaration, for the many small headers
// (ICMPv6 messages, ND options, MLD, the IPv6 fragment header) that are
// nothing more than a sequence of big-endian fields: the field descriptors'
// `wire` says how wide each one is, so build and dissect follow from them.
import { getIPv4, getIPv6, getMAC, parseIPv6, putIPv4, putMAC } from './addr';
import { need } from './dissect';
import type { FieldDef, FieldList } from './field';
import type { Layer } from './layer';

/** A declaration's fixed part (bit fields and addresses, in order) and its trailing bytes field, if any. */
export interface Layout {
  readonly slots: readonly FieldDef[];
  /** Bytes the fixed part takes (bit fields add up to whole bytes). */
  readonly size: number;
  /** The field that takes the bytes after the fixed part up to the end of the layer. */
  readonly tail: string | undefined;
}

const SIZE = { ip4: 4, ip6: 16, mac: 6 } as const;

/** Bits a slot takes on the wire (0 for a field that is not part of the fixed layout). */
function slotBits(def: FieldDef): number {
  const w = def.wire;
  if (!w) return 0;
  return 'bits' in w ? w.bits : w.kind === 'bytes' ? 0 : SIZE[w.kind] * 8;
}

const layouts = new WeakMap<FieldList, Layout>();

/** The layout of a declaration (made once per declaration). */
export function layoutOf(defs: FieldList): Layout {
  let l = layouts.get(defs);
  if (!l) {
    const slots = defs.filter((d) => slotBits(d) > 0);
    const bits = slots.reduce((n, d) => n + slotBits(d), 0);
    const tail = defs.find((d) => d.wire && 'kind' in d.wire && d.wire.kind === 'bytes')?.name;
    layouts.set(defs, (l = { slots, size: bits / 8, tail }));
  }
  return l;
}

/** Writes the layout's values (from `get`) into `out` at `off`. */
export function packSlots(
  slots: readonly FieldDef[],
  get: (name: string) => unknown,
  out: Uint8Array,
  off: number,
): void {
  let bitPos = off * 8;
  for (const s of slots) {
    const w = s.wire!;
    if ('bits' in w && (bitPos & 7) === 0 && (w.bits === 8 || w.bits === 16 || w.bits === 32)) {
      // Whole bytes (most fields): written directly.
      const v = Number(get(s.name) ?? 0);
      const p = bitPos >> 3;
      for (let i = 0; i < w.bits >> 3; i++) out[p + i] = Math.floor(v / 2 ** (w.bits - 8 - 8 * i)) & 0xff;
      bitPos += w.bits;
    } else if ('bits' in w) {
      const v = Number(get(s.name) ?? 0);
      for (let i = w.bits - 1; i >= 0; i--) {
        // Bit i of the value, most significant first; division keeps 32-bit values exact.
        const bit = Math.floor(v / 2 ** i) % 2;
        if (bit) out[bitPos >> 3] |= 0x80 >> (bitPos & 7);
        bitPos++;
      }
    } else {
      const p = bitPos >> 3;
      const v = String(get(s.name));
      if (w.kind === 'ip4') putIPv4(out, p, v);
      else if (w.kind === 'mac') putMAC(out, p, v);
      else out.set(parseIPv6(v)!, p);
      bitPos += slotBits(s);
    }
  }
}

/** Reads the layout at `off` (the caller checked that its size in bytes is there). */
export function unpackSlots(slots: readonly FieldDef[], buf: Uint8Array, off: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let bitPos = off * 8;
  for (const s of slots) {
    const w = s.wire!;
    if ('bits' in w && (bitPos & 7) === 0 && (w.bits === 8 || w.bits === 16 || w.bits === 32)) {
      // Whole bytes (most fields): read directly.
      const p = bitPos >> 3;
      let v = 0;
      for (let i = 0; i < w.bits >> 3; i++) v = v * 256 + buf[p + i];
      out[s.name] = v;
      bitPos += w.bits;
    } else if ('bits' in w) {
      let v = 0;
      for (let i = 0; i < w.bits; i++) {
        v = v * 2 + ((buf[bitPos >> 3] >> (7 - (bitPos & 7))) & 1);
        bitPos++;
      }
      out[s.name] = v;
    } else {
      const p = bitPos >> 3;
      out[s.name] = w.kind === 'ip4' ? getIPv4(buf, p) : w.kind === 'mac' ? getMAC(buf, p) : getIPv6(buf, p);
      bitPos += slotBits(s);
    }
  }
  return out;
}

/** A header that is its declared fields in order, written from `get` (the value of each field by name). */
export function packFixed(defs: FieldList, get: (name: string) => unknown): Uint8Array {
  const { slots, size } = layoutOf(defs);
  const out = new Uint8Array(size);
  packSlots(slots, get, out, 0);
  return out;
}

/**
 * Decodes a header that is its declared fields in order at `off` (Ether,
 * Dot1Q, UDP, IPv6): a new layer of `cls` holding them, and where the header
 * ends. Throws ShortInput when fewer bytes than the layout are left before `end`.
 */
export function dissectFixed<L extends Layer>(
  cls: new () => L,
  defs: FieldList,
  buf: Uint8Array,
  off: number,
  end: number,
): { layer: L; headerEnd: number } {
  const { slots, size } = layoutOf(defs);
  need(off, end, size);
  const layer = new cls();
  layer.setParsed(unpackSlots(slots, buf, off));
  return { layer, headerEnd: off + size };
}
