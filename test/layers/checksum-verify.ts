// Independent checksum checks for tests: sums the packet with its pseudo-header
// straight from the bytes (no pktkit layer involved) and expects 0.

function sum16(...parts: Uint8Array[]): number {
  let s = 0;
  const all = Buffer.concat(parts.map((p) => Buffer.from(p)));
  for (let i = 0; i < all.length; i += 2) s += (all[i] << 8) | (i + 1 < all.length ? all[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Names of the checksums in an IPv4 or IPv6 packet that do not verify (empty when all do). */
export function badChecksums(pkt: Uint8Array): string[] {
  const bad: string[] = [];
  const v = pkt[0] >> 4;
  let proto: number;
  let l4: Uint8Array;
  let pseudo: (len: number, p: number) => Uint8Array;
  if (v === 4) {
    const hl = (pkt[0] & 0xf) * 4;
    if (sum16(pkt.subarray(0, hl)) !== 0) bad.push('ip');
    proto = pkt[9];
    l4 = pkt.subarray(hl, (pkt[2] << 8) | pkt[3]);
    pseudo = (len, p) => new Uint8Array([...pkt.subarray(12, 20), 0, p, len >> 8, len & 0xff]);
  } else {
    // Skip extension headers (hop-by-hop 0, routing 43, destination options 60) to the upper layer.
    let nh = pkt[6];
    let off = 40;
    let dst = pkt.subarray(24, 40);
    while (nh === 0 || nh === 43 || nh === 60) {
      if (nh === 43 && pkt[off + 3] > 0)
        dst = pkt.subarray(off + 8 + 16 * (pkt[off + 1] / 2 - 1), off + 8 + 16 * (pkt[off + 1] / 2));
      nh = pkt[off];
      off += 8 * (pkt[off + 1] + 1);
    }
    proto = nh;
    l4 = pkt.subarray(off, 40 + ((pkt[4] << 8) | pkt[5]));
    pseudo = (len, p) => new Uint8Array([...pkt.subarray(8, 24), ...dst, 0, 0, len >> 8, len & 0xff, 0, 0, 0, p]);
  }
  if (proto === 6 && sum16(pseudo(l4.length, 6), l4) !== 0) bad.push('tcp');
  if (proto === 17 && sum16(pseudo(l4.length, 17), l4) !== 0) bad.push('udp');
  if (proto === 1 && sum16(l4) !== 0) bad.push('icmp');
  if (proto === 58 && sum16(pseudo(l4.length, 58), l4) !== 0) bad.push('icmpv6');
  return bad;
}
