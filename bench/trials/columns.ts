/** Extra table columns shared by the trials. */
import { num } from '../harness/format';
import type { Table } from '../harness/types';

type Column = Table['columns'][number];

/** CPU seconds of the timed work, as the child counted them. */
export const cpuColumn: Column = { key: 'cpuSeconds', heading: 'CPU s', format: (v) => v.toFixed(2) };
/** CPU time per packet of the timed work: less disturbed than wall time when the machine is busy. */
export const cpuNsColumn: Column = { key: 'cpuNsPerPacket', heading: 'CPU ns/packet', format: (v) => num(v) };
/** CPU seconds of the whole process (start-up included), from GNU time. */
export const processCpuColumn: Column = {
  key: 'processCpuSeconds',
  heading: 'process CPU s',
  format: (v) => v.toFixed(2),
};
/** Peak resident set size reported by the child itself. */
export const peakRssColumn: Column = { key: 'peakRssKb', heading: 'peak RSS MB', format: (v) => (v / 1024).toFixed(0) };
/** Peak RSS as GNU time saw it. */
export const maxRssColumn: Column = { key: 'maxRssKb', heading: 'peak RSS MB', format: (v) => (v / 1024).toFixed(0) };
/** Heap retained per packet after the run (forced GC before and after). */
export const heapColumn: Column = {
  key: 'heapGrowthPerPacket',
  heading: 'heap growth B/packet',
  format: (v) => v.toFixed(3),
};
/** Garbage collections during the run. */
export const gcColumn: Column = { key: 'gcCount', heading: 'GCs', format: (v) => num(v) };
/** Their pauses. */
export const gcMsColumn: Column = { key: 'gcMs', heading: 'GC ms', format: (v) => v.toFixed(1) };
