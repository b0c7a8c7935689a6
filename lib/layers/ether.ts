// Link layers: Ethernet II (IEEE 802.3), 802.1Q VLAN tags, Linux cooked
// captures SLL (DLT 113) and SLL2 (DLT 276), and BSD loopback (DLT_NULL).
import { bytes, mac, uint, type FieldInputs, type FieldValues } from './field';
import { defineAccessors, factory } from './factory';
import { Layer } from './layer';
import { need, type Dissected } from './dissect';
import { view } from './byte-view';
import { ETHER_TYPES } from './names';
import { pyStrOfBytes } from './pyrepr';
import { dissectFixed, packFixed } from './struct';

function withPayload(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

const ETHER_FIELDS = [
  /** Destination MAC (default ff:ff:ff:ff:ff:ff). */
  mac('dst', 'ff:ff:ff:ff:ff:ff'),
  /** Source MAC (default 00:00:00:00:00:00 when unset). */
  mac('src', null),
  /** Ethertype (default: from the layer above, else 0x9000); a number or a name like 'IPv4'. */
  uint('type', 16, 0x9000, { hex: true, names: ETHER_TYPES }),
];
/**
 * Fields of Ether: dst (default broadcast), src (00:00:00:00:00:00 when
 * unset), type (default: from the layer above, else 0x9000; a number or a
 * name like 'IPv4').
 */
export type EtherFields = FieldInputs<typeof ETHER_FIELDS>;
/** An Ethernet II header. */
export interface EtherLayer extends FieldValues<typeof ETHER_FIELDS> {}
/** An Ethernet II header (Scapy's Ether). */
export class EtherLayer extends Layer {
  static override readonly layerName: string = 'Ether';
  static override readonly displayName: string = 'Ethernet';
  static override readonly fieldDefs = ETHER_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    // An unset source is written as zeros (sendp fills it from the interface first).
    const h = packFixed(ETHER_FIELDS, (n) => (n === 'src' ? (this.src ?? '00:00:00:00:00:00') : this.value(n)));
    return withPayload(h, payload);
  }

  override mySummary(): string {
    return `${this.fieldRepr('src')} > ${this.fieldRepr('dst')} (${this.fieldRepr('type')})`;
  }

  /** Decodes 14 bytes. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    return dissectFixed(this, ETHER_FIELDS, buf, off, end);
  }
}
defineAccessors(EtherLayer);

const DOT1Q_FIELDS = [
  /** Priority code point, 3 bits. */
  uint('prio', 3, 0),
  /** Drop eligible indicator, 1 bit (Scapy calls it `id`). */
  uint('id', 1, 0),
  /** VLAN id, 12 bits (default 1). */
  uint('vlan', 12, 1),
  /** Ethertype of what follows (default: from the layer above). */
  uint('type', 16, 0, { hex: true, names: ETHER_TYPES }),
];
/** Fields of Dot1Q: prio (3 bits), id (the drop eligible bit, as Scapy names it), vlan (default 1), type. */
export type Dot1QFields = FieldInputs<typeof DOT1Q_FIELDS>;
/** An 802.1Q tag. */
export interface Dot1QLayer extends FieldValues<typeof DOT1Q_FIELDS> {}
/** An 802.1Q VLAN tag (Scapy's Dot1Q). */
export class Dot1QLayer extends Layer {
  static override readonly layerName: string = 'Dot1Q';
  static override readonly displayName: string = '802.1Q';
  static override readonly fieldDefs = DOT1Q_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    return withPayload(
      packFixed(DOT1Q_FIELDS, (n) => this.value(n)),
      payload,
    );
  }

  override mySummary(): string {
    // Scapy looks the addresses up by the name 'Ether'; a tag under another tag has none to show.
    if (this.underlayer instanceof EtherLayer) {
      const e = this.underlayer;
      return `802.1q ${e.fieldRepr('src')} > ${e.fieldRepr('dst')} (${this.fieldRepr('type')}) vlan ${this.vlan}`;
    }
    return `802.1q (${this.fieldRepr('type')}) vlan ${this.vlan}`;
  }

  /** Decodes a 4-byte tag. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    return dissectFixed(this, DOT1Q_FIELDS, buf, off, end);
  }
}
defineAccessors(Dot1QLayer);

/** An 802.1ad service tag (QinQ outer tag, ethertype 0x88a8; Scapy's Dot1AD): Dot1Q's layout. */
export class Dot1ADLayer extends Dot1QLayer {
  static override readonly layerName: string = 'Dot1AD';
  static override readonly displayName: string = '802_1AD';
}

