// Scapy 2.5's text forms of a packet, from each layer's declaration: show()
// (one `name = value` line per field, in declaration order), summary() (the
// innermost layer that has one speaks) and sprintf('%IP.src%').
import { fieldError, fieldIndex, type FieldDef } from './field';
import type { Layer } from './layer';

/** The field descriptor `name` of `layer`'s class, if it has one. */
export function fieldDef(layer: Layer, name: string): FieldDef | undefined {
  return fieldIndex(layer.cls.fieldDefs).get(name);
}

/** A field's printed form, as Scapy's sprintf('%Layer.field%') gives it. */
export function fieldRepr(layer: Layer, name: string): string {
  const def = fieldDef(layer, name);
  if (!def) throw fieldError(layer.layerName, name, 'no such field');
  return def.repr(layer.value(name), layer);
}

/** Scapy's sprintf(): `%IP.src%`, `%ttl%`, `%%`; a layer or field that is not there prints as `??`. */
export function sprintf(layer: Layer, format: string): string {
  return format.replace(/%%|%(?:([A-Za-z0-9_]+)\.)?([A-Za-z0-9_]+)%/g, (m, name: string | undefined, field: string) => {
    if (m === '%%') return '%';
    const l = name === undefined ? layer : layer.get(name);
    if (!l || !fieldDef(l, field)) return '??';
    return fieldRepr(l, field);
  });
}

/** Scapy's _do_summary: the innermost layer with a summary speaks, the others give their names. */
export function summaryOf(layer: Layer): [boolean, string] {
  let [found, s] = layer.payload ? summaryOf(layer.payload) : [false, ''];
  let ret = '';
  if (!found) ret = layer.mySummary();
  if (ret) found = true;
  if (!ret) ret = layer.layerName;
  return [found, ret && s ? `${ret} / ${s}` : ret + s];
}

/** True for a layer inside a field (DNS records, MLDv2 records); they print nested. */
function isLayerValue(x: unknown): x is Layer {
  return typeof x === 'object' && x !== null && typeof (x as Partial<Layer>).showOrDump === 'function';
}

/** Scapy's _show_or_dump with indent 3: `layer` and its payloads. */
export function showOrDump(layer: Layer, lvl: string, labelLvl: string): string {
  let s = `${labelLvl}###[ ${layer.cls.displayName} ]### \n`;
  for (const def of layer.cls.fieldDefs) {
    if (!layer.hasField(def)) continue;
    const v = layer.value(def.name);
    const pad = ' '.repeat(Math.max(0, 10 - def.name.length));
    if (def.showNested && Array.isArray(v) && v.length > 0) {
      s += `${labelLvl + lvl}  \\${def.name}${pad}\\\n`;
      s += def.showNested(v, `${labelLvl + lvl}   |`);
    } else if (def.nested && Array.isArray(v) && (v.length > 0 || def.nested === 'list') && v.every(isLayerValue)) {
      s += `${labelLvl + lvl}  \\${def.name}${pad}\\\n`;
      v.forEach((p, i) => {
        s += p.showOrDump(def.nested === 'indent' ? '   '.repeat(i) : '', `${labelLvl + lvl}   |`);
      });
    } else {
      const repr = def
        .repr(v, layer)
        .replace(/\n/g, '\n' + ' '.repeat(labelLvl.length + lvl.length + def.name.length + 4));
      s += `${labelLvl + lvl}  ${def.name}${pad}= ${repr}\n`;
    }
  }
  if (layer.payload) s += layer.payload.showOrDump(lvl + '   ', labelLvl);
  return s;
}
