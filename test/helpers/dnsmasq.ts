/**
 * dnsmasq as the real DNS server of a test: started in the test's namespace B,
 * answering only the names it is given (no upstream, no hosts file, no
 * configuration file), stopped with the namespace pair.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NetPair } from './netns';

/**
 * Starts dnsmasq in `net.nsB` on `net.ipB` port 53 (UDP and TCP), answering
 * each name of `answers` with its addresses, and resolves once it listens.
 */
export async function startDnsmasq(net: NetPair, answers: Record<string, readonly string[]>): Promise<ChildProcess> {
  const addresses = Object.entries(answers).flatMap(([name, list]) => list.map((a) => `--address=/${name}/${a}`));
  const dnsmasq = net.spawn(
    net.nsB,
    'dnsmasq',
    [
      '-k',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--bind-interfaces',
      '--user=root',
      '--pid-file=',
      `--listen-address=${net.ipB}`,
      ...addresses,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ss = await net.exec(net.nsB, 'ss', ['-lnu']);
    if (ss.stdout.includes(`${net.ipB}:53 `)) return dnsmasq;
    if (Date.now() > deadline) throw new Error(`dnsmasq did not start listening on ${net.ipB}:53: ${ss.stdout}`);
    await sleep(50);
  }
}
