// Field descriptors: one per Scapy field. A descriptor validates what the user
// passes (TypeError naming layer and field), knows its default, and prints
// its value the way Scapy's i2repr does for show() and summary().
import { isIPv4, isMAC, normalizeIPv6 } from './addr';
import type { NameTable } from './names';
import { pyHex, pyStrOfBytes } from './pyrepr';
import { ruleError } from '../args';

/**
 * What every field descriptor provides. `default: null` means "filled in when
 * the packet is built". `N` is the field's name, `V` what reading it gives and
 * `I` what setting it accepts: a layer's list of descriptors is its one
 * declaration, and {@link FieldValues} / {@link FieldInputs} derive the
 * layer's property and constructor types from it.
 */
export interface FieldDef<N extends string = string, V = unknown, I = V> {
  /** Scapy's field name. */
  readonly name: N;
  /** Value used when the user leaves the field unset; null = computed at build time. */
  readonly default: unknown;
  /** Validates and normalises a user value; throws TypeError naming `layer.field`. */
  check(layer: string, value: unknown): unknown;
  /** Scapy's printed form of a value (`None` for an unset automatic field). */
  repr(value: unknown, owner: object): string;
  /** When present, the field exists only while this returns true (Scapy's ConditionalField). */
  readonly when?: (owner: never) => boolean;
  /**
   * show() prints the value as nested layers: 'list' like Scapy's
   * PacketListField (a header even when empty), 'chain' like Scapy 2.5's DNS
   * record fields (records chained as one packet; `None` when empty), 'indent'
   * like chained records whose every next one is indented further (MLDv2).
   */
  readonly nested?: 'list' | 'chain' | 'indent';
  /**
   * show() prints a non-empty value as nested records made by this function
   * (each line starting with `prefix`), for values that are not layers (IP options).
   */
  showNested?(value: unknown, prefix: string): string;
  /** Deep copy for mutable values (arrays, bytes). */
  clone?(value: unknown): unknown;
  /** Scapy's class of this field with its note, as ls() prints it: `ShortEnumField`, `BitField  (4 bits)`. */
  readonly scapyType?: string;
  /**
   * How the field lies on the wire when a layer's bytes are just its fields in
   * order (ICMPv6 messages, ND options, the fragment header; struct.ts packs
   * them): a big-endian bit field, an address, or the bytes up to the end.
   */
  readonly wire?: Wire;
  /** Types only, never present at run time: what reading the field gives and what setting it accepts. */
  readonly __types?: { readonly value: V; readonly input: I };
}

/** A field's place on the wire: `bits` wide, an address, or the bytes that run to the end of the layer. */
export type Wire = { readonly bits: number } | { readonly kind: 'ip4' | 'ip6' | 'mac' | 'bytes' };

/** A layer's declaration: its field descriptors in wire and show() order. */
export type FieldList = readonly FieldDef<string, unknown, unknown>[];

type ValueOf<F> = F extends FieldDef<string, infer V, infer _I> ? V : never;
type InputOf<F> = F extends FieldDef<string, infer _V, infer I> ? I : never;

/** The properties a layer gets from its declaration `D`: `ip.ttl` is a number, `ip.len` a number or null. */
export type FieldValues<D extends FieldList> = { -readonly [F in D[number] as F['name']]: ValueOf<F> };

/** What a layer's constructor and factory take, from its declaration `D`: each field optional. */
export type FieldInputs<D extends FieldList> = { [F in D[number] as F['name']]?: InputOf<F> };

/** The value of a field that is null when unset and computed at build time. */
type Auto<D, T> = D extends null ? T | null : T;
/** Enum fields accept their names as well as numbers. */
type Named<O> = O extends { names: unknown } | { namesFor: unknown } ? number | string : number;

const indexes = new WeakMap<FieldList, ReadonlyMap<string, FieldDef>>();
/** A declaration's descriptors by name (built once per declaration). */
export function fieldIndex(defs: FieldList): ReadonlyMap<string, FieldDef> {
  let m = indexes.get(defs);
  if (!m) indexes.set(defs, (m = new Map(defs.map((f) => [f.name, f]))));
  return m;
}

/** Builds the TypeError all layers throw for bad input: `IP.ttl: expected ... but received 300`. */
export function fieldError(layer: string, field: string, message: string): TypeError {
  return ruleError('', `${layer}.${field}: ${message}`);
}

