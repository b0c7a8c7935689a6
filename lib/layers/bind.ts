// The binding registry (Scapy's bind_layers): which layer follows which, and
// which of the lower layer's fields that implies. bindings.ts fills it with
// the built-in table; the chain dissector reads it forwards (payload class),
// building reads it backwards (an unset ethertype or protocol).
import type { Layer, LayerClass } from './layer';

/** A Scapy-style binding: lower's fields equal `fields` <=> the payload is `upper`. */
interface Binding {
  upper: LayerClass;
  fields: Readonly<Record<string, unknown>>;
  /** `fields` as pairs, for the dissection loop. */
  entries: ReadonlyArray<readonly [string, unknown]>;
  /** Whether building fills the lower layer's unset fields from `fields` (Scapy's overload_fields). */
  overload: boolean;
  /** An extra test on the payload bytes (ICMPv6 message type, ND option type). */
  when?: (buf: Uint8Array, off: number, end: number) => boolean;
  /** Values filled when building only (Neighbor Discovery's hop limit 255). */
  buildOnly?: Readonly<Record<string, unknown>>;
}

/** Options of bindLayers(). */
export interface BindOptions {
  /** Fill the lower layer's unset fields from the binding when building (default true). */
  overload?: boolean;
  /** Only dissect as `upper` when this accepts the payload bytes. */
  when?: (buf: Uint8Array, off: number, end: number) => boolean;
  /** Values filled when building only, not tested when dissecting (Scapy: ND's dst ff02::1, hlim 255). */
  buildOnly?: Record<string, unknown>;
}

const bindings = new Map<LayerClass, Binding[]>();

/**
 * Declares that `upper` follows `lower` when lower's `fields` have these values
 * (Scapy's bind_layers): used to dissect, and with `overload` to fill lower's
 * unset fields (ethertype, protocol, next header) when building.
 */
export function bindLayers(
  lower: LayerClass,
  upper: LayerClass,
  fields: Record<string, unknown>,
  opts: BindOptions = {},
): void {
  let list = bindings.get(lower);
  if (!list) bindings.set(lower, (list = []));
  list.push({
    upper,
    fields,
    entries: Object.entries(fields),
    overload: opts.overload ?? true,
    when: opts.when,
    buildOnly: opts.buildOnly,
  });
}

/** The class a layer class extends, or null past the last layer class (its bindings apply to it too). */
function baseOf(c: LayerClass): LayerClass | null {
  const base = Object.getPrototypeOf(c) as LayerClass | null;
  return base && base.fieldDefs ? base : null;
}

/** The value `lower`'s field `name` takes from the binding to its payload `up` (ethertype, protocol ...). */
export function overloadedValue(lower: Layer, up: Layer, name: string): unknown {
  // The payload's own class first (a destination options header is also a hop-by-hop header to
  // instanceof), then its base classes; the lower layer's bindings, then those of its base classes.
  for (const exact of [true, false]) {
    for (let c: LayerClass | null = lower.cls; c; c = baseOf(c)) {
      for (const b of bindings.get(c) ?? []) {
        if (!b.overload) continue;
        if (exact ? up.cls !== b.upper : !(up instanceof b.upper)) continue;
        if (name in b.fields) return b.fields[name];
        if (b.buildOnly && name in b.buildOnly) return b.buildOnly[name];
      }
    }
  }
  return undefined;
}

/** The class bound to follow `lower` given its field values and the payload bytes, if any. */
export function boundPayloadClass(
  lower: Layer,
  field: (name: string) => unknown,
  buf: Uint8Array,
  off: number,
  end: number,
): LayerClass | undefined {
  // A class's own bindings first, then its base classes' (UDPerror decodes DNS like UDP does).
  for (let c: LayerClass | null = lower.cls; c; c = baseOf(c)) {
    for (const b of bindings.get(c) ?? []) {
      let match = true;
      for (const [k, v] of b.entries) if (field(k) !== v) match = false;
      if (match && (!b.when || b.when(buf, off, end))) return b.upper;
    }
  }
  return undefined;
}
