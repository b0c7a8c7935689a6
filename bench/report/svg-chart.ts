/**
 * The chart of the main table: one horizontal bar per driver at its median
 * packets/s, with a whisker from min to max, on a log scale (the peers span
 * three orders of magnitude). Plain SVG, no library.
 */
import { si } from '../harness/format';
import type { Table } from '../harness/types';

/** Axis labels at powers of ten: 100, 1k, 10k, 1M. */
const tick = (v: number): string => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders `table` as an SVG bar chart, or undefined when no driver ran. */
export function svgChart(table: Table, subtitle: string): string | undefined {
  const rows = table.rows.filter((r) => !r.skipped && r.metrics.pps);
  if (rows.length === 0) return undefined;
  const labelW = 330;
  const plotW = 520;
  const rowH = 26;
  const top = 58;
  const width = labelW + plotW + 190;
  const height = top + rows.length * rowH + 40;
  const maxV = Math.max(...rows.map((r) => r.metrics.pps.max));
  const minV = Math.min(...rows.map((r) => r.metrics.pps.min));
  const lo = 10 ** Math.floor(Math.log10(minV));
  const hi = 10 ** Math.ceil(Math.log10(maxV));
  const x = (v: number): number => labelW + (plotW * Math.log10(v / lo)) / Math.log10(hi / lo);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(table.title)}: packets/s (log scale, median, whisker min–max)</text>`,
    `<text x="10" y="38" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (let d = lo; d <= hi; d *= 10) {
    out.push(`<line x1="${x(d)}" y1="${top - 6}" x2="${x(d)}" y2="${top + rows.length * rowH}" stroke="#ddd"/>`);
    out.push(
      `<text x="${x(d)}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#555">${tick(d)}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const p = r.metrics.pps;
    const isRef = r.driver === table.reference;
    const label = r.subset ? `${r.driver} (subset)` : r.driver;
    out.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(label)}</text>`);
    out.push(
      `<rect x="${labelW}" y="${y + 4}" width="${Math.max(1, x(p.median) - labelW)}" height="${rowH - 10}" fill="${isRef ? '#d9480f' : '#4c6ef5'}"/>`,
    );
    out.push(`<line x1="${x(p.min)}" y1="${y + rowH / 2}" x2="${x(p.max)}" y2="${y + rowH / 2}" stroke="black"/>`);
    out.push(`<line x1="${x(p.min)}" y1="${y + 7}" x2="${x(p.min)}" y2="${y + rowH - 7}" stroke="black"/>`);
    out.push(`<line x1="${x(p.max)}" y1="${y + 7}" x2="${x(p.max)}" y2="${y + rowH - 7}" stroke="black"/>`);
    const ratio = r.ratio !== undefined && !isRef ? `  (pktkit ${r.ratio.toFixed(2)}×)` : '';
    out.push(
      `<text x="${Math.max(x(p.max), x(p.median)) + 6}" y="${y + 15}">${si(p.median).trim()}${esc(ratio)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
