// Multicast Listener Discovery: MLDv1 query / report / done (RFC 2710) and
// the MLDv2 report (RFC 3810) that Linux sends whenever an interface with
// IPv6 comes up, so every real IPv6 capture has them.
import { getIPv6, parseIPv6 } from './addr';
import { bytes, custom, describe, fieldError, ipv6, uint } from './field';
import { cksumField, HEAD, ICMPv6Base, typeField, type ICMPv6Common, type ICMPv6CommonFields } from './icmpv6';
import { defineAccessors, factory, Layer, need, view, type Dissected, type LayerClass } from './layer';
import type { Slot } from './struct';

/** Fields of the MLDv1 messages. */
export interface ICMPv6MLFields extends ICMPv6CommonFields {
  /** Maximum response delay in ms (queries; default 10000 there, else 0). */
  mrd?: number;
  reserved?: number;
  /** The multicast address ('::' in a general query). */
  mladdr?: string;
}
/** An MLDv1 message. */
export interface ICMPv6MLQueryLayer extends ICMPv6Common {
  mrd: number;
  reserved: number;
  mladdr: string;
}
const ML_SLOTS: Slot[] = [
  ...HEAD,
  { name: 'mrd', bits: 16 },
  { name: 'reserved', bits: 16 },
  { name: 'mladdr', kind: 'ip6' },
];
const mlFields = (type: number, mrd: number) => [
  typeField(type),
  uint('code', 8, 0),
  cksumField,
  uint('mrd', 16, mrd),
  uint('reserved', 16, 0),
  ipv6('mladdr', '::'),
];

/** MLD query (Scapy's ICMPv6MLQuery). */
export class ICMPv6MLQueryLayer extends ICMPv6Base {
  static override readonly layerName: string = 'ICMPv6MLQuery';
  static override readonly displayName: string = 'MLD - Multicast Listener Query';
  static override readonly slots: readonly Slot[] = ML_SLOTS;
  static override readonly fieldDefs = mlFields(130, 10000);

  constructor(fields?: ICMPv6MLFields) {
    super(fields);
  }
}
defineAccessors(ICMPv6MLQueryLayer as unknown as LayerClass);

/** MLDv1 report (Scapy's ICMPv6MLReport). */
export class ICMPv6MLReportLayer extends ICMPv6MLQueryLayer {
  static override readonly layerName: string = 'ICMPv6MLReport';
  static override readonly displayName: string = 'MLD - Multicast Listener Report';
  static override readonly fieldDefs = mlFields(131, 0);
}

/** MLD done (Scapy's ICMPv6MLDone). */
export class ICMPv6MLDoneLayer extends ICMPv6MLQueryLayer {
  static override readonly layerName: string = 'ICMPv6MLDone';
  static override readonly displayName: string = 'MLD - Multicast Listener Done';
  static override readonly fieldDefs = mlFields(132, 0);
}

/** Fields of one MLDv2 multicast address record. */
export interface ICMPv6MLDMultAddrRecFields {
  /** Record type (4: CHANGE_TO_EXCLUDE, the default). */
  rtype?: number;
  /** Auxiliary data length in 32-bit words (default: computed). */
  auxdata_len?: number | null;
  /** Number of sources (default: computed). */
  sources_number?: number | null;
  dst?: string;
  sources?: string[];
  auxdata?: Uint8Array | string;
}
/** One MLDv2 multicast address record. */
export interface ICMPv6MLDMultAddrRecLayer {
  rtype: number;
  auxdata_len: number | null;
  sources_number: number | null;
  dst: string;
  sources: string[];
  auxdata: Uint8Array;
}
/** One multicast address record of an MLDv2 report (Scapy's ICMPv6MLDMultAddrRec). */
export class ICMPv6MLDMultAddrRecLayer extends Layer {
  static override readonly layerName: string = 'ICMPv6MLDMultAddrRec';
  static override readonly displayName: string = 'ICMPv6 MLDv2 - Multicast Address Record';
  static override readonly fieldDefs = [
    uint('rtype', 8, 4),
    uint('auxdata_len', 8, null),
    uint('sources_number', 16, null),
    ipv6('dst', '::'),
    custom({
      name: 'sources',
      default: [],
      check(layer, v) {
        if (!Array.isArray(v))
          throw fieldError(layer, 'sources', `expected an array of IPv6 addresses but received ${describe(v)}`);
        return v.map((a) => ipv6('sources', '::').check(layer, a));
      },
      repr: (v) => `[ ${(v as string[]).join(', ')} ]`,
      clone: (v) => [...(v as string[])],
    }),
    bytes('auxdata', new Uint8Array(0)),
  ];

