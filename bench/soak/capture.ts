/**
 * The soak's capture side, run inside the soak's namespace: reads the live
 * capture through batches() (the allocation-free path) and reports memory and
 * counters as JSON lines every `sampleMs`, after a full GC so that the heap
 * figure is what is really kept, not garbage not yet collected.
 *
 * argv[2]: JSON { device, sampleMs }. stdin: {"cmd":"stop"} closes the capture.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { openLive } from '../../lib/index';
import { readCommands, report } from '../../test/helpers/report';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function main(): Promise<void> {
  const { device, sampleMs } = JSON.parse(process.argv[2]!) as { device: string; sampleMs: number };
  // A 16 MiB kernel buffer absorbs tcpreplay's bursts (--burst packets at a time).
  const cap = openLive(device, { promisc: false, bufferSize: 16 << 20 });
  let counted = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const sample = (): void => {
    gc();
    const m = process.memoryUsage();
    report({
      sample: {
        t: Number(process.hrtime.bigint() - start) / 1e9,
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        counted,
        bytes,
        stats: cap.stats(),
      },
    });
  };
  const timer = setInterval(sample, sampleMs);
  void (async () => {
    for await (const c of readCommands()) if ((c as { cmd: string }).cmd === 'stop') cap.close();
  })();
  report({ ready: true, linkType: cap.linkTypeName });
  sample();
  for await (const batch of cap.batches()) {
    batch.forEach((p) => {
      counted++;
      bytes += p.length;
    });
  }
  clearInterval(timer);
  sample();
  report({ final: { stats: cap.stats(), counted, bytes } });
  process.exit(0);
}

void main();
