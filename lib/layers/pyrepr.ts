// Python's repr() of the values Scapy prints, so show() and summary() read the same as Scapy's.

/** Python's repr() of a bytes object: b'..' with \x escapes, switching to b".." when only ' occurs. */
export function pyBytes(data: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of data) {
    if (b === 0x27) hasSingle = true;
    if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let s = 'b' + quote;
  for (const b of data) {
    if (b === 0x5c) s += '\\\\';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (b === quote.charCodeAt(0)) s += '\\' + quote;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\x' + b.toString(16).padStart(2, '0');
  }
  return s + quote;
}

/** Python's repr() of a str (ASCII-oriented: enough for DNS names). */
export function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let s = quote;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') s += '\\\\';
    else if (ch === quote) s += '\\' + quote;
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += ch;
  }
  return s + quote;
}

/** Python's hex(): 0x1a2b. */
export function pyHex(n: number): string {
  return '0x' + n.toString(16);
}

/**
 * How Scapy 2.5's show() prints a byte string field: the bytes decoded as
 * UTF-8 with invalid bytes kept as a literal `\xNN` (Python's
 * backslashreplace), then Python's repr() of that text.
 */
export function pyStrOfBytes(data: Uint8Array): string {
  let text = '';
  for (let i = 0; i < data.length;) {
    const b = data[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= data.length;
    for (let k = 1; ok && k < n; k++) ok = (data[i + k] & 0xc0) === 0x80;
    if (ok && n > 1) {
      const ch = new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(i, i + n));
      // Overlong or surrogate forms decode to U+FFFD: treat them as invalid bytes.
      if (ch === '\ufffd') ok = false;
      else text += ch;
    }
    if (!ok) {
      text += '\\x' + b.toString(16).padStart(2, '0');
      i++;
    } else {
      if (n === 1) text += String.fromCharCode(b);
      i += n;
    }
  }
  return pyStr(text);
}
