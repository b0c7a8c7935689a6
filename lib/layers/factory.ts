// How a layer class becomes what users touch: the Scapy-named factory
// (`TCP({...})`, callable and constructible) and one accessor per declared
// field (`tcp.dport` reads value(), `tcp.dport = 80` validates and sets).
import type { FieldInputs, FieldList } from './field';
import type { Layer, LayerClass } from './layer';
import type { FieldRange } from './packet-set';

/**
 * A layer's fields as its factory takes them: each value, or a packet set of
 * them (a list, a {@link range}, an IPv4 network string for address fields).
 */
export type FieldSets<F> = { [K in keyof F]?: F[K] | ReadonlyArray<NonNullable<F[K]> | FieldRange> | FieldRange };

/** A layer class with its declaration, as factory() takes it. */
export interface DeclaredClass {
  new (fields?: never): Layer;
  readonly prototype: Layer;
  readonly layerName: string;
  readonly fieldDefs: FieldList;
}

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

/**
 * Makes the Scapy-named factory for a layer class. What it takes follows
 * from the class's declaration: `factory(UDPLayer)` takes
 * `FieldInputs<typeof UDPLayer.fieldDefs>`, each field or a packet set of it.
 */
export function factory<C extends DeclaredClass>(cls: C): LayerFactory<C['prototype'], FieldInputs<C['fieldDefs']>> {
  function make(fields?: FieldSets<FieldInputs<C['fieldDefs']>>): C['prototype'] {
    return new cls(fields as never);
  }
  make.prototype = cls.prototype;
  Object.defineProperty(make, 'name', { value: cls.layerName });
  Object.defineProperty(make, 'layerClass', { value: cls });
  Object.defineProperty(make, 'layerName', { value: cls.layerName });
  // `new TCP()` calls make as a constructor, which returns the layer it made: make is both at once.
  return make as unknown as LayerFactory<C['prototype'], FieldInputs<C['fieldDefs']>>;
}

/**
 * Installs accessors for a class's fields so `ip.ttl` reads and `ip.ttl = 5`
 * validates and writes; `ip.len = null` makes an automatic field automatic
 * again. Reading gives value(): `IP().div(TCP()).proto` is 6, as in Scapy.
 * (Typed by an interface merged with the class: `interface UDPLayer extends
 * FieldValues<typeof UDP_FIELDS> {}`.)
 */
export function defineAccessors(cls: { readonly prototype: Layer; readonly fieldDefs: FieldList }): void {
  for (const def of cls.fieldDefs) {
    if (Object.prototype.hasOwnProperty.call(cls.prototype, def.name)) continue;
    Object.defineProperty(cls.prototype, def.name, {
      // Like Scapy's getfieldval: the value set, else what the payload implies, else the default.
      get(this: Layer) {
        return this.value(def.name);
      },
      set(this: Layer, v: unknown) {
        if (v === null) this.unsetField(def.name);
        else this.setFields({ [def.name]: v });
      },
      enumerable: false,
      configurable: true,
    });
  }
}