/** How a received value is named in error messages. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return 'an array';
  return `a value of type ${typeof v}`;
}

/** Reverse lookup of a name in a table (Scapy's enum fields accept names too). */
function byName(table: NameTable, name: string): number | undefined {
  for (const [k, v] of Object.entries(table)) if (v === name) return Number(k);
  return undefined;
}

/** Options of an unsigned integer field. */
export interface UintOptions {
  /** Print as hex (Scapy's X...Field). */
  hex?: boolean;
  /** Names printed instead of numbers (Scapy's ...EnumField); accepted as input too. */
  names?: NameTable | (() => NameTable);
  /** Names that depend on another field of the layer (Scapy's MultiEnumField). */
  namesFor?: (owner: never) => NameTable | undefined;
  /** Field exists only when this is true. */
  when?: (owner: never) => boolean;
}

/** An unsigned integer of `bits` bits. `def: null` makes it automatic (length, checksum ...). */
export function uint<N extends string, D extends number | null, O extends UintOptions = Record<never, never>>(
  name: N,
  bits: number,
  def: D,
  opts?: O,
): FieldDef<N, Auto<D, number>, Auto<D, Named<O>>>;
export function uint(name: string, bits: number, def: number | null, opts: UintOptions = {}): FieldDef {
  const max = 2 ** bits - 1;
  const table = (): NameTable | undefined => (typeof opts.names === 'function' ? opts.names() : opts.names);
  const size = bits === 8 ? 'Byte' : bits === 16 ? 'Short' : bits === 32 ? 'Int' : undefined;
  const scapyType = opts.namesFor
    ? 'MultiEnumField'
    : size
      ? `${opts.hex ? 'X' : ''}${size}${opts.names ? 'Enum' : ''}Field`
      : opts.names
        ? 'BitEnumField'
        : `${opts.hex ? 'X' : ''}BitField  (${bits} bit${bits > 1 ? 's' : ''})`;
  return {
    name,
    default: def,
    scapyType,
    wire: { bits },
    when: opts.when,
    check(layer, v) {
      if (v === null && def === null) return null;
      if (typeof v === 'string') {
        const t = table();
        const n = t ? byName(t, v) : undefined;
        if (n === undefined) throw fieldError(layer, name, `unknown name '${v}'` + (t ? '' : ', expected a number'));
        return n;
      }
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
        throw fieldError(layer, name, `expected an integer 0..${max} but received ${describe(v)}`);
      }
      return v;
    },
    repr(v, owner) {
      if (v === null || v === undefined) return 'None';
      const n = v as number;
      const named = (opts.namesFor ? opts.namesFor(owner as never) : table())?.[n];
      if (named !== undefined) return named;
      return opts.hex ? pyHex(n) : String(n);
    },
  };
}

/**
 * A flags field: bit i is named `names[i]`. Accepts a number or Scapy's text:
 * single-letter names written together ('SA'), longer names joined with '+' ('MF+DF').
 */
export function flags<N extends string>(
  name: N,
  bits: number,
  names: readonly string[],
  def: number,
  opts: { when?: (o: never) => boolean } = {},
): FieldDef<N, number, number | string> {
  const max = 2 ** bits - 1;
  const letters = names.every((n) => n.length === 1);
  return {
    name,
    default: def,
    scapyType: 'FlagsField',
    wire: { bits },
    when: opts.when,
    check(layer, v) {
      if (typeof v === 'string') return parseFlags(layer, name, names, v);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
        throw fieldError(
          layer,
          name,
          `expected flags (an integer 0..${max} or a string like '${letters ? names.slice(0, 2).join('') : names.slice(0, 2).join('+')}') but received ${describe(v)}`,
        );
      }
      return v;
    },
    repr(v) {
      return flagsToString(names, v as number);
    },
  };
}

/** Text of a flag value as Scapy prints it ('SA', 'MF+DF', '' for none). */
export function flagsToString(names: readonly string[], value: number): string {
  const set: string[] = [];
  for (let i = 0; i < names.length; i++) if (value & (1 << i)) set.push(names[i]);
  // Bits beyond the named ones have no name; Scapy shows them as numbers only, so keep them visible.
  const extra = value >>> names.length;
  const letters = names.every((n) => n.length === 1);
  const text = letters ? set.join('') : set.join('+');
  return extra ? `${text}${text ? '+' : ''}${pyHex(extra << names.length)}` : text;
}

