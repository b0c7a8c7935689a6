/**
 * The `-v` hexdump: a 4-digit hex offset, 16 hex bytes, and the text with
 * control characters written as escapes (`<\r>`, `<\n>`, `<\t>`, `<\0>`,
 * `<\x1b>`), so that a protocol's framing (CRLF line ends, NUL terminators,
 * length prefixes) is visible where a plain dump shows only dots.
 */

const NAMED: Record<number, string> = { 0x00: '<\\0>', 0x09: '<\\t>', 0x0a: '<\\n>', 0x0d: '<\\r>' };

/** The text column for one byte. */
export function escapeByte(b: number): string {
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  const named = NAMED[b];
  if (named !== undefined) return named;
  if (b < 0x20 || b === 0x7f) return `<\\x${b.toString(16).padStart(2, '0')}>`;
  return '.';
}

/** The bytes as escaped text on one line (no hex). */
export function escapeText(data: Uint8Array): string {
  let s = '';
  for (const b of data) s += escapeByte(b);
  return s;
}

/**
 * Lines of `0000  47 45 54 20 ...  GET / HTTP/1.1<\r><\n>`; `indent` is put
 * before each line. The hex column is padded so that the text columns align.
 */
export function escapedHexdump(data: Uint8Array, indent = ''): string[] {
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += 16) {
    const row = data.subarray(i, Math.min(i + 16, data.length));
    let hex = '';
    for (let j = 0; j < 16; j++) hex += j < row.length ? row[j]!.toString(16).padStart(2, '0') + ' ' : '   ';
    lines.push(`${indent}${i.toString(16).padStart(4, '0')}  ${hex} ${escapeText(row)}`);
  }
  return lines;
}
