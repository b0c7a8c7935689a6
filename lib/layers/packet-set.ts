// Scapy's packet sets: a field given several values (a list, a range, an IPv4
// network) makes one packet per value. Here the values are expanded and
// checked; Layer.packets() walks their product.
import { ruleError } from '../args';
import { fieldError, type FieldDef } from './field';

/** Most packets one packet set may stand for (a /12 network, or 16 ports x 65536 ...). */
export const MAX_SET_PACKETS = 1 << 20;

/** An inclusive range of integers for a field (Scapy's `(lo, hi)` tuple): `TCP({ dport: range(1, 1024) })`. */
export class FieldRange {
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
      throw ruleError('', `range(): expected two integers lo <= hi but received ${String(lo)}, ${String(hi)}`);
    }
    if (hi - lo + 1 > MAX_SET_PACKETS)
      throw ruleError('', `range(): ${hi - lo + 1} values, more than ${MAX_SET_PACKETS}`);
  }
}

/** An inclusive range of field values, as Scapy's `(lo, hi)`: `TCP({ dport: range(1, 1024) })` makes 1024 packets. */
export function range(lo: number, hi: number): FieldRange {
  return new FieldRange(lo, hi);
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The addresses of an IPv4 network ('198.18.0.0/30': .0 to .3, as Scapy's Net), or undefined when `s` is not one. */
function ipv4Network(s: string): string[] | undefined {
  const m = CIDR4.exec(s);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  if (size > MAX_SET_PACKETS)
    throw ruleError('', `'${s}' holds ${size} addresses, more than the ${MAX_SET_PACKETS} a packet set may hold`);
  const base = ((((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0) & ~(size - 1)) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    const a = base + i;
    out.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
  }
  return out;
}

/**
 * The checked values when `v` makes a packet set for this field (a list the
 * field does not take as one value, a range, an IPv4 network for a field that
 * takes IPv4 addresses), else undefined.
 */
export function expandSet(layer: string, def: FieldDef, v: unknown): unknown[] | undefined {
  if (v instanceof FieldRange) {
    const out: unknown[] = [];
    for (let i = v.lo; i <= v.hi; i++) out.push(def.check(layer, i));
    return out;
  }
  if (Array.isArray(v)) {
    try {
      def.check(layer, v);
      return undefined; // a field whose one value is a list (options, records)
    } catch (whole) {
      if (v.length === 0) throw whole;
      try {
        return v.flatMap((x) =>
          x instanceof FieldRange ? (expandSet(layer, def, x) as unknown[]) : [def.check(layer, x)],
        );
      } catch {
        throw whole;
      }
    }
  }
  if (typeof v === 'string' && v.includes('/')) {
    let addrs: string[] | undefined;
    try {
      addrs = ipv4Network(v);
    } catch (e) {
      throw fieldError(layer, def.name, (e as Error).message);
    }
    if (!addrs) return undefined;
    try {
      def.check(layer, v);
      return undefined;
    } catch {
      return addrs.map((a) => def.check(layer, a));
    }
  }
  return undefined;
}