  constructor(fields?: ICMPv6MLDMultAddrRecFields) {
    super(fields);
  }

  /** The record's bytes. */
  recordBytes(): Uint8Array {
    const out = new Uint8Array(20 + 16 * this.sources.length + this.auxdata.length);
    out[0] = this.rtype;
    // The length counts 32-bit words; Scapy writes the byte count, which RFC 3810 does not mean.
    out[1] = this.auxdata_len ?? Math.ceil(this.auxdata.length / 4);
    view(out).setUint16(2, this.sources_number ?? this.sources.length);
    out.set(parseIPv6(this.dst)!, 4);
    this.sources.forEach((a, i) => out.set(parseIPv6(a)!, 20 + 16 * i));
    out.set(this.auxdata, 20 + 16 * this.sources.length);
    return out;
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const r = this.recordBytes();
    const out = new Uint8Array(r.length + payload.length);
    out.set(r, 0);
    out.set(payload, r.length);
    return out;
  }

  /** Reads one record at `off`. */
  static read(buf: Uint8Array, off: number, end: number): [ICMPv6MLDMultAddrRecLayer, number] {
    need(off, end, 20);
    const auxLen = buf[off + 1];
    const n = view(buf).getUint16(off + 2);
    const size = 20 + 16 * n + 4 * auxLen;
    need(off, end, size);
    const sources: string[] = [];
    for (let i = 0; i < n; i++) sources.push(getIPv6(buf, off + 20 + 16 * i));
    const r = new ICMPv6MLDMultAddrRecLayer();
    r.setParsed({
      rtype: buf[off],
      auxdata_len: auxLen,
      sources_number: n,
      dst: getIPv6(buf, off + 4),
      sources,
      auxdata: buf.slice(off + 20 + 16 * n, off + size),
    });
    return [r, off + size];
  }

  /** Records are read by the report that carries them. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    const [layer, next] = ICMPv6MLDMultAddrRecLayer.read(buf, off, end);
    return { layer, headerEnd: next };
  }
}
defineAccessors(ICMPv6MLDMultAddrRecLayer as unknown as LayerClass);

/** Fields of ICMPv6MLReport2. */
export interface ICMPv6MLReport2Fields {
  type?: number | string;
  res?: number;
  cksum?: number | null;
  reserved?: number;
  /** Number of records (default: computed). */
  records_number?: number | null;
  records?: ICMPv6MLDMultAddrRecLayer[];
}
/** An MLDv2 report. */
export interface ICMPv6MLReport2Layer {
  type: number;
  res: number;
  cksum: number | null;
  reserved: number;
  records_number: number | null;
  records: ICMPv6MLDMultAddrRecLayer[];
}
/** MLDv2 report (Scapy's ICMPv6MLReport2). */
export class ICMPv6MLReport2Layer extends ICMPv6Base {
  static override readonly layerName: string = 'ICMPv6MLReport2';
  static override readonly displayName: string = 'MLDv2 - Multicast Listener Report';
  static override readonly slots: readonly Slot[] = [
    { name: 'type', bits: 8 },
    { name: 'res', bits: 8 },
    { name: 'cksum', bits: 16 },
    { name: 'reserved', bits: 16 },
    { name: 'records_number', bits: 16 },
  ];
  static override readonly fieldDefs = [
    typeField(143),
    uint('res', 8, 0),
    cksumField,
    uint('reserved', 16, 0),
    uint('records_number', 16, null),
    custom({
      name: 'records',
      default: [],
      nested: 'indent',
      check(layer, v) {
        const items = Array.isArray(v) ? v : [v];
        if (!items.every((x) => x instanceof ICMPv6MLDMultAddrRecLayer))
          throw fieldError(layer, 'records', 'expected ICMPv6MLDMultAddrRec records');
        return items.map((x: Layer) => x.copy());
      },
      repr: (v) => String((v as unknown[]).length),
      clone: (v) => (v as Layer[]).map((x) => x.copy()),
    }),
  ];

