/**
 * Runs inside a test namespace as root: opens a live capture, makes sure the
 * libuv pool exists, drops to `user` with dropPrivileges(), then reports every
 * thread's credentials (before and after), the packets it keeps receiving, and
 * what a second openLive does.
 *
 * argv[2]: JSON { device, user, filter }
 * stdin commands: {"cmd":"reopen"} tries openLive again; {"cmd":"stop"} closes.
 */
import fs from 'node:fs';
import { dropPrivileges, openLive, threadCredentials } from '../../../lib/index';
import { readCommands, report } from '../../helpers/report';

interface Args {
  device: string;
  user: string;
  filter: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as Args;
  const cap = openLive(args.device, { immediate: true, filter: args.filter });
  // Start libuv's pool threads (they exist only once something uses the pool) so the drop must reach them too.
  await Promise.all([1, 2, 3, 4].map(() => fs.promises.readFile('/proc/self/status')));
  report({ before: threadCredentials() });
  try {
    report({ dropped: dropPrivileges({ user: args.user }), after: threadCredentials(), euid: process.geteuid!() });
  } catch (err) {
    const e = err as Error & { code?: string };
    report({ error: { name: e.name, code: e.code, message: e.message } });
    cap.close();
    return;
  }
  void (async () => {
    for await (const command of readCommands()) {
      const { cmd } = command as { cmd: string };
      if (cmd === 'reopen') {
        try {
          openLive(args.device).close();
          report({ reopen: 'opened' });
        } catch (err) {
          const e = err as Error & { code?: string };
          report({ reopen: { name: e.name, code: e.code, message: e.message } });
        }
      }
      if (cmd === 'stop') cap.close();
    }
  })();
  let count = 0;
  for await (const p of cap) {
    count++;
    report({ packet: count, len: p.length });
  }
  report({ stats: cap.stats(), iterated: count, threads: threadCredentials() });
  process.exit(0);
}

void main();
