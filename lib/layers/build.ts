// What building needs beyond a layer's own fields: the pseudo-header of the
// IP layer below (TCP, UDP, ICMPv6 checksums) and lengths that must fit.
import { BuildError } from '../errors';
import { ipv4PseudoHeader, ipv6PseudoHeader } from './checksum';
import type { Layer } from './layer';

/**
 * The pseudo-header for an upper-layer checksum computed at `l4`: from the
 * nearest IP or IPv6 layer below it, with an IPv6 routing header's final
 * destination in place of dst. Undefined when there is no IP layer below.
 */
export function pseudoHeader(l4: Layer, proto: number, length: number): Uint8Array | undefined {
  let finalDst: Uint8Array | undefined;
  for (let l = l4.underlayer; l; l = l.underlayer) {
    finalDst ??= l.routingFinalDestination();
    const a = l.pseudoAddresses();
    if (a)
      return a.v6
        ? ipv6PseudoHeader(a.src, finalDst ?? a.dst, proto, length)
        : ipv4PseudoHeader(a.src, a.dst, proto, length);
  }
  return undefined;
}

/**
 * The value of an automatic length field: `length`, or a {@link BuildError}
 * when it does not fit the field (a 70,000-byte payload under IP, whose len is
 * 16 bits), instead of a length that quietly says something else.
 */
export function autoLength(layer: string, field: string, length: number, max: number): number {
  if (length <= max) return length;
  throw new BuildError(
    `${layer}.${field}: ${length} bytes do not fit the field (at most ${max}): send less (fragment it), or set ${field} yourself to build the packet broken on purpose`,
    { code: 'ETOOBIG' },
  );
}
