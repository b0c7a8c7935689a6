/**
 * Inside a test namespace: the kernel's answers that filling packets relies on
 * (route, source, interface MAC), and what send() says without a route.
 *   node --import tsx test/send/scripts/route-lookup.ts '{"peer4","peer6","own4","iface","unrouted"}'
 */
import { ICMP, IP, send } from '../../../lib/index';
import { interfaceInfo, routeTo } from '../../../lib/send/route';
import { report } from '../../helpers/report';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Record<string, string>;
  const unrouted = await send(IP({ dst: a.unrouted }).div(ICMP())).then(
    () => null,
    (e: Error & { code?: string }) => ({ name: e.name, code: e.code, message: e.message }),
  );
  const missing = (() => {
    try {
      return interfaceInfo('pktkitnope0');
    } catch (e) {
      return { name: (e as Error).name, code: (e as { code?: string }).code };
    }
  })();
  report({
    peer4: routeTo(a.peer4),
    peer6: routeTo(a.peer6),
    own4: routeTo(a.own4),
    iface: interfaceInfo(a.iface),
    lo: interfaceInfo('lo'),
    unrouted,
    missing,
  });
}

main().catch((err: unknown) => report({ error: (err as Error).stack }));
