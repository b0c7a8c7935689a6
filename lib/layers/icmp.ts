// ICMP for IPv4 (RFC 792): echo, unreachable, redirect, time exceeded,
// parameter problem, timestamps, address mask. Errors quote the offending
// packet, which is decoded as IPerror / TCPerror / UDPerror / ICMPerror.
import { getIPv4, putIPv4 } from './addr';
import { internetChecksum } from './checksum';
import { ipv4, uint, type FieldInputs, type FieldValues } from './field';
import { defineAccessors, factory } from './factory';
import { Layer, type LayerClass } from './layer';
import { need, type Dissected } from './dissect';
import { view } from './byte-view';
import { IPerrorLayer, IPLayer } from './ip';
import { ICMP_CODES, ICMP_TYPES } from './names';

const ECHO_LIKE = [0, 8, 13, 14, 15, 16, 17, 18];
const KNOWN = [0, 3, 5, 8, 11, 12, 13, 14, 15, 16, 17, 18];
/** ICMP types whose payload is the quoted packet that caused them. */
export const ICMP_ERROR_TYPES = [3, 4, 5, 11, 12];
type Owner = { type: number };
const is = (types: number[]) => (o: never) => types.includes((o as Owner).type);

const ICMP_FIELDS = [
  /** Type (default 8, echo-request); a number or a name like 'dest-unreach'. */
  uint('type', 8, 8, { names: ICMP_TYPES }),
  uint('code', 8, 0, { namesFor: (o: never) => ICMP_CODES[(o as Owner).type] }),
  /** Checksum (default: computed). */
  uint('chksum', 16, null, { hex: true }),
  /** Echo / timestamp / information / address mask identifier. */
  uint('id', 16, 0, { hex: true, when: is(ECHO_LIKE) }),
  uint('seq', 16, 0, { hex: true, when: is(ECHO_LIKE) }),
  /** Timestamps in ms since midnight UT (default: now). */
  uint('ts_ori', 32, null, { when: is([13, 14]) }),
  uint('ts_rx', 32, null, { when: is([13, 14]) }),
  uint('ts_tx', 32, null, { when: is([13, 14]) }),
  /** Redirect gateway. */
  ipv4('gw', '0.0.0.0', { when: is([5]) }),
  /** Parameter problem pointer. */
  uint('ptr', 8, 0, { when: is([12]) }),
  uint('reserved', 8, 0, { when: is([3, 11]) }),
  /** Length of the quoted datagram in 32-bit words (RFC 4884). */
  uint('length', 8, 0, { when: is([3, 11, 12]) }),
  ipv4('addr_mask', '0.0.0.0', { when: is([17, 18]) }),
  /** Next-hop MTU of fragmentation-needed. */
  uint('nexthopmtu', 16, 0, { when: is([3]) }),
  {
    // The unused word (16 bits for types 11 and 12, 32 bits for unknown types).
    // Scapy shows `unused` for every type: a number where the type has one, else an empty string.
    ...uint('unused', 32, 0),
    repr: (v: unknown, o: object) =>
      [11, 12].includes((o as Owner).type) || !KNOWN.includes((o as Owner).type) ? String(v) : "''",
  },
];
/**
 * Fields of ICMP (which ones exist depends on `type`, as in Scapy): type a
 * number or a name like 'dest-unreach' (default 8, echo-request); timestamps
 * in ms since midnight UT (default: now); length of the quoted datagram in
 * 32-bit words (RFC 4884).
 */
export type ICMPFields = FieldInputs<typeof ICMP_FIELDS>;
/** An ICMP header. */
export interface ICMPLayer extends FieldValues<typeof ICMP_FIELDS> {}

function msSinceMidnight(): number {
  const now = new Date();
  return ((now.getUTCHours() * 60 + now.getUTCMinutes()) * 60 + now.getUTCSeconds()) * 1000 + now.getUTCMilliseconds();
}

/** An ICMP message (Scapy's ICMP). */
export class ICMPLayer extends Layer {
  static override readonly layerName: string = 'ICMP';
  static override readonly displayName: string = 'ICMP';
  static override readonly fieldDefs = ICMP_FIELDS;

