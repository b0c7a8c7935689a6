/** bench/RESULTS.md: the machine, the date, how it was run, and every table with its notes. */
import { count, num, si, withRange } from '../harness/format';
import type { Machine } from '../harness/machine';
import type { Table } from '../harness/types';

function tableMarkdown(t: Table): string[] {
  const head = ['driver'];
  if (t.throughput) head.push('packets/s median [min–max]', 'ns/packet', 'MB/s', '±rme', 'pktkit/driver');
  for (const c of t.columns) head.push(c.heading);
  const lines = [`### ${t.title}`, '', `Input: ${t.input}.`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of t.rows) {
    if (r.skipped) {
      lines.push(`| ${r.driver} | skipped: ${r.skipped.replace(/\|/g, '/')} |${' |'.repeat(head.length - 2)}`);
      continue;
    }
    const m = r.metrics;
    const cells = [r.subset ? `${r.driver} (first ${count(r.subset)} packets, scaled)` : r.driver];
    if (t.throughput) {
      cells.push(m.pps ? withRange(m.pps.median, m.pps.min, m.pps.max, si) : '');
      cells.push(m.nsPerPacket ? num(m.nsPerPacket.median) : '');
      cells.push(m.mbps ? num(m.mbps.median) : '');
      cells.push(m.pps ? `±${m.pps.rme.toFixed(1)}%` : '');
      cells.push(r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '');
    }
    for (const c of t.columns) {
      const s = m[c.key];
      cells.push(s ? withRange(s.median, s.min, s.max, c.format) : '');
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const n of t.notes) lines.push(`- ${n}`);
  lines.push('');
  return lines;
}

/** What RESULTS.md says about the run itself. */
export interface RunInfo {
  date: Date;
  command: string;
  runs: number;
  quick: boolean;
  seed: number;
  chart?: string;
  seconds: number;
}

/** Renders RESULTS.md. */
export function resultsMarkdown(machine: Machine, tables: Table[], info: RunInfo): string {
  const lines = [
    '# pktkit benchmark results',
    '',
    `Measured ${info.date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} by \`${info.command}\`` +
      `${info.quick ? ' (**quick**: small inputs, not for comparison)' : ''}, in ${Math.round(info.seconds)} s. ` +
      'Regenerate with `bash scripts/bench-setup.sh && npm run bench`.',
    '',
    `Every figure is the median of ${info.runs} runs, each in a fresh process, with [min–max] beside it; ` +
      '±rme is the 95% relative margin of error of the mean packets/s over those runs. ' +
      '"pktkit/driver" is pktkit\'s packets/s divided by the driver\'s (above 1: pktkit is faster). ' +
      `Inputs come from the seeded generator in bench/gen (seed ${info.seed}), written to a temp dir.`,
    '',
    '## Machine',
    '',
    ...machine.map(([k, v]) => `- ${k}: ${v}`),
    '',
  ];
  // The targets of the issue in one place, each with its figure; the README's performance section points here.
  const targets = tables.flatMap((t) => t.notes.filter((n) => n.startsWith('target')).map((n) => `- ${t.title.split(':')[0]}: ${n.slice(7)}`));
  if (targets.length > 0) lines.push('## Targets', '', ...targets, '');
  lines.push('## Results', '');
  if (info.chart) lines.push(`![packets per second, peers on the same file](${info.chart})`, '');
  for (const t of tables) lines.push(...tableMarkdown(t));
  return `${lines.join('\n')}\n`;
}
