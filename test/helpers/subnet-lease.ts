/**
 * Distinct subnets for net pairs made at the same time by different test
 * processes. A lease is an abstract-namespace Unix socket bound to the slot's
 * name: binding is atomic (EADDRINUSE when another process holds it) and the
 * kernel releases it when the holder exits, even on SIGKILL, so there is no
 * lock file to go stale.
 *
 * Addresses inside different pairs could not interfere anyway (each pair has
 * its own namespaces); distinct subnets keep captures and logs unambiguous.
 */
import net from 'node:net';

/** Number of /24 subnets in 198.18.0.0/15. */
export const SUBNET_SLOTS = 512;

/** A held slot; `release()` gives it back (also done by the kernel when the process ends). */
export interface SubnetLease {
  readonly slot: number;
  release(): void;
}

function tryBind(slot: number): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err),
    );
    server.listen({ path: `\0pktkit-test-subnet-${slot}` }, () => {
      server.unref(); // a lease must not keep the test process alive
      resolve(server);
    });
  });
}

/** Leases the first free slot at or after `preferred` (wrapping around). */
export async function leaseSubnet(preferred: number): Promise<SubnetLease> {
  for (let i = 0; i < SUBNET_SLOTS; i++) {
    const slot = (preferred + i) % SUBNET_SLOTS;
    const server = await tryBind(slot);
    if (server) return { slot, release: () => server.close() };
  }
  throw new Error(`all ${SUBNET_SLOTS} test subnets of 198.18.0.0/15 are in use`);
}
