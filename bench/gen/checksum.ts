/**
 * The Internet checksum (RFC 1071) over byte ranges of one buffer. The
 * generator computes it once per header with a pseudo-header sum added, so the
 * sum and the final fold are separate steps.
 */

/** Adds the big-endian 16-bit words of buf[start, end) to `acc` (a byte left over is padded with zero). */
export function sum16(buf: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if (i < end) s += buf[i] << 8;
  return s;
}

/** Folds a running sum to 16 bits and complements it: the value to store in the checksum field. */
export function finish(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Sum of the IPv4 pseudo-header (RFC 793 §3.1) for a transport segment of `len` bytes. */
export function ipv4PseudoSum(buf: Uint8Array, ipOff: number, proto: number, len: number): number {
  return sum16(buf, ipOff + 12, ipOff + 20) + proto + len;
}

/** Sum of the IPv6 pseudo-header (RFC 8200 §8.1) for an upper-layer packet of `len` bytes. */
export function ipv6PseudoSum(buf: Uint8Array, ipOff: number, nextHeader: number, len: number): number {
  return sum16(buf, ipOff + 8, ipOff + 40) + nextHeader + (len >>> 16) + (len & 0xffff);
}
