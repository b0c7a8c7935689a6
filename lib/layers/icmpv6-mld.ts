// Multicast Listener Discovery: MLDv1 query / report / done (RFC 2710) and
// the MLDv2 report (RFC 3810) that Linux sends whenever an interface with
// IPv6 comes up, so every real IPv6 capture has them.
import { getIPv6, parseIPv6 } from './addr';
import { bytes, custom, describe, fieldError, ipv6, uint, type FieldInputs, type FieldValues } from './field';
import { cksumField, ICMPv6Base, typeField } from './icmpv6';
import { defineAccessors, factory } from './factory';
import { Layer, type LayerClass } from './layer';
import { need, type Dissected } from './dissect';
import { view } from './byte-view';

/** The MLDv1 messages' fields: `mrd` is the maximum response delay in ms (10000 in queries, else 0). */
const mlFields = (type: number, mrd: number) => [
  typeField(type),
  uint('code', 8, 0),
  cksumField,
  uint('mrd', 16, mrd),
  uint('reserved', 16, 0),
  /** The multicast address ('::' in a general query). */
  ipv6('mladdr', '::'),
];
const ML_QUERY_FIELDS = mlFields(130, 10000);
/** Fields of the MLDv1 messages: mrd (maximum response delay in ms) and mladdr ('::' in a general query). */
export type ICMPv6MLFields = FieldInputs<typeof ML_QUERY_FIELDS>;
/** An MLDv1 message. */
export interface ICMPv6MLQueryLayer extends FieldValues<typeof ML_QUERY_FIELDS> {}

/** MLD query (Scapy's ICMPv6MLQuery). */
export class ICMPv6MLQueryLayer extends ICMPv6Base {
  static override readonly layerName: string = 'ICMPv6MLQuery';
  static override readonly displayName: string = 'MLD - Multicast Listener Query';
  static override readonly fieldDefs = ML_QUERY_FIELDS;
}
defineAccessors(ICMPv6MLQueryLayer);

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

const MULT_ADDR_REC_FIELDS = [
  /** Record type (4: CHANGE_TO_EXCLUDE, the default). */
  uint('rtype', 8, 4),
  /** Auxiliary data length in 32-bit words (default: computed). */
  uint('auxdata_len', 8, null),
  /** Number of sources (default: computed). */
  uint('sources_number', 16, null),
  ipv6('dst', '::'),
  custom({
    name: 'sources',
    default: [],
    check(layer, v): string[] {
      if (!Array.isArray(v))
        throw fieldError(layer, 'sources', `expected an array of IPv6 addresses but received ${describe(v)}`);
      return v.map((a) => ipv6('sources', '::').check(layer, a) as string);
    },
    repr: (v) => `[ ${(v as string[]).join(', ')} ]`,
    clone: (v) => [...(v as string[])],
  }),
  bytes('auxdata', new Uint8Array(0)),
];
/** Fields of one MLDv2 multicast address record (rtype 4, CHANGE_TO_EXCLUDE, by default; lengths computed). */
export type ICMPv6MLDMultAddrRecFields = FieldInputs<typeof MULT_ADDR_REC_FIELDS>;
/** One MLDv2 multicast address record. */
export interface ICMPv6MLDMultAddrRecLayer extends FieldValues<typeof MULT_ADDR_REC_FIELDS> {}
/** One multicast address record of an MLDv2 report (Scapy's ICMPv6MLDMultAddrRec). */
export class ICMPv6MLDMultAddrRecLayer extends Layer {
  static override readonly layerName: string = 'ICMPv6MLDMultAddrRec';
  static override readonly displayName: string = 'ICMPv6 MLDv2 - Multicast Address Record';
  static override readonly fieldDefs = MULT_ADDR_REC_FIELDS;

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
defineAccessors(ICMPv6MLDMultAddrRecLayer);

const REPORT2_FIELDS = [
  typeField(143),
  uint('res', 8, 0),
  cksumField,
  uint('reserved', 16, 0),
  /** Number of records (default: computed). */
  uint('records_number', 16, null),
  custom<'records', ICMPv6MLDMultAddrRecLayer[], ICMPv6MLDMultAddrRecLayer | ICMPv6MLDMultAddrRecLayer[]>({
    name: 'records',
    default: [],
    nested: 'indent',
    check(layer, v) {
      const items: unknown[] = Array.isArray(v) ? v : [v];
      return items.map((x) => {
        if (!(x instanceof ICMPv6MLDMultAddrRecLayer))
          throw fieldError(layer, 'records', 'expected ICMPv6MLDMultAddrRec records');
        return x.copy();
      });
    },
    repr: (v) => String((v as unknown[]).length),
    clone: (v) => (v as Layer[]).map((x) => x.copy()),
  }),
];
/** Fields of ICMPv6MLReport2 (records_number computed when unset). */
export type ICMPv6MLReport2Fields = FieldInputs<typeof REPORT2_FIELDS>;
/** An MLDv2 report. */
export interface ICMPv6MLReport2Layer extends FieldValues<typeof REPORT2_FIELDS> {}
/** MLDv2 report (Scapy's ICMPv6MLReport2). */
export class ICMPv6MLReport2Layer extends ICMPv6Base {
  static override readonly layerName: string = 'ICMPv6MLReport2';
  static override readonly displayName: string = 'MLDv2 - Multicast Listener Report';
  static override readonly fieldDefs = REPORT2_FIELDS;

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
defineAccessors(ICMPv6MLReport2Layer);

/** MLD classes by ICMPv6 type, for dissection. */
export const MLD_CLASSES: Readonly<Record<number, LayerClass>> = {
  130: ICMPv6MLQueryLayer,
  131: ICMPv6MLReportLayer,
  132: ICMPv6MLDoneLayer,
  143: ICMPv6MLReport2Layer,
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
