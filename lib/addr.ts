/** Text forms of addresses read from packet bytes (no allocation but the string). */

/** Dotted quad of the 4 bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text of the 16 bytes at `offset`: lower case, longest zero run as `::`. */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[offset + i] << 8) | bytes[offset + i + 1]);
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped ::ffff:a.b.c.d keeps its dotted tail, as inet_ntop writes it.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** aa:bb:cc:dd:ee:ff of the 6 bytes at `offset`. */
export function formatMac(bytes: Uint8Array, offset: number): string {
  let out = '';
  for (let i = 0; i < 6; i++) {
    const b = bytes[offset + i];
    out += (i ? ':' : '') + (b < 16 ? '0' : '') + b.toString(16);
  }
  return out;
}
