/** Number formats shared by the console lines and RESULTS.md. */

/** 1234567 → "1.23 M", 12345 → "12.3 k". */
export function si(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)} G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)} M`;
  if (a >= 1e3) return `${(v / 1e3).toPrecision(3)} k`;
  return v.toPrecision(3);
}

/** Three significant digits, without an SI prefix. */
export function num(v: number): string {
  if (v === 0) return '0';
  // From 999.5 up, three significant digits would print as 1.00e+3.
  if (Math.abs(v) >= 999.5) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

/** An integer count with thousands separators. */
export function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** "median [min–max]" with one formatter. */
export function withRange(median: number, min: number, max: number, f: (v: number) => string): string {
  return `${f(median)} [${f(min)}–${f(max)}]`;
}