/** Linux packet types of SLL/SLL2 headers. */
export const COOKED_LINUX_PACKET_TYPES = {
  0: 'unicast',
  1: 'broadcast',
  2: 'multicast',
  3: 'unicast-to-another-host',
  4: 'sent-by-us',
} as const;

const src8 = {
  ...bytes('src', new Uint8Array(0), { maxLength: 8 }),
  // Scapy's fixed-length string field does not print the zero padding.
  repr: (v: unknown) => {
    const b = v as Uint8Array;
    let n = b.length;
    while (n > 0 && b[n - 1] === 0) n--;
    return pyStrOfBytes(b.subarray(0, n));
  },
};
const SLL_FIELDS = [
  uint('pkttype', 16, 0, { names: COOKED_LINUX_PACKET_TYPES }),
  uint('lladdrtype', 16, 512, { hex: true }),
  uint('lladdrlen', 16, 0),
  /** Link-layer source address field, up to 8 bytes (zero-padded). */
  src8,
  uint('proto', 16, 0x800, { hex: true, names: ETHER_TYPES }),
];
/** Fields of CookedLinux (SLL): src is the link-layer source address field, up to 8 bytes (zero-padded). */
export type CookedLinuxFields = FieldInputs<typeof SLL_FIELDS>;
/** A Linux cooked capture header, version 1. */
export interface CookedLinuxLayer extends FieldValues<typeof SLL_FIELDS> {}
/** A Linux cooked capture header (DLT_LINUX_SLL, 113; Scapy's CookedLinux). */
export class CookedLinuxLayer extends Layer {
  static override readonly layerName: string = 'CookedLinux';
  static override readonly displayName: string = 'cooked linux';
  static override readonly fieldDefs = SLL_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    const h = new Uint8Array(16);
    const dv = view(h);
    dv.setUint16(0, this.pkttype);
    dv.setUint16(2, this.lladdrtype);
    dv.setUint16(4, this.lladdrlen);
    h.set(this.src.subarray(0, 8), 6);
    dv.setUint16(14, this.value('proto') as number);
    return withPayload(h, payload);
  }

  /** Decodes 16 bytes. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 16);
    const dv = view(buf);
    const layer = new this();
    layer.setParsed({
      pkttype: dv.getUint16(off),
      lladdrtype: dv.getUint16(off + 2),
      lladdrlen: dv.getUint16(off + 4),
      src: buf.slice(off + 6, off + 14),
      proto: dv.getUint16(off + 14),
    });
    return { layer, headerEnd: off + 16 };
  }
}
defineAccessors(CookedLinuxLayer);

const SLL2_FIELDS = [
  uint('proto', 16, 0x800, { hex: true, names: ETHER_TYPES }),
  uint('reserved', 16, 0),
  uint('ifindex', 32, 0),
  uint('lladdrtype', 16, 512, { hex: true }),
  uint('pkttype', 8, 0, { names: COOKED_LINUX_PACKET_TYPES }),
  uint('lladdrlen', 8, 0),
  src8,
];
/** Fields of CookedLinuxV2 (SLL2). */
export type CookedLinuxV2Fields = FieldInputs<typeof SLL2_FIELDS>;
/** A Linux cooked capture header, version 2. */
export interface CookedLinuxV2Layer extends FieldValues<typeof SLL2_FIELDS> {}
/** A Linux cooked capture header v2 (DLT_LINUX_SLL2, 276; Scapy's CookedLinuxV2). */
export class CookedLinuxV2Layer extends Layer {
  static override readonly layerName: string = 'CookedLinuxV2';
  static override readonly displayName: string = 'cooked linux v2';
  static override readonly fieldDefs = SLL2_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    const h = new Uint8Array(20);
    const dv = view(h);
    dv.setUint16(0, this.value('proto') as number);
    dv.setUint16(2, this.reserved);
    dv.setUint32(4, this.ifindex);
    dv.setUint16(8, this.lladdrtype);
    h[10] = this.pkttype;
    h[11] = this.lladdrlen;
    h.set(this.src.subarray(0, 8), 12);
    return withPayload(h, payload);
  }

  /** Decodes 20 bytes. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 20);
    const dv = view(buf);
    const layer = new this();
    layer.setParsed({
      proto: dv.getUint16(off),
      reserved: dv.getUint16(off + 2),
      ifindex: dv.getUint32(off + 4),
      lladdrtype: dv.getUint16(off + 8),
      pkttype: buf[off + 10],
      lladdrlen: buf[off + 11],
      src: buf.slice(off + 12, off + 20),
    });
    return { layer, headerEnd: off + 20 };
  }
}
defineAccessors(CookedLinuxV2Layer);

/** Address families of the BSD loopback header. */
export const LOOPBACK_TYPES = {
  2: 'IPv4',
  7: 'OSI',
  16: 'Appletalk',
  23: 'Netware IPX/SPX',
  24: 'IPv6',
  28: 'IPv6',
  30: 'IPv6',
} as const;

