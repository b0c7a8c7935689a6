/** How the tables name their input. */
import type { InputFile } from '../gen/generate';

/** e.g. "realistic mix: 1,000,000 packets, mean 613 B (seed 20261121)". */
export function describeInput(f: InputFile): string {
  const kind = f.kind === 'mix' ? 'realistic mix' : 'minimal 64-byte frames';
  return `${kind}: ${f.count.toLocaleString('en-US')} packets, mean ${f.meanFrame.toFixed(0)} B (seed ${f.seed})`;
}
