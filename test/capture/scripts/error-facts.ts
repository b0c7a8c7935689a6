/**
 * Inside a test namespace: the errors that need an interface of the test's own
 * (one it may take down). Reports each error's class, code, libpcap status and message.
 * `stopping` is up at first: a capture (each engine in turn) runs on it while the script takes it down.
 *   node --import tsx test/capture/scripts/error-facts.ts '{"down":"<iface that is down>","stopping":"<iface>"}'
 */
import { execFileSync } from 'node:child_process';
import { openLive } from '../../../lib/index';
import { report } from '../../helpers/report';

type Facts = { name: string; code?: string; pcapStatus?: string; message: string } | { opened: true };

function attempt(open: () => { close(): unknown }): Facts {
  try {
    open().close();
    return { opened: true };
  } catch (e) {
    const err = e as Error & { code?: string; pcapStatus?: string };
    return { name: err.name, code: err.code, pcapStatus: err.pcapStatus, message: err.message };
  }
}

/** Captures on `iface`, takes it down, and reports how the capture ended (bounded: 10 s). */
async function stopped(iface: string, engine: 'afpacket' | 'libpcap'): Promise<Facts | { ended: string }> {
  execFileSync('ip', ['link', 'set', iface, 'up']);
  const capture = openLive(iface, { engine, signal: AbortSignal.timeout(10_000) });
  execFileSync('ip', ['link', 'set', iface, 'down']);
  try {
    for await (const _ of capture) {
      // whatever arrived before the link went down
    }
    return { ended: 'without an error' };
  } catch (e) {
    const err = e as Error & { code?: string; pcapStatus?: string };
    return { name: err.name, code: err.code, pcapStatus: err.pcapStatus, message: err.message };
  }
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as { down: string; stopping: string };
  report({
    downAfpacket: attempt(() => openLive(a.down, { engine: 'afpacket' })),
    downLibpcap: attempt(() => openLive(a.down, { engine: 'libpcap' })),
    stoppedAfpacket: await stopped(a.stopping, 'afpacket'),
    stoppedLibpcap: await stopped(a.stopping, 'libpcap'),
  });
}

main().catch((err: unknown) => report({ error: (err as Error).stack }));
