/**
 * Holds an RST guard until stdin closes or a signal ends the process, so the
 * test can see what happens to the guard's table when the holder is signalled
 * or killed. `stale` mode instead removes the tables of dead processes and
 * reports which it removed.
 *   node --import tsx test/send/scripts/rst-guard-hold.ts hold|exit|stale '{"dst","port"}'
 */
import { removeStaleRstGuards, rstGuard } from '../../../lib/index';
import { readCommands, report } from '../../helpers/report';

async function main(): Promise<void> {
  const mode = process.argv[2];
  const a = JSON.parse(process.argv[3] ?? '{}') as { dst: string; port: number };
  if (mode === 'stale') {
    report({ removed: await removeStaleRstGuards() });
    return;
  }
  const guard = await rstGuard([
    { dst: a.dst, dport: a.port, sport: 40000 },
    { dst: a.dst, dport: a.port + 1 },
  ]);
  report({ table: guard.table, pid: process.pid });
  if (mode === 'exit') process.exit(3); // never closed: the exit hook must remove the table
  for await (const _ of readCommands()) break;
  // readline leaves stdin open after the loop: let the process end on its own once the guard is closed.
  process.stdin.destroy();
  await guard.close();
  report({ closed: true });
}

main().catch((err: unknown) => report({ error: { message: (err as Error).message, stack: (err as Error).stack } }));
