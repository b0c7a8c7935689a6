// UDP (RFC 768). The checksum covers the IPv4 or IPv6 pseudo-header; a
// computed 0 is sent as 0xffff because 0 means "no checksum".
import { internetChecksum } from './checksum';
import { uint, type FieldInputs, type FieldValues } from './field';
import { autoLength, pseudoHeader } from './build';
import { defineAccessors, factory } from './factory';
import { Layer } from './layer';
import type { Dissected } from './dissect';
import { view } from './byte-view';
import { IPLayer } from './ip';
import { udpServiceNames } from './names';
import { dissectFixed, layoutOf, packSlots } from './struct';

/** UDP's declaration (Scapy's fields_desc): wire order, defaults, show() order. */
const UDP_FIELDS = [
  uint('sport', 16, 53, { names: udpServiceNames }),
  uint('dport', 16, 53, { names: udpServiceNames }),
  /** Length (default: computed). */
  uint('len', 16, null),
  /** Checksum (default: computed with the pseudo-header). */
  uint('chksum', 16, null, { hex: true }),
];
/** Fields of UDP: ports as numbers or service names (default 53); len and chksum computed when unset. */
export type UDPFields = FieldInputs<typeof UDP_FIELDS>;
/** A UDP header. */
export interface UDPLayer extends FieldValues<typeof UDP_FIELDS> {}
/** A UDP header (Scapy's UDP). */
export class UDPLayer extends Layer {
  static override readonly layerName: string = 'UDP';
  static override readonly displayName: string = 'UDP';
  static override readonly fieldDefs = UDP_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(8 + payload.length);
    const len = this.len ?? autoLength('UDP', 'len', out.length, 0xffff);
    // The header from the declaration, the checksum 0 until it is computed over the whole datagram.
    packSlots(layoutOf(UDP_FIELDS).slots, (n) => (n === 'len' ? len : n === 'chksum' ? 0 : this.value(n)), out, 0);
    out.set(payload, 8);
    let ck = this.chksum;
    if (ck === null) {
      const ph = pseudoHeader(this, 17, out.length);
      ck = ph ? internetChecksum(ph, out) || 0xffff : 0;
    }
    view(out).setUint16(6, ck);
    return out;
  }

  override mySummary(): string {
    const u = this.underlayer;
    if (u instanceof IPLayer || (u && (u.layerName === 'IPv6' || u.layerName === 'IPerror6'))) {
      return `UDP ${u.fieldRepr('src')}:${this.fieldRepr('sport')} > ${u.fieldRepr('dst')}:${this.fieldRepr('dport')}`;
    }
    return `UDP ${this.fieldRepr('sport')} > ${this.fieldRepr('dport')}`;
  }

  /** Decodes 8 bytes; the payload ends where the length field says. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    const { layer, headerEnd } = dissectFixed(this, UDP_FIELDS, buf, off, end);
    const len = layer.len ?? 0;
    // A length below 8 (0 in offloaded captures) says nothing: take all.
    return { layer, headerEnd, payloadEnd: len >= 8 ? off + len : undefined };
  }
}
defineAccessors(UDPLayer);

/** A UDP header quoted in an ICMP error (Scapy's UDPerror). */
export class UDPerrorLayer extends UDPLayer {
  static override readonly layerName: string = 'UDPerror';
  static override readonly displayName: string = 'UDP in ICMP';

  override mySummary(): string {
    return '';
  }
}

/** Builds a UDP header: `UDP({ sport: 5353, dport: 53 })`. */
export const UDP = factory(UDPLayer);
/** A UDP layer. */
export type UDP = UDPLayer;
/** Builds a quoted UDP header (inside ICMP errors). */
export const UDPerror = factory(UDPerrorLayer);
/** A quoted UDP layer. */
export type UDPerror = UDPerrorLayer;
