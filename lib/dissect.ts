/** The native dissector on bytes already in memory. */
import { addon } from './binding';
import { argError } from './args';
import { Packet } from './packet';
import { LINK_ETHERNET } from './record.gen';

/**
 * Decodes `bytes` (one packet of link type `linkType`, a DLT_* number, default
 * Ethernet) with the same dissector captures use, and returns it as a detached
 * Packet. `wireLen` is the original length when `bytes` was cut short.
 */
export function dissect(bytes: Uint8Array, linkType: number = LINK_ETHERNET, wireLen: number = bytes?.length): Packet {
  if (!(bytes instanceof Uint8Array)) throw argError('a Uint8Array', 'dissect() bytes', bytes);
  if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff) {
    throw argError('a link type (an integer 0..65535)', 'dissect() linkType', linkType);
  }
  if (!Number.isInteger(wireLen) || wireLen < bytes.length || wireLen > 0xffffffff) {
    throw argError(`an integer from the byte count (${bytes.length}) to 4294967295`, 'dissect() wireLen', wireLen);
  }
  return Packet.fromRecord(addon().dissect(bytes, linkType, wireLen), bytes);
}

/** libpcap's version string, e.g. `libpcap version 1.10.3 (with TPACKET_V3)`. */
export function libpcapVersion(): string {
  return addon().libpcapVersion;
}