  constructor(fields?: ICMPv6MLReport2Fields) {
    super(fields);
  }

  protected override slotValue(name: string): unknown {
    if (name === 'records_number') return this.records_number ?? this.records.length;
    return super.slotValue(name);
  }

  protected override encodeBody(): Uint8Array {
    const head = super.encodeBody();
    const recs = this.records.map((r) => r.recordBytes());
    const out = new Uint8Array(head.length + recs.reduce((n, r) => n + r.length, 0));
    out.set(head, 0);
    let p = head.length;
    for (const r of recs) {
      out.set(r, p);
      p += r.length;
    }
    return out;
  }

  /** Decodes the header and the records it counts. */
  static override dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 8);
    const dv = view(buf);
    const n = dv.getUint16(off + 6);
    const records: ICMPv6MLDMultAddrRecLayer[] = [];
    let p = off + 8;
    for (let i = 0; i < n; i++) {
      const [r, next] = ICMPv6MLDMultAddrRecLayer.read(buf, p, end);
      records.push(r);
      p = next;
    }
    const layer = new ICMPv6MLReport2Layer();
    layer.setParsed({
      type: buf[off],
      res: buf[off + 1],
      cksum: dv.getUint16(off + 2),
      reserved: dv.getUint16(off + 4),
      records_number: n,
      records,
    });
    return { layer, headerEnd: p };
  }
}
defineAccessors(ICMPv6MLReport2Layer as unknown as LayerClass);

/** MLD classes by ICMPv6 type, for dissection. */
export const MLD_CLASSES: Readonly<Record<number, LayerClass>> = {
  130: ICMPv6MLQueryLayer as unknown as LayerClass,
  131: ICMPv6MLReportLayer as unknown as LayerClass,
  132: ICMPv6MLDoneLayer as unknown as LayerClass,
  143: ICMPv6MLReport2Layer as unknown as LayerClass,
};

/** What building fills in the IPv6 header below an MLD message (hop limit 1, RFC 2710 / 3810), as Scapy does. */
export const MLD_IPV6_DEFAULTS: ReadonlyArray<readonly [LayerClass, Record<string, unknown>]> = [
  [MLD_CLASSES[130], { hlim: 1, dst: 'ff02::1' }],
  [MLD_CLASSES[131], { hlim: 1 }],
  [MLD_CLASSES[132], { hlim: 1, dst: 'ff02::2' }],
  [MLD_CLASSES[143], { hlim: 1, dst: 'ff02::16' }],
];

/** Builds an MLD query. */
export const ICMPv6MLQuery = factory(ICMPv6MLQueryLayer);
/** An MLD query layer. */
export type ICMPv6MLQuery = ICMPv6MLQueryLayer;
/** Builds an MLDv1 report. */
export const ICMPv6MLReport = factory(ICMPv6MLReportLayer);
/** An MLDv1 report layer. */
export type ICMPv6MLReport = ICMPv6MLReportLayer;
/** Builds an MLD done. */
export const ICMPv6MLDone = factory(ICMPv6MLDoneLayer);
/** An MLD done layer. */
export type ICMPv6MLDone = ICMPv6MLDoneLayer;
/** Builds an MLDv2 report: `ICMPv6MLReport2({ records: [ICMPv6MLDMultAddrRec({ dst: 'ff02::1:ff00:1' })] })`. */
export const ICMPv6MLReport2 = factory(ICMPv6MLReport2Layer);
/** An MLDv2 report layer. */
export type ICMPv6MLReport2 = ICMPv6MLReport2Layer;
/** Builds an MLDv2 multicast address record. */
export const ICMPv6MLDMultAddrRec = factory(ICMPv6MLDMultAddrRecLayer);
/** An MLDv2 multicast address record. */
export type ICMPv6MLDMultAddrRec = ICMPv6MLDMultAddrRecLayer;
