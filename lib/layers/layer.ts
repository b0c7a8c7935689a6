// The base of every layer: typed fields with defaults, stacking with div()
// (Scapy's `/`), lookup by type, build (toBytes), summary() and show() in
// Scapy 2.5's formats, and the generic dissection loop that parse() drives.
import { fieldError, type FieldDef } from './field';
import { BuildError, expected } from '../errors';
import { hexdump } from '../hexdump';
import { ipv4PseudoHeader, ipv6PseudoHeader } from './checksum';

const EMPTY = new Uint8Array(0);

/** Thrown inside a dissector when the bytes cannot hold the header; the loop turns the rest into Raw. */
export class ShortInput extends Error {}

/** What a dissector found: the layer, where its header ends and where its payload ends. */
export interface Dissected {
  layer: Layer;
  /** Offset of the first byte after this layer's own header. */
  headerEnd: number;
  /** Offset where this layer's payload ends (e.g. IP total length); bytes after it become Padding. */
  payloadEnd?: number;
}

/** Anything that names a layer type for get()/has(): the factory (`TCP`) or the class (`TCPLayer`). */
export interface LayerKind<L extends Layer = Layer> {
  readonly prototype: L;
}

/** A layer class as the dissector and the bindings see it. */
export interface LayerClass<L extends Layer = Layer> {
  new (fields?: never): L;
  readonly prototype: L;
  /** Scapy's class name (summary, errors). */
  readonly layerName: string;
  /** Scapy's `name` (the `###[ ... ]###` header of show()). */
  readonly displayName: string;
  readonly fieldDefs: readonly FieldDef[];
  /**
   * Decodes this layer at `off` (never past `end`); throws ShortInput when the
   * bytes are too few. `under` is the layer it will follow, for layers whose
   * form depends on it (DNS over TCP has a length prefix).
   */
  dissect(buf: Uint8Array, off: number, end: number, under?: Layer): Dissected;
}

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

