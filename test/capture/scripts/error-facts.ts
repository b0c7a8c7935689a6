/**
 * Inside a test namespace: the errors that need an interface of the test's own
 * (one it may take down). Reports each error's class, code, libpcap status and message.
 *   node --import tsx test/capture/scripts/error-facts.ts '{"down":"<iface that is down>"}'
 */
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

const a = JSON.parse(process.argv[2]) as { down: string };
report({
  downAfpacket: attempt(() => openLive(a.down, { engine: 'afpacket' })),
  downLibpcap: attempt(() => openLive(a.down, { engine: 'libpcap' })),
});
