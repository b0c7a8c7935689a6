// The Internet checksum (RFC 1071) and the pseudo-headers that TCP, UDP and
// ICMPv6 add to it (RFC 793, RFC 768, RFC 8200 section 8.1).

/** One's-complement sum of `data` folded to 16 bits and inverted: the value to put in a checksum field. */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd = false;
  let pending = 0;
  for (const data of parts) {
    for (let i = 0; i < data.length; i++) {
      // Parts of odd length continue the byte pairing into the next part.
      if (!odd) pending = data[i] << 8;
      else sum += pending | data[i];
      odd = !odd;
    }
  }
  if (odd) sum += pending;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The IPv4 pseudo-header: source, destination, zero, protocol, upper-layer length. */
export function ipv4PseudoHeader(src: Uint8Array, dst: Uint8Array, proto: number, length: number): Uint8Array {
  const p = new Uint8Array(12);
  p.set(src.subarray(0, 4), 0);
  p.set(dst.subarray(0, 4), 4);
  p[9] = proto;
  p[10] = (length >> 8) & 0xff;
  p[11] = length & 0xff;
  return p;
}

/** The IPv6 pseudo-header: source, destination, 32-bit upper-layer length, 3 zero bytes, next header. */
export function ipv6PseudoHeader(src: Uint8Array, dst: Uint8Array, nh: number, length: number): Uint8Array {
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  new DataView(p.buffer).setUint32(32, length >>> 0);
  p[39] = nh;
  return p;
}