const LOOPBACK_FIELDS = [
  /** Address family, stored in host (little-endian) byte order. */
  uint('type', 32, 2, { names: LOOPBACK_TYPES }),
];
/** Fields of Loopback: the address family, stored in host (little-endian) byte order. */
export type LoopbackFields = FieldInputs<typeof LOOPBACK_FIELDS>;
/** A BSD loopback header. */
export interface LoopbackLayer extends FieldValues<typeof LOOPBACK_FIELDS> {}
/** The 4-byte BSD loopback header of DLT_NULL captures (Scapy's Loopback). */
export class LoopbackLayer extends Layer {
  static override readonly layerName: string = 'Loopback';
  static override readonly displayName: string = 'Loopback';
  static override readonly fieldDefs = LOOPBACK_FIELDS;

  protected encode(payload: Uint8Array): Uint8Array {
    const h = new Uint8Array(4);
    view(h).setUint32(0, this.value('type') as number, true);
    return withPayload(h, payload);
  }

  /** Decodes 4 bytes. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 4);
    const layer = new this();
    layer.setParsed({ type: view(buf).getUint32(off, true) });
    return { layer, headerEnd: off + 4 };
  }
}
defineAccessors(LoopbackLayer);

/** Builds an Ethernet header: `Ether({ dst: '02:00:00:00:00:02' })`. */
export const Ether = factory(EtherLayer);
/** An Ethernet layer. */
export type Ether = EtherLayer;
/** Builds an 802.1Q tag: `Dot1Q({ vlan: 10 })`. */
export const Dot1Q = factory(Dot1QLayer);
/** An 802.1Q layer. */
export type Dot1Q = Dot1QLayer;
/** Builds an 802.1ad service tag: `Ether().div(Dot1AD({ vlan: 100 })).div(Dot1Q({ vlan: 200 }))`. */
export const Dot1AD = factory(Dot1ADLayer);
/** An 802.1ad layer. */
export type Dot1AD = Dot1ADLayer;
/** Builds a Linux cooked (SLL) header. */
export const CookedLinux = factory(CookedLinuxLayer);
/** A Linux cooked (SLL) layer. */
export type CookedLinux = CookedLinuxLayer;
/** Builds a Linux cooked v2 (SLL2) header. */
export const CookedLinuxV2 = factory(CookedLinuxV2Layer);
/** A Linux cooked v2 (SLL2) layer. */
export type CookedLinuxV2 = CookedLinuxV2Layer;
/** Builds a BSD loopback header. */
export const Loopback = factory(LoopbackLayer);
/** A BSD loopback layer. */
export type Loopback = LoopbackLayer;
