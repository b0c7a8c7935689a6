// Which source address to build with when the user set none. Scapy asks its
// routing table; pktkit asks a resolver the sending side registers (it knows
// the routes), and falls back to loopback or the unspecified address.

/** Returns the source address to use towards `dst`, or undefined to fall back. */
export type SourceResolver = (dst: string, family: 4 | 6) => string | undefined;

let resolver: SourceResolver | undefined;

/**
 * Registers how unset IP/IPv6 sources are chosen (e.g. from a route lookup),
 * or removes it with `undefined`. Values the user set are never replaced.
 */
export function setSourceResolver(fn: SourceResolver | undefined): void {
  resolver = fn;
}

/** The registered resolver's answer for `dst`, if any. */
export function resolveSource(dst: string, family: 4 | 6): string | undefined {
  return resolver?.(dst, family);
}
