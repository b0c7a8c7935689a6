// Scapy's ls(): the fields of a layer class (name, Scapy field class,
// default) or of a packet (with each layer's current values), in Scapy's
// layout. Everything comes from the layers' one declaration (fieldDefs).
import { describe } from './field';
import { ruleError } from '../args';
import { Layer, layerClassOf, type LayerClass, type LayerKind } from './layer';
import { pyBytes, pyStr } from './pyrepr';

/** Scapy field classes that differ from what a field's kind alone says (source/destination address fields, list fields). */
const SCAPY_TYPES: Record<string, string> = {
  'Ether.dst': 'DestMACField',
  'Ether.src': 'SourceMACField',
  'IP.src': 'SourceIPField',
  'IP.dst': 'DestIPField',
  'IP.options': 'PacketListField',
  'IPv6.src': 'SourceIP6Field',
  'IPv6.dst': 'DestIP6Field',
  'TCP.options': 'TCPOptionsField',
};

/** Scapy's declared defaults where ours is what building fills in (Scapy resolves those later, from None or b''). */
const SCAPY_DEFAULTS: Record<string, string> = {
  'Ether.dst': 'None',
  'IP.dst': 'None',
  'IPv6.dst': 'None',
  'TCP.options': "b''",
};

/** Python's repr() of a field value as Scapy's getattr gives it. */
function pyRepr(v: unknown, flags: boolean, text: () => string): string {
  if (v === null || v === undefined) return 'None';
  if (flags && typeof v === 'number') return `<Flag ${v} (${text()})>`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStr(v);
  if (v instanceof Uint8Array) return pyBytes(v);
  if (Array.isArray(v) && v.length === 0) return '[]';
  return text();
}

/** The lines of ls() for one class, with the values of `layer` when given. */
function lines(cls: LayerClass, layer?: Layer): string[] {
  const bare = layer ?? new cls();
  return cls.fieldDefs.map((def) => {
    let type = SCAPY_TYPES[`${cls.layerName}.${def.name}`] ?? def.scapyType ?? 'Field';
    if (def.when) type += ' (Cond)';
    const isFlags = def.scapyType === 'FlagsField';
    // The default as Scapy prints it: repr() of its str().
    const dflt = pyStr(
      SCAPY_DEFAULTS[`${cls.layerName}.${def.name}`] ?? pyRepr(def.default, isFlags, () => def.repr(def.default, bare)),
    );
    let s = `${def.name.padEnd(10)} : ${(type + (type.includes('(') ? '' : ' ')).padEnd(35)} =`;
    if (layer) {
      const v = layer.value(def.name);
      s += ` ${pyRepr(v, isFlags, () => def.repr(v, layer)).padEnd(15)}`;
    }
    return `${s} (${dflt})`;
  });
}

/**
 * Scapy's ls() as text: for a layer type (`lsString(TCP)`) each field with its
 * Scapy field class and default; for a packet each field's current value too,
 * layer after layer separated by `--`.
 */
export function lsString(x: Layer | LayerKind): string {
  if (x instanceof Layer) {
    const out: string[] = [];
    for (let l: Layer | undefined = x; l; l = l.payload) {
      if (l !== x) out.push('--');
      out.push(...lines(l.cls, l));
    }
    return out.join('\n');
  }
  const cls = layerClassOf(x);
  if (!cls) throw ruleError('', `ls(): expected a layer type (e.g. TCP) or a packet but received ${describe(x)}`);
  return lines(cls).join('\n');
}

/** Prints Scapy's ls() of a layer type or a packet (see {@link lsString}). */
export function ls(x: Layer | LayerKind): void {
  console.log(lsString(x));
}
