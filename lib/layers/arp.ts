// ARP (RFC 826) for Ethernet/IPv4: hardware length 6, protocol length 4.
import { getIPv4, getMAC, putIPv4, putMAC } from './addr';
import { ipv4, mac, uint, type FieldInputs, type FieldValues } from './field';
import { defineAccessors, factory } from './factory';
import { Layer } from './layer';
import { need, ShortInput, type Dissected } from './dissect';
import { view } from './byte-view';
import { ETHER_TYPES } from './names';

/** ARP operation codes (Scapy's names). */
export const ARP_OPS = {
  1: 'who-has',
  2: 'is-at',
  3: 'RARP-req',
  4: 'RARP-rep',
  5: 'Dyn-RARP-req',
  6: 'Dyn-RAR-rep',
  7: 'Dyn-RARP-err',
  8: 'InARP-req',
  9: 'InARP-rep',
} as const;

/** ARP hardware types (Scapy's HARDWARE_TYPES). */
export const HARDWARE_TYPES = {
  1: 'Ethernet (10Mb)',
  2: 'Ethernet (3Mb)',
  3: 'AX.25',
  4: 'Proteon ProNET Token Ring',
  5: 'Chaos',
  6: 'IEEE 802 Networks',
  7: 'ARCNET',
  8: 'Hyperchannel',
  9: 'Lanstar',
  10: 'Autonet Short Address',
  11: 'LocalTalk',
  12: 'LocalNet',
  13: 'Ultra link',
  14: 'SMDS',
  15: 'Frame relay',
  16: 'ATM',
  17: 'HDLC',
  18: 'Fibre Channel',
  19: 'ATM',
  20: 'Serial Line',
  21: 'ATM',
} as const;

const ARP_FIELDS = [
  uint('hwtype', 16, 1, { hex: true, names: HARDWARE_TYPES }),
  uint('ptype', 16, 0x800, { hex: true, names: ETHER_TYPES }),
  /** Hardware address length (default 6). */
  uint('hwlen', 8, null),
  /** Protocol address length (default 4). */
  uint('plen', 8, null),
  /** 'who-has' (1, default), 'is-at' (2) ... */
  uint('op', 16, 1, { names: ARP_OPS }),
  mac('hwsrc', null),
  ipv4('psrc', null),
  mac('hwdst', '00:00:00:00:00:00'),
  ipv4('pdst', '0.0.0.0'),
];
/** Fields of ARP: op 'who-has' (1, default) or 'is-at' (2) ...; hwlen 6 and plen 4 when unset. */
export type ARPFields = FieldInputs<typeof ARP_FIELDS>;
/** An ARP packet. */
export interface ARPLayer extends FieldValues<typeof ARP_FIELDS> {}
/** An ARP packet (Scapy's ARP). */
export class ARPLayer extends Layer {
  static override readonly layerName: string = 'ARP';
  static override readonly displayName: string = 'ARP';
  static override readonly fieldDefs = ARP_FIELDS;

  override value(name: string): unknown {
    if (name === 'hwsrc') return this.getField('hwsrc') ?? '00:00:00:00:00:00';
    if (name === 'psrc') return this.getField('psrc') ?? '0.0.0.0';
    return super.value(name);
  }

  protected encode(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(28 + payload.length);
    const dv = view(out);
    dv.setUint16(0, this.hwtype);
    dv.setUint16(2, this.ptype);
    out[4] = this.hwlen ?? 6;
    out[5] = this.plen ?? 4;
    dv.setUint16(6, this.op);
    putMAC(out, 8, this.value('hwsrc') as string);
    putIPv4(out, 14, this.value('psrc') as string);
    putMAC(out, 18, this.hwdst);
    putIPv4(out, 24, this.pdst);
    out.set(payload, 28);
    return out;
  }

  override mySummary(): string {
    if (this.op === 1) return `ARP who has ${this.fieldRepr('pdst')} says ${this.fieldRepr('psrc')}`;
    if (this.op === 2) return `ARP is at ${this.fieldRepr('hwsrc')} says ${this.fieldRepr('psrc')}`;
    return `ARP ${this.fieldRepr('op')} ${this.fieldRepr('psrc')} > ${this.fieldRepr('pdst')}`;
  }

  /** Decodes 28 bytes; other address sizes are left to Raw. */
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 28);
    if (buf[off + 4] !== 6 || buf[off + 5] !== 4) throw new ShortInput('ARP for other than Ethernet/IPv4');
    const dv = view(buf);
    const layer = new this();
    layer.setParsed({
      hwtype: dv.getUint16(off),
      ptype: dv.getUint16(off + 2),
      hwlen: 6,
      plen: 4,
      op: dv.getUint16(off + 6),
      hwsrc: getMAC(buf, off + 8),
      psrc: getIPv4(buf, off + 14),
      hwdst: getMAC(buf, off + 18),
      pdst: getIPv4(buf, off + 24),
    });
    // ARP has no payload: whatever follows (the Ethernet trailer) is Padding, as in Scapy.
    return { layer, headerEnd: off + 28, payloadEnd: off + 28 };
  }
}
defineAccessors(ARPLayer);

/** Builds an ARP packet: `ARP({ pdst: '198.18.0.2' })`. */
export const ARP = factory(ARPLayer);
/** An ARP layer. */
export type ARP = ARPLayer;