const defMaps = new WeakMap<object, Map<string, FieldDef>>();
/** Copies of default arrays handed out by getField(): still "unset" for isSet(). */
const materializedDefaults = new WeakSet<object>();
/** A class's fields by name (built once per class). */
function fieldMap(cls: LayerClass): Map<string, FieldDef> {
  let m = defMaps.get(cls);
  if (!m) defMaps.set(cls, (m = new Map(cls.fieldDefs.map((f) => [f.name, f]))));
  return m;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * One protocol layer with its payload chain. A packet is its first layer:
 * `IP({dst}).div(TCP({dport: 80}))` is an IP layer whose payload is TCP.
 * Field values the user set are kept as given (so broken packets can be built
 * on purpose); unset automatic fields (null) are computed by toBytes().
 */
export abstract class Layer {
  /** Scapy's class name. */
  static readonly layerName: string = 'Layer';
  /** Scapy's display name. */
  static readonly displayName: string = 'Layer';
  /** The fields in wire/show order. */
  static readonly fieldDefs: readonly FieldDef[] = [];

  /** The next layer (Scapy's `payload`), undefined for the last one. */
  declare payload: Layer | undefined;
  /** The layer this one is the payload of (Scapy's `underlayer`). */
  declare underlayer: Layer | undefined;
  /** Values set by the user or read from bytes; a missing key means "default". */
  declare protected readonly values: Record<string, unknown>;
  /**
   * When the packet was captured, in seconds since the epoch with the
   * fraction (Scapy's `pkt.time`): set on packets that sniff(), rdpcap() and
   * the sr family return (the capture timestamp), kept by copy(); undefined
   * on packets built here.
   */
  declare time: number | undefined;

  constructor(fields?: object) {
    // Plain assignments (not class-field definitions): every layer object gets the same shape cheaply.
    this.payload = undefined;
    this.underlayer = undefined;
    this.time = undefined;
    this.valueSets = undefined;
    (this as unknown as { values: Record<string, unknown> }).values = {};
    if (fields !== undefined) this.setFields(fields);
  }

  /** The class of this layer as the registry sees it. */
  get cls(): LayerClass {
    return this.constructor as unknown as LayerClass;
  }

  /** Scapy's class name of this layer, e.g. 'TCP'. */
  get layerName(): string {
    return this.cls.layerName;
  }

  /** Validates and sets several fields at once (Scapy's field assignment). */
  setFields(fields: object): this {
    const cls = this.cls;
    if (
      typeof fields !== 'object' ||
      fields === null ||
      Array.isArray(fields) ||
      ArrayBuffer.isView(fields) ||
      fields instanceof Layer
    ) {
      throw new TypeError(expected(`an object of ${cls.layerName} fields`, `${cls.layerName}()`, fields));
    }
    const defs = fieldMap(cls);
    for (const k in fields) {
      const v = (fields as Record<string, unknown>)[k];
      if (v === undefined) continue;
      const def = defs.get(k);
      if (!def)
        throw fieldError(cls.layerName, k, `no such field (fields: ${cls.fieldDefs.map((f) => f.name).join(', ')})`);
      const set = expandSet(cls.layerName, def, v);
      // A set keeps its first value as the field's value, so reading the field still gives one of its kind.
      if (set) (this.valueSets ??= new Map()).set(k, set);
      else this.valueSets?.delete(k);
      this.values[k] = set ? set[0] : def.check(cls.layerName, v);
    }
    return this;
  }

  /** Fields that hold several values (Scapy's packet sets), in the order they were set. */
  declare protected valueSets: Map<string, unknown[]> | undefined;

  /** True when a field of this layer or of its payloads holds several values (even a list of one). */
  isPacketSet(): boolean {
    for (let l: Layer | undefined = this; l; l = l.payload) if (l.valueSets?.size) return true;
    return false;
  }

  /** The values of a field given as a list, range or network (a packet set), or undefined for a single value. */
  fieldSet(name: string): readonly unknown[] | undefined {
    return this.valueSets?.get(name);
  }

  /** How many packets this one stands for: the product of the sizes of every field set in the chain (1 without sets). */
  countPackets(): number {
    let n = 1;
    for (let l: Layer | undefined = this; l; l = l.payload)
      for (const vals of l.valueSets?.values() ?? []) n *= vals.length;
    return n;
  }

  /**
   * Every packet of a packet set, as Scapy's `for p in pkt` gives them: fields
   * given as lists (`TCP({ dport: [79, 80] })`), ranges (`range(1, 1024)`) or
   * IPv4 networks (`IP({ dst: '198.18.0.0/30' })`) take each of their values
   * in turn, in Scapy's order: the outer layer's fields vary slowest, and in a
   * layer the field declared last. A packet without sets yields a copy of
   * itself. send() and the sr family do this for you.
   */
  *packets(): Generator<this> {
    const total = this.countPackets();
    if (total > MAX_SET_PACKETS)
      throw new TypeError(`${this.layerName}: the packet set holds ${total} packets, more than ${MAX_SET_PACKETS}`);
    const dims: Array<{ depth: number; name: string; vals: unknown[] }> = [];
    let depth = 0;
    for (let l: Layer | undefined = this; l; l = l.payload, depth++) {
      // Scapy's order: in a layer, the field declared last varies slowest.
      const order = (name: string): number => l!.cls.fieldDefs.findIndex((d) => d.name === name);
      const here = [...(l.valueSets ?? [])].sort((a, b) => order(b[0]) - order(a[0]));
      for (const [name, vals] of here) dims.push({ depth, name, vals });
    }
    const idx = dims.map(() => 0);
    for (let n = 0; n < total; n++) {
      const c = this.copy();
      const chain = c.layers();
      for (const l of chain) l.valueSets = undefined;
      dims.forEach((d, i) => (chain[d.depth].values[d.name] = d.vals[idx[i]]));
      yield c;
      for (let i = dims.length - 1; i >= 0; i--) {
        if (++idx[i] < dims[i].vals.length) break;
        idx[i] = 0;
      }
    }
  }

  /** `for (const p of IP({ dst: '198.18.0.0/30' }))`: the packets of the set (see {@link Layer.packets}). */
  [Symbol.iterator](): Generator<this> {
    return this.packets();
  }

  /** Sets values read from bytes without validation (they are in range by construction). For dissectors. */
  setParsed(values: Record<string, unknown>): this {
    Object.assign(this.values, values);
    return this;
  }

  /**
   * Every field that exists on this layer (conditional ones included only when
   * present) with the value build and show use; unset automatic fields are null.
   */
  fieldValues(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const def of this.cls.fieldDefs) if (this.hasField(def)) out[def.name] = this.value(def.name);
    return out;
  }

  /** The current value of a field: what was set, else its default (null = automatic). */
  getField(name: string): unknown {
    const v = this.values[name];
    if (v !== undefined) return v;
    const def = fieldMap(this.cls).get(name);
    if (!def) throw fieldError(this.layerName, name, 'no such field');
    // A default array or byte string becomes this layer's own copy when read, so changing
    // it in place (ip.options.push(...)) cannot change the default of every other layer.
    if (def.clone && typeof def.default === 'object' && def.default !== null) {
      const own = def.clone(def.default) as object;
      materializedDefaults.add(own);
      return (this.values[name] = own);
    }
    return def.default;
  }

  /** True when the field holds a value given by the user or read from bytes. */
  isSet(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null && !(typeof v === 'object' && materializedDefaults.has(v));
  }

  /** The value the layer below would get from its payload binding (ethertype, protocol ...). */
  protected overloadedBy(name: string): unknown {
    const up = this.payload;
    if (!up) return undefined;
    // The payload's own class first (a destination options header is also a hop-by-hop header to
    // instanceof), then its base classes; the lower layer's bindings, then those of its base classes.
    for (const exact of [true, false]) {
      for (let c = this.cls; c && (c as unknown) !== Layer; c = Object.getPrototypeOf(c) as LayerClass) {
        for (const b of bindings.get(c) ?? []) {
          if (!b.overload) continue;
          if (exact ? up.constructor !== b.upper : !(up instanceof (b.upper as unknown as new () => Layer))) continue;
          if (name in b.fields) return b.fields[name];
          if (b.buildOnly && name in b.buildOnly) return b.buildOnly[name];
        }
      }
    }
    return undefined;
  }

  /**
   * The value used for building and printing: the field's value when set, else
   * what the payload implies (Scapy's overloaded fields), else its default.
   */
  value(name: string): unknown {
    const v = this.getField(name);
    if (v !== null && name in this.values) return v;
    return this.overloadedBy(name) ?? v;
  }

  /** Appends `next` (a layer, or bytes/text as Raw) below the last layer of a copy of this packet: Scapy's `/`. */
  div(next: Layer | Uint8Array | string): this {
    if (!(next instanceof Layer) && !(next instanceof Uint8Array) && typeof next !== 'string') {
      const hint =
        typeof next === 'function' && 'layerClass' in next
          ? ` (call it: ${String((next as { layerName?: string }).layerName)}())`
          : '';
      throw new TypeError(expected('a layer, a Uint8Array or a string', `${this.layerName}.div()`, next) + hint);
    }
    const top = this.copy();
    const tail = next instanceof Layer ? next.copy() : makeRaw(next);
    top.lastLayer().attach(tail);
    return top;
  }

  /** Links `next` as this layer's payload (in place). */
  attach(next: Layer | undefined): void {
    this.payload = next;
    if (next) next.underlayer = this;
  }

  /** The last layer of the chain. */
  lastLayer(): Layer {
    let l: Layer = this;
    while (l.payload) l = l.payload;
    return l;
  }

  /** This layer and every layer after it. */
  layers(): Layer[] {
    const out: Layer[] = [];
    for (let l: Layer | undefined = this; l; l = l.payload) out.push(l);
    return out;
  }

  /**
   * The `nth` (0-based) layer of the given type in this chain (Scapy's
   * `pkt[TCP]`), or undefined. A name ('TCP') matches the class name exactly.
   */
  get<L extends Layer>(kind: LayerKind<L>, nth?: number): L | undefined;
  get(name: string, nth?: number): Layer | undefined;
  get(kind: LayerKind | string, nth = 0): Layer | undefined {
    let seen = 0;
    if (typeof kind === 'string') {
      for (let l: Layer | undefined = this; l; l = l.payload) if (l.layerName === kind && seen++ === nth) return l;
      return undefined;
    }
    if (typeof kind !== 'function' && (typeof kind !== 'object' || kind === null)) {
      throw new TypeError(
        `${this.layerName}.get: expected a layer type (e.g. TCP) or its name but received ${typeof kind}`,
      );
    }
    for (let l: Layer | undefined = this; l; l = l.payload) {
      if (l instanceof (kind as unknown as new () => Layer) && seen++ === nth) return l;
    }
    return undefined;
  }

  /** True when the chain holds a layer of this type (Scapy's `haslayer`). */
  has(kind: LayerKind | string): boolean {
    return (typeof kind === 'string' ? this.get(kind) : this.get(kind)) !== undefined;
  }

  /**
   * A deep copy of this layer and its payload chain (Scapy's `copy()`), with
   * `changes` applied to this layer's fields (null clears a value back to automatic).
   */
  copy(changes?: object): this {
    const cls = this.cls;
    const c = new (cls as unknown as new () => this)();
    const defs = fieldMap(cls);
    for (const k in this.values) {
      const v = this.values[k];
      const def = defs.get(k);
      c.values[k] = def?.clone ? def.clone(v) : v;
    }
    this.copyExtra(c);
    c.time = this.time;
    if (this.valueSets) c.valueSets = new Map(this.valueSets);
    if (changes) {
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) {
          delete c.values[k];
          c.valueSets?.delete(k);
        }
      }
      c.setFields(Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null)));
    }
    if (this.payload) c.attach(this.payload.copy());
    return c;
  }

  /** Hook for subclasses that keep state outside `values`. */
  protected copyExtra(_target: this): void {}

  /** The packet's bytes from this layer on, with every unset automatic field computed. */
  toBytes(): Uint8Array {
    for (let l: Layer | undefined = this; l; l = l.payload) {
      const first = l.valueSets?.entries().next().value;
      if (first) {
        throw new TypeError(
          `${l.layerName}.${first[0]} holds ${first[1].length} values: this is a set of ${this.countPackets()} packets; ` +
            'build each one from packets() (send and the sr functions do)',
        );
      }
    }
    const core = this.buildWithPayload();
    const pad = this.collectPadding();
    return pad.length ? concat(core, pad) : core;
  }

  /** Builds this layer over its already built payload. Padding is added after the whole chain. */
  buildWithPayload(): Uint8Array {
    const pay = this.payload ? this.payload.buildWithPayload() : EMPTY;
    return this.encode(pay);
  }

  /** Trailer bytes (Padding layers) that go after everything, outside every length and checksum. */
  protected collectPadding(): Uint8Array {
    return this.payload ? this.payload.collectPadding() : EMPTY;
  }

  /** Returns this layer's header followed by `payload`, filling automatic fields. */
  protected abstract encode(payload: Uint8Array): Uint8Array;

  /** The class of the payload to decode after this layer (bindings; subclasses add rules). */
  guessPayloadClass(buf: Uint8Array, off: number, end: number): LayerClass | undefined {
    // A class's own bindings first, then its base classes' (UDPerror decodes DNS like UDP does).
    for (let c = this.cls; c && (c as unknown) !== Layer; c = Object.getPrototypeOf(c) as LayerClass) {
      for (const b of bindings.get(c) ?? []) {
        let match = true;
        for (const [k, v] of b.entries) if (this.values[k] !== v) match = false;
        if (match && (!b.when || b.when(buf, off, end))) return b.upper;
      }
    }
    return undefined;
  }

  /** IP-like layers give the addresses of the TCP/UDP/ICMPv6 pseudo-header. */
  pseudoAddresses(): { src: Uint8Array; dst: Uint8Array; v6: boolean } | undefined {
    return undefined;
  }

  /** IPv6 routing headers give the final destination, which the pseudo-header uses (RFC 8200 8.1). */
  routingFinalDestination(): Uint8Array | undefined {
    return undefined;
  }

  /** Scapy's per-layer summary text ('' when the layer has none, then its class name is used). */
  mySummary(): string {
    return '';
  }

  /** Scapy's one-line summary: `Ether / IP / TCP 198.18.0.1:1234 > 198.18.0.2:8888 S`. */
  summary(): string {
    return this.doSummary()[1];
  }

  /** Scapy's _do_summary: the innermost layer with a summary speaks, the others give their names. */
  protected doSummary(): [boolean, string] {
    let [found, s] = this.payload ? this.payload.doSummary() : [false, ''];
    let ret = '';
    if (!found) ret = this.mySummary();
    if (ret) found = true;
    if (!ret) ret = this.layerName;
    return [found, ret && s ? `${ret} / ${s}` : ret + s];
  }

  /** A field's printed form, as Scapy's sprintf('%Layer.field%') gives it. */
  fieldRepr(name: string): string {
    const def = fieldMap(this.cls).get(name);
    if (!def) throw fieldError(this.layerName, name, 'no such field');
    return def.repr(this.value(name), this);
  }

  /**
   * Scapy's sprintf(): `%IP.src%` is the printed field of the first IP layer
   * from here on, `%ttl%` a field of this layer, `%%` a percent sign; a layer
   * or field that is not there prints as `??`.
   */
  sprintf(format: string): string {
    return format.replace(
      /%%|%(?:([A-Za-z0-9_]+)\.)?([A-Za-z0-9_]+)%/g,
      (m, layerName: string | undefined, field: string) => {
        if (m === '%%') return '%';
        const layer = layerName === undefined ? this : this.get(layerName);
        if (!layer || !fieldMap(layer.cls).has(field)) return '??';
        return layer.fieldRepr(field);
      },
    );
  }

  /** Scapy's show() layout as a string (`###[ IP ]###` then one `name = value` line per field). */
  showString(): string {
    return this.showOrDump('', '');
  }

  /** Prints show()'s layout (Scapy's `pkt.show()`). */
  show(): void {
    console.log(this.showString());
  }

  /** show() of the packet as built: automatic fields computed (Scapy's `show2()`). */
  show2String(): string {
    return reparse(this).showString();
  }

  /** Prints show2()'s layout. */
  show2(): void {
    console.log(this.show2String());
  }

  /** Scapy's hexdump() of the built bytes. */
  hexdump(): string {
    return hexdump(this.toBytes());
  }

  /** Whether a conditional field currently exists. */
  hasField(def: FieldDef): boolean {
    return !def.when || def.when(this as never);
  }

  /** Scapy's _show_or_dump with indent 3. */
  showOrDump(lvl: string, labelLvl: string): string {
    let s = `${labelLvl}###[ ${this.cls.displayName} ]### \n`;
    for (const def of this.cls.fieldDefs) {
      if (!this.hasField(def)) continue;
      const v = this.value(def.name);
      const pad = ' '.repeat(Math.max(0, 10 - def.name.length));
      if (def.showNested && Array.isArray(v) && v.length > 0) {
        s += `${labelLvl + lvl}  \\${def.name}${pad}\\\n`;
        s += def.showNested(v, `${labelLvl + lvl}   |`);
      } else if (
        def.nested &&
        Array.isArray(v) &&
        (v.length > 0 || def.nested === 'list') &&
        v.every((x) => x instanceof Layer)
      ) {
        s += `${labelLvl + lvl}  \\${def.name}${pad}\\\n`;
        (v as Layer[]).forEach((p, i) => {
          s += p.showOrDump(def.nested === 'indent' ? '   '.repeat(i) : '', `${labelLvl + lvl}   |`);
        });
      } else {
        const repr = def
          .repr(v, this)
          .replace(/\n/g, '\n' + ' '.repeat(labelLvl.length + lvl.length + def.name.length + 4));
        s += `${labelLvl + lvl}  ${def.name}${pad}= ${repr}\n`;
      }
    }
    if (this.payload) s += this.payload.showOrDump(lvl + '   ', labelLvl);
    return s;
  }
}

