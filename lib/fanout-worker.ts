/**
 * The body of one fanout worker thread (see fanout.ts): opens its share of the
 * interface, runs the user's module over it, reports back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openLive, type Capture, type FanoutMode, type LiveOptions } from './capture';
import type { FanoutWorkerFunction } from './fanout';
import { ruleError } from './args';

interface Data {
  device: string;
  options: LiveOptions;
  group: number;
  mode: FanoutMode;
  module: string;
  index: number;
  workers: number;
  data: unknown;
}

/** CommonJS (and TypeScript under tsx) through require; an ES module through import(). */
async function load(module: string): Promise<unknown> {
  try {
    return require(module) as unknown;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
    return (await import(module)) as unknown;
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const d = workerData as Data;
  let capture: Capture | undefined;
  try {
    capture = openLive(d.device, { ...d.options, engine: 'afpacket', fanout: { group: d.group, mode: d.mode } });
    const cap = capture;
    port.on('message', (m: { type: string }) => {
      if (m.type === 'close') cap.close();
      else if (m.type === 'stats') port.postMessage({ type: 'stats', stats: cap.stats() });
    });
    const loaded = (await load(d.module)) as { default?: FanoutWorkerFunction };
    const fn = loaded.default;
    if (typeof fn !== 'function') throw ruleError('', `fanout module ${d.module} has no default export function`);
    port.postMessage({ type: 'ready' });
    const result = await fn(cap, { worker: d.index, workers: d.workers, data: d.data });
    const stats = cap.close();
    port.postMessage({ type: 'done', result, stats });
  } catch (err) {
    capture?.close();
    const e = err as Error & { code?: string };
    port.postMessage({ type: 'error', error: { name: e.name, message: e.message, code: e.code } });
  }
  port.close();
}

void main();
