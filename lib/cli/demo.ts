/**
 * `pktkit demo`: the main job with no network needed. It reads the HTTP
 * exchanges the project's fixture script captured in a namespace of its own
 * (test/fixtures/pcap/http-lo.pcap, shipped in the package as
 * fixtures/http-lo.pcap) and prints them annotated: every segment's place in the
 * connection, the request and response as escaped hexdumps, the connection
 * table and both streams reassembled. As root it then makes a fresh exchange
 * of its own on loopback and captures that live.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openFile, openLive } from '../capture';
import { FileError } from '../errors';
import type { CliOptions } from './args';
import type { TextOutput } from './output';
import { runSession } from './session';

/** Payload bytes shown per packet: enough for the HTTP headers, not every line of a body. */
const DUMP_LIMIT = 256;

/** Where the bundled capture may be: the package's fixtures, or the test directory of a checkout. */
export function demoCaptureCandidates(): string[] {
  const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
  return [path.join(root, 'fixtures', 'http-lo.pcap'), path.join(root, 'test', 'fixtures', 'pcap', 'http-lo.pcap')];
}

/** The client of the first handshake in a file: the demo tells the story from its side. */
async function firstClient(file: string): Promise<string | undefined> {
  const cap = openFile(file);
  try {
    for await (const p of cap) {
      if (p.tcp !== undefined && (p.tcp.flags & 0x12) === 0x02) return p.src;
    }
  } finally {
    cap.close();
  }
  return undefined;
}

/** Runs `pktkit demo`. */
export async function runDemo(opts: CliOptions, out: TextOutput, err: NodeJS.WriteStream): Promise<void> {
  const file = demoCaptureCandidates().find((f) => fs.existsSync(f));
  if (file === undefined) {
    throw new FileError(`the bundled capture is missing (looked for ${demoCaptureCandidates().join(', ')})`, {
      code: 'ENOENT',
    });
  }
  // Annotated unless the user asked for another view.
  const shown: CliOptions = opts.json || opts.quiet || opts.hex ? opts : { ...opts, verbose: true, follow: true };
  const client = await firstClient(file);
  out.write(
    `Part 1: HTTP exchanges captured by pktkit's fixture script in a network namespace of its own\n` +
      `(${path.basename(file)}). Directions are told from the client's side${client ? ` (${client})` : ''}.\n\n`,
  );
  await runSession(openFile(file), shown, {
    out,
    err,
    local: new Set(client ? [client] : []),
    live: false,
    dumpLimit: DUMP_LIMIT,
  });
  if (out.broken) return;

  if (process.getuid?.() !== 0) {
    out.write(`\nPart 2 (a fresh exchange captured live on loopback) needs root: skipped.\n`);
    await out.end();
    return;
  }
  await liveExchange(shown, out, err);
}

/** Serves one request on 127.0.0.1 while capturing it on lo; prints it like part 1. */
async function liveExchange(opts: CliOptions, out: TextOutput, err: NodeJS.WriteStream): Promise<void> {
  const body = 'hello from pktkit demo\n';
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Connection', 'close');
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const cap = openLive('lo', { filter: `tcp port ${port}`, immediate: true, snaplen: 65535 });
    out.write(`\nPart 2: a fresh exchange this demo just made on loopback (127.0.0.1:${port}), captured live.\n\n`);
    const session = runSession(
      cap,
      { ...opts, count: undefined },
      { out, err, local: new Set(['127.0.0.1']), live: false, dumpLimit: DUMP_LIMIT },
    );
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/demo', agent: false, headers: { Connection: 'close' } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
    });
    // Let the FIN/ACK exchange finish and reach the capture before closing it.
    await sleep(300);
    cap.close();
    await session;
  } finally {
    server.close();
  }
}