function parseFlags(layer: string, field: string, names: readonly string[], text: string): number {
  const letters = names.every((n) => n.length === 1);
  const parts = letters ? [...text] : text.split('+').filter((p) => p !== '');
  let value = 0;
  for (const p of parts) {
    const i = names.indexOf(p);
    if (i < 0) throw fieldError(layer, field, `unknown flag ${letters ? 'letter ' : ''}'${p}' in '${text}'`);
    value |= 1 << i;
  }
  return value;
}

/**
 * A field holding an address as text. `normalize` gives the stored form of a
 * string, or undefined when the string is not such an address; `what` names
 * the kind in error messages ("an IPv4 address").
 */
function addressField<N extends string, V>(
  name: N,
  def: string | null,
  kind: 'ip4' | 'ip6' | 'mac',
  normalize: (s: string) => string | undefined,
  when?: (o: never) => boolean,
): FieldDef<N, V> {
  const what = { ip4: 'an IPv4 address', ip6: 'an IPv6 address', mac: 'a MAC address' }[kind];
  return {
    name,
    default: def,
    scapyType: { ip4: 'IPField', ip6: 'IP6Field', mac: 'MACField' }[kind],
    wire: { kind },
    when,
    check(layer, v) {
      if (v === null && def === null) return null;
      const stored = typeof v === 'string' ? normalize(v) : undefined;
      if (stored === undefined) {
        throw fieldError(
          layer,
          name,
          typeof v === 'string' ? `'${v}' is not ${what}` : `expected ${what} string but received ${describe(v)}`,
        );
      }
      return stored;
    },
    repr: (v) => (v === null ? 'None' : String(v)),
  };
}

/** An IPv4 address as dotted-quad text. */
export function ipv4<N extends string, D extends string | null>(
  name: N,
  def: D,
  opts: { when?: (o: never) => boolean } = {},
): FieldDef<N, Auto<D, string>> {
  return addressField(name, def, 'ip4', (s) => (isIPv4(s) ? s : undefined), opts.when);
}

/** An IPv6 address, kept in inet_ntop's text form. */
export function ipv6<N extends string, D extends string | null>(name: N, def: D): FieldDef<N, Auto<D, string>> {
  return addressField(name, def, 'ip6', normalizeIPv6);
}

/** A MAC address, kept lower-case with ':' separators. */
export function mac<N extends string, D extends string | null>(name: N, def: D): FieldDef<N, Auto<D, string>> {
  return addressField(name, def, 'mac', (s) => (isMAC(s) ? s.toLowerCase().replace(/-/g, ':') : undefined));
}

/** Converts user bytes: Uint8Array as is, strings as UTF-8 (like Scapy's bytes_encode). */
export function toBytes(layer: string, field: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (typeof v === 'string') return new TextEncoder().encode(v);
  throw fieldError(layer, field, `expected a Uint8Array or a string but received ${describe(v)}`);
}

/** A byte string (Scapy's StrField). `fixed` pads or rejects to an exact length. */
export function bytes<N extends string, D extends Uint8Array | null>(
  name: N,
  def: D,
  opts: { maxLength?: number } = {},
): FieldDef<N, Auto<D, Uint8Array>, Auto<D, Uint8Array | string>> {
  return {
    name,
    default: def,
    scapyType: 'StrField',
    wire: { kind: 'bytes' },
    check(layer, v) {
      if (v === null && def === null) return null;
      const b = toBytes(layer, name, v);
      if (opts.maxLength !== undefined && b.length > opts.maxLength) {
        throw fieldError(layer, name, `expected at most ${opts.maxLength} bytes but received ${b.length}`);
      }
      return b;
    },
    repr: (v) => (v === null ? 'None' : pyStrOfBytes(v as Uint8Array)),
    clone: (v) => (v instanceof Uint8Array ? new Uint8Array(v) : v),
  };
}

/**
 * Lines of one record in show()'s nested layout, as Scapy prints a packet
 * inside a field: `|###[ name ]###` then `|  field     = value`.
 */
export function showRecord(prefix: string, name: string, fields: ReadonlyArray<readonly [string, string]>): string {
  let s = `${prefix}###[ ${name} ]### \n`;
  for (const [k, v] of fields) s += `${prefix}  ${k}${' '.repeat(Math.max(0, 10 - k.length))}= ${v}\n`;
  return s;
}

/**
 * A field with its own checking and printing. `V` (what reading gives) comes
 * from `check`; give `I` when setting accepts more (a single record for a list).
 */
export function custom<N extends string, V, I = V>(
  def: Omit<FieldDef<N, V, I>, 'check'> & { check(layer: string, value: unknown): V },
): FieldDef<N, V, I> {
  return def;
}
