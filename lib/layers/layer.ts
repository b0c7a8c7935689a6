// The base of every layer: field values (set, read, defaults, what the layer
// above implies), stacking with div() (Scapy's `/`), lookup by type, copy and
// build (toBytes). The rest lives beside it, one job per file: show.ts prints,
// bind.ts holds the bindings, dissect.ts is parse()'s chain dissector,
// packet-set.ts expands packet sets, factory.ts makes factories and accessors.
import { argError, ruleError } from '../args';
import { hexdump } from '../hexdump';
import { boundPayloadClass, overloadedValue } from './bind';
import { dissectChain, makeRaw, type Dissected } from './dissect';
import { fieldError, fieldIndex, type FieldDef, type FieldList } from './field';
import { expandSet, MAX_SET_PACKETS } from './packet-set';
import { fieldRepr, showOrDump, sprintf, summaryOf } from './show';

export { ShortInput, type Dissected } from './dissect';
export { MAX_SET_PACKETS } from './packet-set';

const EMPTY = new Uint8Array(0);

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
  /** The layer's one declaration: its fields in wire and show() order. */
  readonly fieldDefs: FieldList;
  /**
   * Decodes this layer at `off` (never past `end`); throws ShortInput when the
   * bytes are too few. `under` is the layer it will follow, for layers whose
   * form depends on it (DNS over TCP has a length prefix).
   */
  dissect(buf: Uint8Array, off: number, end: number, under?: Layer): Dissected;
}

/** True for a concrete layer class (what the dissector and the bindings take). */
function isLayerClass(x: unknown): x is LayerClass {
  return typeof x === 'function' && x.prototype instanceof Layer && 'dissect' in x && typeof x.dissect === 'function';
}

/** The class behind a layer factory (`IP`) or class (`IPLayer`), or undefined for anything else. */
export function layerClassOf(kind: unknown): LayerClass | undefined {
  const cls = typeof kind === 'function' && 'layerClass' in kind ? kind.layerClass : kind;
  return isLayerClass(cls) ? cls : undefined;
}

