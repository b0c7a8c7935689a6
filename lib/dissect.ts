/** The native dissector on bytes already in memory. */
import { addon } from './binding';
import { Packet } from './packet';

/**
 * Decodes `bytes` (one packet of link type `linkType`, DLT_* number, default
 * Ethernet) with the same dissector captures use, and returns it as a detached
 * Packet. `wireLen` is the original length when `bytes` was cut short.
 */
export function dissect(bytes: Uint8Array, linkType = 1, wireLen: number = bytes.length): Packet {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('dissect: bytes must be a Uint8Array');
  return Packet.fromRecord(addon().dissect(bytes, linkType, wireLen), bytes);
}

/** libpcap's version string, e.g. `libpcap version 1.10.3 (with TPACKET_V3)`. */
export function libpcapVersion(): string {
  return addon().libpcapVersion;
}
