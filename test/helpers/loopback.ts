/**
 * Helpers for tests that need no namespace: temporary directories, free ports
 * on 127.0.0.1 / ::1, and bounded UDP traffic on loopback.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export interface TempDir {
  readonly path: string;
  /** `path.join(dir, name)`. */
  file(name: string): string;
  remove(): void;
}

/** Creates a temporary directory named after this process. */
export function makeTempDir(tag = 'test'): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pktkit-${tag}-${process.pid}-`));
  return {
    path: dir,
    file: (name) => path.join(dir, name),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `fn` with a temporary directory that is removed afterwards, whatever happens. */
export async function withTempDir<T>(fn: (dir: TempDir) => Promise<T>, tag?: string): Promise<T> {
  const dir = makeTempDir(tag);
  try {
    return await fn(dir);
  } finally {
    dir.remove();
  }
}

/** A port that was free on `host` a moment ago (the kernel's choice for port 0). */
export async function freePort(kind: 'tcp' | 'udp' = 'tcp', host = '127.0.0.1'): Promise<number> {
  if (kind === 'udp') {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, host, resolve);
    });
    const { port } = sock.address();
    await new Promise<void>((resolve) => sock.close(() => resolve()));
    return port;
  }
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Only loopback destinations: these helpers must never send anywhere else. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

/**
 * Sends each payload once as a UDP datagram to `host:port` on loopback and
 * resolves when all have been handed to the kernel. At most 10 000 datagrams.
 */
export async function sendUdpLoopback(
  port: number,
  payloads: readonly Uint8Array[],
  host = '127.0.0.1',
): Promise<void> {
  if (!LOOPBACK.test(host)) throw new RangeError(`Expected a loopback address but received ${host}`);
  if (payloads.length > 10_000)
    throw new RangeError(`Expected at most 10000 datagrams but received ${payloads.length}`);
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (const p of payloads) {
      await new Promise<void>((resolve, reject) => sock.send(p, port, host, (err) => (err ? reject(err) : resolve())));
    }
  } finally {
    sock.close();
  }
}

/**
 * Sends a datagram to a closed loopback port until the kernel answers with an
 * ICMP (or ICMPv6) port unreachable. The kernel rate-limits those errors for
 * the whole host (a burst of 50, then 1000/s), and tests running beside this
 * one can spend that budget, so one datagram is not always answered. A
 * connected socket learns of the error (ECONNREFUSED): that tells when one
 * was sent. At most `attempts` datagrams, 100 ms apart.
 */
export async function provokePortUnreachable(port: number, host = '127.0.0.1', attempts = 20): Promise<void> {
  if (!LOOPBACK.test(host)) throw new RangeError(`Expected a loopback address but received ${host}`);
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const refused = new Promise<true>((resolve) => sock.on('error', () => resolve(true)));
  try {
    await new Promise<void>((resolve) => sock.connect(port, host, resolve));
    for (let i = 0; i < attempts; i++) {
      sock.send('nobody home');
      const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 100));
      if (await Promise.race([refused, timeout])) return;
    }
    throw new Error(
      `no ICMP port unreachable from ${host}:${port} after ${attempts} datagrams (the host's ICMP rate limit?)`,
    );
  } finally {
    sock.close();
  }
}
