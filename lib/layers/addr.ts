// Address text <-> bytes for the layers: IPv4 dotted quads, IPv6 (RFC 4291 text,
// printed in RFC 5952 form like inet_ntop), and MAC addresses.

/** True when `s` is a dotted-quad IPv4 address (no leading zeros beyond one digit, each part 0..255). */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** Writes the IPv4 address `s` (already validated) into `out` at `off`. */
export function putIPv4(out: Uint8Array, off: number, s: string): void {
  let part = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      out[off + part++] = n;
      n = 0;
    } else {
      n = n * 10 + (c - 0x30);
    }
  }
  out[off + part] = n;
}

/** Reads 4 bytes at `off` as a dotted quad. */
export function getIPv4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** Parses IPv6 text into 16 bytes, or undefined when it is not an IPv6 address. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length < 2 || s.length > 45) return undefined;
  let text = s;
  // An embedded IPv4 suffix (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (text.indexOf('.', lastColon) >= 0) {
    const v4 = text.slice(lastColon + 1);
    if (!isIPv4(v4)) return undefined;
    const b = v4.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length;
  let groups: number[];
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
  } else {
    if (explicit !== 8) return undefined;
    groups = head;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Formats 16 bytes at `off` the way inet_ntop does (longest zero run of 2+ groups becomes `::`). */
export function getIPv6(buf: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((buf[off + 2 * i] << 8) | buf[off + 2 * i + 1]);
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  // inet_ntop prints IPv4-mapped and IPv4-compatible addresses with a dotted tail.
  if (bestAt === 0 && ((bestLen === 5 && g[5] === 0xffff) || (bestLen === 6 && g[6] !== 0))) {
    const v4 = getIPv4(buf, off + 12);
    return bestLen === 5 ? `::ffff:${v4}` : `::${v4}`;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/** Normalises IPv6 text to its inet_ntop form, or undefined when it is not an IPv6 address. */
export function normalizeIPv6(s: string): string | undefined {
  const b = parseIPv6(s);
  return b ? getIPv6(b, 0) : undefined;
}

/** True when `s` is a MAC address written as six hex pairs separated by ':' or '-'. */
export function isMAC(s: string): boolean {
  return /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(s);
}

/** Writes a validated MAC address into `out` at `off`. */
export function putMAC(out: Uint8Array, off: number, s: string): void {
  // Validated text is always six pairs at fixed positions (separators at 2, 5, 8 ...).
  for (let i = 0; i < 6; i++) out[off + i] = parseInt(s.slice(3 * i, 3 * i + 2), 16);
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Reads 6 bytes at `off` as a lower-case colon-separated MAC address. */
export function getMAC(buf: Uint8Array, off: number): string {
  return `${HEX2[buf[off]]}:${HEX2[buf[off + 1]]}:${HEX2[buf[off + 2]]}:${HEX2[buf[off + 3]]}:${HEX2[buf[off + 4]]}:${HEX2[buf[off + 5]]}`;
}
