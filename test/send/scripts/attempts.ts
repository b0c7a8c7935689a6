/**
 * Tries each send function once towards argv[2] (an address of the test's own
 * pair) from argv[3] (an interface) and reports how each one failed or what it
 * sent: run without CAP_NET_RAW, every one must fail with PermissionError.
 */
import { Ether, ICMP, IP, send, sendp, sendpfast, sr1, srp } from '../../../lib/index';
import { report } from '../../helpers/report';

async function main(): Promise<void> {
  const [dst, iface] = process.argv.slice(2);
  const attempts: Record<string, () => Promise<unknown>> = {
    send: () => send(IP({ dst }).div(ICMP())),
    sendp: () => sendp(Ether().div(IP({ dst })).div(ICMP()), { iface }),
    sendpfast: () => sendpfast(Ether().div(IP({ dst })).div(ICMP()), { iface, count: 2 }),
    sr1: () => sr1(IP({ dst }).div(ICMP()), { timeout: 200 }),
    srp: () => srp(Ether().div(IP({ dst })).div(ICMP()), { iface, timeout: 200 }),
  };
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      report({ name, result: await attempt() });
    } catch (err) {
      const e = err as Error & { code?: string };
      report({ name, error: { name: e.name, code: e.code, message: e.message } });
    }
  }
}

void main();
