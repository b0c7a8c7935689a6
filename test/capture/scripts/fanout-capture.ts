/**
 * Runs inside a test namespace: spreads an interface over worker threads with
 * openFanout, reports `ready`, and on {"cmd":"stop"} the workers' results and stats.
 *
 * argv[2]: JSON { device, workers, port }
 */
import path from 'node:path';
import { openFanout } from '../../../lib/index';
import { readCommands, report } from '../../helpers/report';

async function main(): Promise<void> {
  const { device, workers, port } = JSON.parse(process.argv[2]) as { device: string; workers: number; port: number };
  const fanout = openFanout<{ worker: number; ids: number[] }>(device, {
    workers,
    module: path.join(__dirname, 'fanout-collect.ts'),
    filter: `udp port ${port}`,
    data: { port },
  });
  await fanout.ready;
  report({ ready: true });
  for await (const command of readCommands()) {
    const { cmd } = command as { cmd: string };
    if (cmd === 'stats') report({ stats: await fanout.stats() });
    if (cmd === 'stop') {
      const result = await fanout.close();
      report({ result });
      process.exit(0);
    }
  }
}

void main();