/** Copies of default arrays handed out by getField(): still "unset" for isSet(). */
const materializedDefaults = new WeakSet<object>();

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
  /** The fields in wire/show order: the layer's one declaration. */
  static readonly fieldDefs: FieldList = [];

  /** The next layer (Scapy's `payload`), undefined for the last one. */
  declare payload: Layer | undefined;
  /** The layer this one is the payload of (Scapy's `underlayer`). */
  declare underlayer: Layer | undefined;
  /** Values set by the user or read from bytes; a missing key means "default". */
  declare protected values: Record<string, unknown>;
  /**
   * When the packet was captured, in seconds since the epoch with the
   * fraction (Scapy's `pkt.time`): set on packets that sniff(), rdpcap() and
   * the sr family return (the capture timestamp), kept by copy(); undefined
   * on packets built here.
   */
  declare time: number | undefined;
  /** Fields that hold several values (Scapy's packet sets), in the order they were set. */
  declare protected valueSets: Map<string, unknown[]> | undefined;

  constructor(fields?: object) {
    // Plain assignments (not class-field definitions): every layer object gets the same shape cheaply.
    this.payload = undefined;
    this.underlayer = undefined;
    this.time = undefined;
    this.valueSets = undefined;
    this.values = {};
    if (fields !== undefined) this.setFields(fields);
  }

  /** The class of this layer as the registry sees it. */
  get cls(): LayerClass {
    return this.constructor as LayerClass;
  }

  /** Scapy's class name of this layer, e.g. 'TCP'. */
  get layerName(): string {
    return this.cls.layerName;
  }

  // ---- field values ---------------------------------------------------------

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
      throw argError(`an object of ${cls.layerName} fields`, `${cls.layerName}()`, fields);
    }
    const defs = fieldIndex(cls.fieldDefs);
    for (const k in fields) {
      const v: unknown = fields[k as keyof typeof fields];
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

  /** @internal Makes a field automatic or default again (what assigning null to it does). */
  unsetField(name: string): void {
    delete this.values[name];
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
    const def = fieldIndex(this.cls.fieldDefs).get(name);
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
    return this.payload ? overloadedValue(this, this.payload, name) : undefined;
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

  /** Whether a conditional field currently exists. */
  hasField(def: FieldDef): boolean {
    return !def.when || def.when(this as never);
  }

  // ---- packet sets ----------------------------------------------------------

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
      throw ruleError('', `${this.layerName}: the packet set holds ${total} packets, more than ${MAX_SET_PACKETS}`);
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

  // ---- the chain -------------------------------------------------------------

  /** Appends `next` (a layer, or bytes/text as Raw) below the last layer of a copy of this packet: Scapy's `/`. */
  div(next: Layer | Uint8Array | string): this {
    if (!(next instanceof Layer) && !(next instanceof Uint8Array) && typeof next !== 'string') {
      const name = layerClassOf(next)?.layerName;
      const err = argError('a layer, a Uint8Array or a string', `${this.layerName}.div()`, next);
      // A factory passed uncalled (div(TCP)): say what to write instead.
      if (name !== undefined && typeof next === 'function' && 'layerClass' in next)
        err.message += ` (call it: ${name}())`;
      throw err;
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
    // A layer type is a class or a factory, both functions; instanceof needs one.
    if (typeof kind !== 'function') {
      throw ruleError(
        '',
        `${this.layerName}.get: expected a layer type (e.g. TCP) or its name but received ${typeof kind}`,
      );
    }
    for (let l: Layer | undefined = this; l; l = l.payload) {
      if (l instanceof kind && seen++ === nth) return l;
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
    const c = new cls() as this;
    const defs = fieldIndex(cls.fieldDefs);
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

  /** The class of the payload to decode after this layer (bindings; subclasses add rules). */
  guessPayloadClass(buf: Uint8Array, off: number, end: number): LayerClass | undefined {
    return boundPayloadClass(this, this.values, buf, off, end);
  }

  // ---- build ------------------------------------------------------------------

  /** The packet's bytes from this layer on, with every unset automatic field computed. */
  toBytes(): Uint8Array {
    for (let l: Layer | undefined = this; l; l = l.payload) {
      const first = l.valueSets?.entries().next().value;
      if (first) {
        throw ruleError(
          '',
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

  /** IP-like layers give the addresses of the TCP/UDP/ICMPv6 pseudo-header. */
  pseudoAddresses(): { src: Uint8Array; dst: Uint8Array; v6: boolean } | undefined {
    return undefined;
  }

  /** IPv6 routing headers give the final destination, which the pseudo-header uses (RFC 8200 8.1). */
  routingFinalDestination(): Uint8Array | undefined {
    return undefined;
  }

  // ---- text (show.ts) -----------------------------------------------------------

  /** Scapy's per-layer summary text ('' when the layer has none, then its class name is used). */
  mySummary(): string {
    return '';
  }

  /** Scapy's one-line summary: `Ether / IP / TCP 198.18.0.1:1234 > 198.18.0.2:8888 S`. */
  summary(): string {
    return summaryOf(this)[1];
  }

  /** A field's printed form, as Scapy's sprintf('%Layer.field%') gives it. */
  fieldRepr(name: string): string {
    return fieldRepr(this, name);
  }

  /**
   * Scapy's sprintf(): `%IP.src%` is the printed field of the first IP layer
   * from here on, `%ttl%` a field of this layer, `%%` a percent sign; a layer
   * or field that is not there prints as `??`.
   */
  sprintf(format: string): string {
    return sprintf(this, format);
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
    return dissectChain(this.toBytes(), 0, undefined, this.cls).showString();
  }

  /** Prints show2()'s layout. */
  show2(): void {
    console.log(this.show2String());
  }

  /** Scapy's hexdump() of the built bytes. */
  hexdump(): string {
    return hexdump(this.toBytes());
  }

  /** Scapy's _show_or_dump with indent 3. */
  showOrDump(lvl: string, labelLvl: string): string {
    return showOrDump(this, lvl, labelLvl);
  }
}
