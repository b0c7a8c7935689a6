/**
 * Runs inside a test namespace: captures live on an interface and reports
 * every packet as one JSON line, then the stats when told to stop.
 *
 * argv[2]: JSON { device, options?: LiveOptions (without signal), pauseFirst?: boolean }
 * stdin commands: {"cmd":"read"} starts reading when pauseFirst; {"cmd":"stop"} closes.
 */
import { openLive, type LiveOptions } from '../../../lib/index';
import { readCommands, report } from '../../helpers/report';
import { packetJson } from './packet-json';

interface Args {
  device: string;
  options?: Omit<LiveOptions, 'signal'>;
  pauseFirst?: boolean;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as Args;
  let cap;
  try {
    cap = openLive(args.device, args.options ?? {});
  } catch (err) {
    const e = err as Error & { code?: string };
    report({ error: { name: e.name, code: e.code, message: e.message } });
    return;
  }
  let startReading: () => void = () => {};
  const mayRead = new Promise<void>((resolve) => (startReading = resolve));
  if (!args.pauseFirst) startReading();
  void (async () => {
    for await (const command of readCommands()) {
      const { cmd } = command as { cmd: string };
      if (cmd === 'read') startReading();
      if (cmd === 'stop') {
        startReading();
        cap.close();
      }
      if (cmd === 'stats') report({ stats: cap.stats() });
    }
  })();
  report({ ready: true, linkType: cap.linkType, linkTypeName: cap.linkTypeName, nanosecond: cap.nanosecond });
  await mayRead;
  let count = 0;
  for await (const p of cap) {
    count++;
    report({ packet: packetJson(p) });
  }
  report({ stats: cap.stats(), iterated: count });
  process.exit(0);
}

void main();
