// Hex dump layouts of packet bytes: Scapy's hexdump(), the escaped one of
// `pktkit capture -v`, and tcpdump -X.
// The escaped layout is written once, for the CLI; the library offers the same function.
import { escapedHexdump } from './cli/escaped-hexdump';
import { argError } from './args';

function hex2(b: number, upper: boolean): string {
  const s = b.toString(16).padStart(2, '0');
  return upper ? s.toUpperCase() : s;
}

/** Options of {@link hexdump}. */
export interface HexdumpOptions {
  /**
   * `'scapy'` (default): Scapy's layout, upper-case hex, '.' for what is not printable.
   * `'escaped'`: lower-case hex, and control characters written as escapes
   * (`GET / HTTP/1.1<\r><\n>`, `<\t>`, `<\0>`, `<\x1b>`), so a protocol's framing
   * shows: the layout of `pktkit capture -v`.
   */
  style?: 'scapy' | 'escaped';
}

/**
 * Scapy's `hexdump()` layout: a 4-digit hex offset, 16 upper-case bytes and
 * their printable characters ('.' for the rest), lines joined by '\n':
 * `0000  45 00 00 1C 00 01 00 00 40 01 ...  E.......@.`.
 * `{ style: 'escaped' }` gives the escaped layout instead (see {@link HexdumpOptions}).
 */
export function hexdump(data: Uint8Array, options: HexdumpOptions = {}): string {
  if (!(data instanceof Uint8Array)) throw argError('a Uint8Array', 'hexdump() data', data);
  if (options.style === 'escaped') return escapedHexdump(data).join('\n');
  if (options.style !== undefined && options.style !== 'scapy')
    throw argError("'scapy' or 'escaped'", 'hexdump() style', options.style);
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += 16) {
    let s = i.toString(16).padStart(4, '0') + '  ';
    let text = '';
    for (let j = 0; j < 16; j++) {
      if (i + j < data.length) {
        const b = data[i + j];
        s += hex2(b, true) + ' ';
        text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        s += '   ';
      }
    }
    lines.push(`${s} ${text}`);
  }
  return lines.join('\n');
}

/**
 * tcpdump -X's layout: `\t0x0000:  4500 0054 ...  E..T..` — 16 bytes per line in
 * lower-case pairs, the hex column padded to 40 characters, then the graphic
 * characters ('.' for space and the rest). Lines joined by '\n', without the
 * leading newline tcpdump prints before each line.
 */
export function hexdumpTcpdump(data: Uint8Array, startOffset = 0): string {
  if (!(data instanceof Uint8Array)) throw argError('a Uint8Array', 'hexdumpTcpdump() data', data);
  if (!Number.isInteger(startOffset) || startOffset < 0)
    throw argError('a non-negative integer', 'hexdumpTcpdump() startOffset', startOffset);
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += 16) {
    let hexPart = '';
    let text = '';
    const n = Math.min(16, data.length - i);
    for (let j = 0; j < n; j += 2) {
      hexPart += ' ' + hex2(data[i + j], false) + (j + 1 < n ? hex2(data[i + j + 1], false) : '');
      for (let k = j; k < Math.min(j + 2, n); k++) {
        const b = data[i + k];
        text += b > 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      }
    }
    lines.push(`\t0x${(startOffset + i).toString(16).padStart(4, '0')}: ${hexPart.padEnd(40)}  ${text}`);
  }
  return lines.join('\n');
}
