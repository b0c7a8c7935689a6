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
  lineageCache.clear();
  list.push({
    upper,
    fields,
    entries: Object.entries(fields),
    overload: opts.overload ?? true,
    when: opts.when,
    buildOnly: opts.buildOnly,
  });
}

/** Each class's bindings followed by those of its base classes (built on first use, cleared by bindLayers). */
const lineageCache = new Map<LayerClass, readonly Binding[]>();

/** The bindings that apply to `cls`: its own, then its base classes' (UDPerror decodes DNS like UDP does). */
function bindingsOf(cls: LayerClass): readonly Binding[] {
  let list = lineageCache.get(cls);
  if (!list) {
    const all: Binding[] = [];
    // Up the prototype chain while it holds layer classes (Function.prototype has no fieldDefs).
    for (let c: LayerClass | null = cls; c && c.fieldDefs; c = Object.getPrototypeOf(c) as LayerClass | null)
      all.push(...(bindings.get(c) ?? []));
    lineageCache.set(cls, (list = all));
  }
  return list;
}

/** The value `lower`'s field `name` takes from the binding to its payload `up` (ethertype, protocol ...). */
export function overloadedValue(lower: Layer, up: Layer, name: string): unknown {
  // The payload's own class first (a destination options header is also a hop-by-hop header to
  // instanceof), then its base classes; the lower layer's bindings, then those of its base classes.
  const list = bindingsOf(lower.cls);
  const upCls = up.constructor;
  for (let pass = 0; pass < 2; pass++) {
    const exact = pass === 0;
    for (const b of list) {
      if (!b.overload) continue;
      if (exact ? upCls !== b.upper : !(up instanceof b.upper)) continue;
      if (name in b.fields) return b.fields[name];
      if (b.buildOnly && name in b.buildOnly) return b.buildOnly[name];
    }
  }
  return undefined;
}

/** The class bound to follow `lower` given the field values it holds and the payload bytes, if any. */
export function boundPayloadClass(
  lower: Layer,
  values: Readonly<Record<string, unknown>>,
  buf: Uint8Array,
  off: number,
  end: number,
): LayerClass | undefined {
  for (const b of bindingsOf(lower.cls)) {
    let match = true;
    for (const [k, v] of b.entries) if (values[k] !== v) match = false;
    if (match && (!b.when || b.when(buf, off, end))) return b.upper;
  }
  return undefined;
}
