// Raw (bytes no layer claims) and Padding (bytes after a declared length,
// e.g. the Ethernet trailer after a short IP packet), as in Scapy.
import { bytes, type FieldInputs, type FieldValues } from './field';
import { defineAccessors, factory } from './factory';
import { Layer } from './layer';
import { registerRaw, type Dissected } from './dissect';

const RAW_FIELDS = [bytes('load', new Uint8Array(0))];
/** Fields of Raw and Padding: the bytes (a string is taken as UTF-8). */
export type RawFields = FieldInputs<typeof RAW_FIELDS>;
/** Bytes no layer claims (Scapy's Raw). */
export interface RawLayer extends FieldValues<typeof RAW_FIELDS> {}
/** Bytes no layer claims (Scapy's Raw). */
export class RawLayer extends Layer {
  static override readonly layerName: string = 'Raw';
  static override readonly displayName: string = 'Raw';
  static override readonly fieldDefs = RAW_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.load.length + payload.length);
    out.set(this.load, 0);
    out.set(payload, this.load.length);
    return out;
  }

  /** Takes every byte up to `end`. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    const layer = new this();
    layer.setParsed({ load: buf.slice(off, end) });
    return { layer, headerEnd: end };
  }
}
defineAccessors(RawLayer);

/**
 * Trailer bytes after the end a header declares (Scapy's Padding). They are
 * written after the whole packet and count in no length or checksum.
 */
export class PaddingLayer extends RawLayer {
  static override readonly layerName: string = 'Padding';
  static override readonly displayName: string = 'Padding';

  protected override encode(payload: Uint8Array): Uint8Array {
    return payload;
  }

  protected override collectPadding(): Uint8Array {
    const rest = super.collectPadding();
    const out = new Uint8Array(this.load.length + rest.length);
    out.set(this.load, 0);
    out.set(rest, this.load.length);
    return out;
  }
}

/** Builds a Raw layer: `Raw({ load: 'hello' })`. */
export const Raw = factory(RawLayer);
/** A Raw layer. */
export type Raw = RawLayer;
/** Builds a Padding layer. */
export const Padding = factory(PaddingLayer);
/** A Padding layer. */
export type Padding = PaddingLayer;

registerRaw(
  RawLayer,
  (load) => new RawLayer({ load }),
  (load) => new PaddingLayer({ load }),
);