  /** The 4+ bytes after type/code/checksum, laid out by type. */
  private rest(): Uint8Array {
    const t = this.type;
    const b = new Uint8Array(t === 13 || t === 14 ? 16 : t === 17 || t === 18 ? 8 : 4);
    const dv = view(b);
    if (ECHO_LIKE.includes(t)) {
      dv.setUint16(0, this.id);
      dv.setUint16(2, this.seq);
      if (t === 13 || t === 14) {
        const now = msSinceMidnight();
        dv.setUint32(4, this.ts_ori ?? now);
        dv.setUint32(8, this.ts_rx ?? now);
        dv.setUint32(12, this.ts_tx ?? now);
      }
      if (t === 17 || t === 18) putIPv4(b, 4, this.addr_mask);
    } else if (t === 5) {
      putIPv4(b, 0, this.gw);
    } else if (t === 3) {
      b[0] = this.reserved;
      b[1] = this.length;
      dv.setUint16(2, this.nexthopmtu);
    } else if (t === 11 || t === 12) {
      b[0] = t === 12 ? this.ptr : this.reserved;
      b[1] = this.length;
      dv.setUint16(2, this.unused & 0xffff);
    } else {
      dv.setUint32(0, this.unused);
    }
    return b;
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const rest = this.rest();
    const out = new Uint8Array(4 + rest.length + payload.length);
    out[0] = this.type;
    out[1] = this.code;
    out.set(rest, 4);
    out.set(payload, 4 + rest.length);
    view(out).setUint16(2, this.chksum ?? internetChecksum(out));
    return out;
  }

  override guessPayloadClass(): LayerClass | undefined {
    return ICMP_ERROR_TYPES.includes(this.type) ? IPerrorLayer : undefined;
  }

  override mySummary(): string {
    const u = this.underlayer;
    if (u instanceof IPLayer) {
      // Scapy looks the addresses up by the name 'IP', which a quoted header (IPerror) does not have.
      const [src, dst] = u.layerName === 'IP' ? [u.fieldRepr('src'), u.fieldRepr('dst')] : ['??', '??'];
      return `ICMP ${src} > ${dst} ${this.fieldRepr('type')} ${this.fieldRepr('code')}`;
    }
    return `ICMP ${this.fieldRepr('type')} ${this.fieldRepr('code')}`;
  }

  /** Decodes the header; its length depends on the type. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 8);
    const dv = view(buf);
    const t = buf[off];
    const v: Record<string, unknown> = { type: t, code: buf[off + 1], chksum: dv.getUint16(off + 2) };
    let hl = 8;
    if (ECHO_LIKE.includes(t)) {
      v.id = dv.getUint16(off + 4);
      v.seq = dv.getUint16(off + 6);
      if (t === 13 || t === 14) {
        need(off, end, 20);
        v.ts_ori = dv.getUint32(off + 8);
        v.ts_rx = dv.getUint32(off + 12);
        v.ts_tx = dv.getUint32(off + 16);
        hl = 20;
      }
      if (t === 17 || t === 18) {
        need(off, end, 12);
        v.addr_mask = getIPv4(buf, off + 8);
        hl = 12;
      }
    } else if (t === 5) {
      v.gw = getIPv4(buf, off + 4);
    } else if (t === 3) {
      Object.assign(v, { reserved: buf[off + 4], length: buf[off + 5], nexthopmtu: dv.getUint16(off + 6) });
    } else if (t === 11 || t === 12) {
      Object.assign(v, {
        [t === 12 ? 'ptr' : 'reserved']: buf[off + 4],
        length: buf[off + 5],
        unused: dv.getUint16(off + 6),
      });
    } else {
      v.unused = dv.getUint32(off + 4);
    }
    const layer = new this();
    layer.setParsed(v);
    return { layer, headerEnd: off + hl };
  }
}
defineAccessors(ICMPLayer);

/** An ICMP header quoted in an ICMP error (Scapy's ICMPerror). */
export class ICMPerrorLayer extends ICMPLayer {
  static override readonly layerName: string = 'ICMPerror';
  static override readonly displayName: string = 'ICMP in ICMP';

  override mySummary(): string {
    return '';
  }
}

/** Builds an ICMP message: `ICMP({ type: 'echo-request', id: 1, seq: 1 })`. */
export const ICMP = factory(ICMPLayer);
/** An ICMP layer. */
export type ICMP = ICMPLayer;
/** Builds a quoted ICMP header (inside ICMP errors). */
export const ICMPerror = factory(ICMPerrorLayer);
/** A quoted ICMP layer. */
export type ICMPerror = ICMPerrorLayer;