/** Most packets one packet set may stand for (a /12 network, or 16 ports x 65536 ...). */
export const MAX_SET_PACKETS = 1 << 20;

/** An inclusive range of integers for a field (Scapy's `(lo, hi)` tuple): `TCP({ dport: range(1, 1024) })`. */
export class FieldRange {
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
      throw new TypeError(`range(): expected two integers lo <= hi but received ${String(lo)}, ${String(hi)}`);
    }
    if (hi - lo + 1 > MAX_SET_PACKETS)
      throw new TypeError(`range(): ${hi - lo + 1} values, more than ${MAX_SET_PACKETS}`);
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
    throw new TypeError(`'${s}' holds ${size} addresses, more than the ${MAX_SET_PACKETS} a packet set may hold`);
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
function expandSet(layer: string, def: FieldDef, v: unknown): unknown[] | undefined {
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

/**
 * The pseudo-header for an upper-layer checksum computed at `l4`: from the
 * nearest IP or IPv6 layer below it, with an IPv6 routing header's final
 * destination in place of dst. Undefined when there is no IP layer below.
 */
export function pseudoHeader(l4: Layer, proto: number, length: number): Uint8Array | undefined {
  let finalDst: Uint8Array | undefined;
  for (let l = l4.underlayer; l; l = l.underlayer) {
    finalDst ??= l.routingFinalDestination();
    const a = l.pseudoAddresses();
    if (a)
      return a.v6
        ? ipv6PseudoHeader(a.src, finalDst ?? a.dst, proto, length)
        : ipv4PseudoHeader(a.src, a.dst, proto, length);
  }
  return undefined;
}

/** Builds the packet and decodes it again with the same first layer (what show2() prints). */
function reparse(layer: Layer): Layer {
  return dissectChain(layer.toBytes(), 0, undefined, layer.cls);
}

let rawFactory: ((load: Uint8Array) => Layer) | undefined;
let paddingFactory: ((load: Uint8Array) => Layer) | undefined;
let rawClass: LayerClass | undefined;

/**
 * The value of an automatic length field: `length`, or a {@link BuildError}
 * when it does not fit the field (a 70,000-byte payload under IP, whose len is
 * 16 bits), instead of a length that quietly says something else.
 */
export function autoLength(layer: string, field: string, length: number, max: number): number {
  if (length <= max) return length;
  throw new BuildError(
    `${layer}.${field}: ${length} bytes do not fit the field (at most ${max}): send less (fragment it), or set ${field} yourself to build the packet broken on purpose`,
    { code: 'ETOOBIG' },
  );
}

/** Registers Raw and Padding (raw.ts does this; kept out of here to avoid an import cycle). */
export function registerRaw(
  raw: LayerClass,
  makeRawLayer: (b: Uint8Array) => Layer,
  makePadding: (b: Uint8Array) => Layer,
): void {
  rawClass = raw;
  rawFactory = makeRawLayer;
  paddingFactory = makePadding;
}

function makeRaw(data: Uint8Array | string): Layer {
  const b = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  return rawFactory!(b);
}

/** How many layers one packet is decoded into at most (the native dissector also stops early: FLAG_TOO_DEEP). */
export const MAX_DEPTH = 64;

/**
 * Decodes `buf[off, end)` as `first` followed by whatever its fields announce.
 * Never throws on bad bytes: a header that does not fit becomes Raw; bytes
 * past a declared length (an Ethernet trailer after the IP packet) become Padding.
 */
export function dissectChain(
  buf: Uint8Array,
  off: number,
  end: number | undefined,
  first: LayerClass,
  under?: Layer,
  depth = 0,
): Layer {
  const stop = Math.min(end ?? buf.length, buf.length);
  let d: Dissected;
  try {
    // Crafted bytes can nest headers thousands deep (VLAN tags, IP in IP): past a limit the rest is Raw.
    if (depth >= MAX_DEPTH) throw new ShortInput('too many nested headers');
    d = first.dissect(buf, off, stop, under);
  } catch (e) {
    if (!(e instanceof ShortInput) && !(e instanceof RangeError)) throw e;
    d = rawClass!.dissect(buf, off, stop);
  }
  const layer = d.layer;
  const payEnd = Math.max(d.headerEnd, Math.min(d.payloadEnd ?? stop, stop));
  if (d.headerEnd < payEnd) {
    const next = layer.guessPayloadClass(buf, d.headerEnd, payEnd) ?? rawClass!;
    layer.attach(dissectChain(buf, d.headerEnd, payEnd, next, layer, depth + 1));
  }
  if (payEnd < stop) layer.lastLayer().attach(paddingFactory!(buf.slice(payEnd, stop)));
  return layer;
}

/**
 * A layer's fields as its factory takes them: each value, or a packet set of
 * them (a list, a {@link range}, an IPv4 network string for address fields).
 */
export type FieldSets<F> = { [K in keyof F]?: F[K] | ReadonlyArray<NonNullable<F[K]> | FieldRange> | FieldRange };

/** Factory + class in one value: `IP({...})` builds, `x instanceof IP` and `pkt.get(IP)` test. */
export interface LayerFactory<L extends Layer, F> {
  (fields?: FieldSets<F>): L;
  new (fields?: FieldSets<F>): L;
  readonly prototype: L;
  /** The class behind the factory. */
  readonly layerClass: LayerClass<L>;
  /** Scapy's class name. */
  readonly layerName: string;
}

/** Makes the Scapy-named factory for a layer class. */
export function factory<L extends Layer, F>(cls: new (fields?: F) => L): LayerFactory<L, F> {
  const f = function (fields?: FieldSets<F>): L {
    return new cls(fields as F);
  };
  Object.defineProperty(f, 'name', { value: (cls as unknown as LayerClass).layerName });
  f.prototype = cls.prototype;
  Object.defineProperty(f, 'layerClass', { value: cls });
  Object.defineProperty(f, 'layerName', { value: (cls as unknown as LayerClass).layerName });
  return f as unknown as LayerFactory<L, F>;
}

/**
 * Installs accessors for a class's fields so `ip.ttl` reads and `ip.ttl = 5`
 * validates and writes. Reading gives value(): `IP().div(TCP()).proto` is 6,
 * as in Scapy. (Typed through an interface merged with the class.)
 */
export function defineAccessors(cls: LayerClass): void {
  for (const def of cls.fieldDefs) {
    if (Object.prototype.hasOwnProperty.call(cls.prototype, def.name)) continue;
    Object.defineProperty(cls.prototype, def.name, {
      // Like Scapy's getfieldval: the value set, else what the payload implies, else the default.
      get(this: Layer) {
        return this.value(def.name);
      },
      set(this: Layer, v: unknown) {
        if (v === null) {
          delete (this as unknown as { values: Record<string, unknown> }).values[def.name];
        } else {
          this.setFields({ [def.name]: v });
        }
      },
      enumerable: false,
      configurable: true,
    });
  }
}

/** Throws ShortInput unless `need` bytes are available at `off`. */
export function need(off: number, end: number, count: number): void {
  if (off + count > end) throw new ShortInput(`need ${count} bytes at ${off}, have ${Math.max(0, end - off)}`);
}

/**
 * Big-endian (or little-endian on request) 16/32-bit access to a Uint8Array,
 * with DataView's method names. Cheaper to make than a DataView, which the
 * layers would otherwise create for every header they read or write.
 */
export class ByteView {
  constructor(private readonly b: Uint8Array) {}

  getUint16(o: number, littleEndian = false): number {
    const b = this.b;
    if (o + 2 > b.length) throw new RangeError(`offset ${o} is outside the bounds of the buffer`);
    return littleEndian ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  getUint32(o: number, littleEndian = false): number {
    const b = this.b;
    if (o + 4 > b.length) throw new RangeError(`offset ${o} is outside the bounds of the buffer`);
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
