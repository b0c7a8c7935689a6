// The chain dissector that parse() and show2() drive: decode one layer, ask it
// (through the bindings) which class follows, decode that, until the bytes
// end. Captured packets do not come here; from-record.ts builds their layers
// at the native dissector's offsets.
import type { Layer, LayerClass } from './layer';

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

/** Throws ShortInput unless `need` bytes are available at `off`. */
export function need(off: number, end: number, count: number): void {
  if (off + count > end) throw new ShortInput(`need ${count} bytes at ${off}, have ${Math.max(0, end - off)}`);
}

let rawFactory: ((load: Uint8Array) => Layer) | undefined;
let paddingFactory: ((load: Uint8Array) => Layer) | undefined;
let rawClass: LayerClass | undefined;

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

/** A Raw layer holding `data` (a string as UTF-8): what div() makes of bytes and text. */
export function makeRaw(data: Uint8Array | string): Layer {
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
