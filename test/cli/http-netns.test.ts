/**
 * The main job, end to end: a real HTTP exchange between a Node client and a
 * Node server in two namespaces of this test's own, captured live by
 * `pktkit capture -v` (text), by `pktkit capture -w` (file) and by tcpdump
 * (reference). Checks the labelled life of the connection, the request as an
 * escaped hexdump, relative seq/ack against tshark, the end counters, the
 * written file against tshark, and --follow against the exact bytes both
 * programs saw, also from a reordered and duplicated copy of the capture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { openFile } from '../../lib/capture';
import { openWriter } from '../../lib/pcap-writer';
import type { Packet } from '../../lib/packet';
import { canCreateNamespaces, createNetPair, type NetPair } from '../helpers/netns';
import { startTcpdump } from '../helpers/tcpdump';
import { tsharkFields } from '../helpers/tshark';
import { cliCommand, parseFollow, ROOT, runCli } from './run-cli';

const TSX = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
const PORT = 8080;

interface Running {
  child: ChildProcess;
  stdout: Buffer[];
  stderr: string;
  closed: Promise<number | null>;
}

/** Starts pktkit inside `ns` (tracked by the pair) and waits for "listening on". */
async function startPktkit(net: NetPair, ns: string, args: string[]): Promise<Running> {
  const [cmd, ...rest] = cliCommand(args);
  const child = net.spawn(ns, cmd!, rest, {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Running = {
    child,
    stdout: [],
    stderr: '',
    closed: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout!.on('data', (b: Buffer) => r.stdout.push(b));
  child.stderr!.on('data', (b: Buffer) => (r.stderr += b.toString()));
  for (let i = 0; i < 200 && !/listening on/.test(r.stderr); i++) {
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  assert.match(r.stderr, /listening on/, `pktkit did not start: ${r.stderr}`);
  return r;
}

async function stopPktkit(r: Running): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  r.child.kill('SIGINT');
  const code = await r.closed;
  return { code, stdout: Buffer.concat(r.stdout), stderr: r.stderr };
}

test(
  'HTTP between two namespaces: labelled text, relative seq/ack, -w file, --follow',
  { skip: !canCreateNamespaces() && 'needs root (network namespaces)' },
  async (t) => {
    const net = await createNetPair({ t, prefix: 'cli', ipv6: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-cli-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const refFile = path.join(dir, 'tcpdump.pcap');
    const ourFile = path.join(dir, 'pktkit.pcapng');
    const filter = `tcp port ${PORT}`;

    const server = net.spawn(
      net.nsB,
      process.execPath,
      ['--import', TSX, path.join(__dirname, 'children', 'http-server.ts'), net.ipB, String(PORT)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));

    const tcpdump = await startTcpdump({ ns: net.nsA, iface: net.ifA, filter, file: refFile });
    const text = await startPktkit(net, net.nsA, ['capture', '-i', net.ifA, '-v', filter]);
    const writer = await startPktkit(net, net.nsA, ['capture', '-i', net.ifA, '-w', ourFile, filter]);

    const exchange = await net.execOk(net.nsA, process.execPath, [
      '--import',
      TSX,
      path.join(__dirname, 'children', 'http-client.ts'),
      net.ipB,
      String(PORT),
    ]);
    const { sent, received } = JSON.parse(exchange.stdout.trim().split('\n').pop()!) as {
      sent: string;
      received: string;
    };
    const sentBytes = Buffer.from(sent, 'hex');
    const receivedBytes = Buffer.from(received, 'hex');
    assert.match(receivedBytes.toString(), /^HTTP\/1\.1 200 OK\r\n/);

    await sleep(300);
    await tcpdump.stop({ settleMs: 200 });
    const out = await stopPktkit(text);
    const wrote = await stopPktkit(writer);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(wrote.code, 0, wrote.stderr);

    const reference = await tsharkFields(refFile, [
      'tcp.seq',
      'tcp.ack',
      'tcp.seq_raw',
      'tcp.ack_raw',
      'tcp.flags',
      'tcp.len',
      'frame.len',
    ]);
    assert.ok(reference.length >= 9, `tcpdump saw ${reference.length} packets`);

    // --- the text output
    const stdout = out.stdout.toString();
    const lines = stdout.split('\n');
    const packetLines = lines.filter((l) => /^\d\d:\d\d:\d\d\.\d{6} TCP /.test(l));
    assert.equal(packetLines.length, reference.length, 'one line per packet tcpdump saw');
    const labelOf = (l: string): string => l.match(/\(([^()]*)\)$/)?.[1] ?? '';
    const labels = packetLines.map(labelOf);
    const client = `${net.ipA}:`;
    assert.match(
      packetLines[0]!,
      new RegExp(
        `TCP ${net.ipA.replace(/\./g, '\\.')}:\\d+ > ${net.ipB.replace(/\./g, '\\.')}:${PORT}: Flags \\[S\\], seq 0, win \\d+, options \\[mss \\d+,sackOK,TS val \\d+ ecr 0,nop,wscale \\d+\\], length 0  \\(handshake 1/3 SYN\\)`,
      ),
    );
    assert.match(packetLines[1]!, /Flags \[S\.\], seq 0, ack 1, .*\(handshake 2\/3 SYN-ACK\)$/);
    assert.match(packetLines[2]!, /Flags \[\.\], ack 1, .*\(handshake 3\/3 ACK\)$/);
    // The request: headers then body, from the client, as data.
    const requestLine = packetLines.findIndex(
      (l) => l.includes(`${client}`) && l.indexOf(client) < l.indexOf(' > ') && /length [1-9]/.test(l),
    );
    assert.ok(requestLine > 2);
    assert.equal(labels[requestLine], 'data');
    assert.match(packetLines[requestLine]!, /Flags \[P\.\], seq 1:\d+, ack 1,/);
    // Teardown: the server closes first (Connection: close), then the client.
    const teardown = labels.filter((l) => l.startsWith('teardown'));
    assert.ok(teardown.length >= 3, labels.join(' | '));
    assert.equal(teardown[0], 'teardown 1 FIN');
    assert.match(teardown[1]!, /^teardown 2 (ACK|FIN\+ACK)$/);
    assert.match(teardown[teardown.length - 1]!, /^teardown [34] ACK$/);
    assert.ok(
      packetLines.some((l) => l.includes(`${net.ipB}:${PORT} > `) && labelOf(l) === 'teardown 1 FIN'),
      'the server sent the first FIN',
    );

    // -v: the request as an escaped hexdump, the direction relative to this host (namespace A).
    assert.match(
      stdout,
      /\n {4}0000 {2}50 4f 53 54 20 2f 65 63 68 6f 20 48 54 54 50 2f {2}POST \/echo HTTP\/\n {4}0010 {2}31 2e 31 0d 0a .* {2}1\.1<\\r><\\n>Host: /,
    );
    assert.match(
      stdout,
      new RegExp(
        `\\n {4}sent ${sentBytes.length - 'name=pktkit&q=hello'.length} bytes to ${net.ipB.replace(/\./g, '\\.')}:${PORT}\\n`,
      ),
    );
    assert.match(stdout, new RegExp(`\\n {4}received \\d+ bytes from ${net.ipB.replace(/\./g, '\\.')}:${PORT}\\n`));
    assert.match(stdout, / {4}0000 {2}48 54 54 50 2f 31 2e 31 20 32 30 30 20 4f 4b 0d {2}HTTP\/1\.1 200 OK<\\r>\n/);

    // Relative seq/ack: pktkit's -v line gives both relative and raw; tshark must agree on each packet.
    const vlines = lines.filter((l) => /^ {4}seq \d+, ack \d+, next seq \d+ \(raw seq \d+, ack \d+\)/.test(l));
    assert.equal(vlines.length, reference.length);
    vlines.forEach((l, i) => {
      const [, seq, ack, rawSeq, rawAck] = l.match(/seq (\d+), ack (\d+), next seq \d+ \(raw seq (\d+), ack (\d+)\)/)!;
      const r = reference[i]!;
      assert.equal(rawSeq, r['tcp.seq_raw'], `packet ${i + 1} is the same packet`);
      assert.equal(seq, r['tcp.seq'], `packet ${i + 1} relative seq`);
      assert.equal(ack, r['tcp.ack'], `packet ${i + 1} relative ack`);
      if (Number(r['tcp.flags']) & 0x10) assert.equal(rawAck, r['tcp.ack_raw']);
    });

    // The conversation table and tcpdump's counters.
    assert.match(stdout, /TCP conversations/);
    assert.match(
      stdout,
      new RegExp(
        `\\n\\s+0  ${net.ipA.replace(/\./g, '\\.')}:\\d+\\s+${net.ipB.replace(/\./g, '\\.')}:${PORT}\\s+\\d+\\s+${sentBytes.length}\\s+\\d+\\s+${receivedBytes.length}\\s+\\S+s  3-way handshake  FIN both ways`,
      ),
    );
    assert.match(
      out.stderr,
      new RegExp(
        `\\n${reference.length} packets captured\\n\\d+ packets received by filter\\n\\d+ packets dropped by kernel\\n0 packets dropped by ring\\n`,
      ),
    );

    // --- -w: tshark reads the pcapng and finds the same packets tcpdump wrote.
    assert.match(wrote.stderr, new RegExp(`${reference.length} packets captured`));
    const ours = await tsharkFields(ourFile, [
      'tcp.seq',
      'tcp.ack',
      'tcp.seq_raw',
      'tcp.ack_raw',
      'tcp.flags',
      'tcp.len',
      'frame.len',
    ]);
    assert.deepEqual(ours, reference);

    // --- --follow on the reference file: exactly the bytes both sides exchanged.
    const followed = await runCli(['read', refFile, '--follow', '-q']);
    assert.equal(followed.code, 0, followed.stderr);
    const [f] = parseFollow(followed.stdout);
    assert.ok(f);
    assert.deepEqual(f.client, sentBytes);
    assert.deepEqual(f.server, receivedBytes);
    assert.equal(f.missing, 0);
    // Headers and body came as two segments: one block (as Wireshark shows a side's run), before the response.
    assert.deepEqual(f.order.slice(0, 2), [true, false], 'the request is one block, then the response');

    // --- --follow on a reordered copy with duplicates: the same bytes.
    const packets: Packet[] = [];
    for await (const p of openFile(refFile)) packets.push(p.copy());
    const shuffled = [
      ...packets.slice(0, 3),
      ...packets.slice(3).reverse(),
      ...packets.filter((p) => p.payloadLength > 0),
    ];
    const mixedFile = path.join(dir, 'reordered.pcap');
    const w = openWriter(mixedFile, { linkType: 1 });
    shuffled.forEach((p, i) => w.write(p.data, { tsSec: packets[0]!.tsSec, tsNsec: i * 1000, wireLen: p.length }));
    await w.close();
    const mixed = await runCli(['read', mixedFile, '--follow']);
    assert.equal(mixed.code, 0, mixed.stderr);
    const [g] = parseFollow(mixed.stdout);
    assert.ok(g);
    assert.deepEqual(g.client, sentBytes);
    assert.deepEqual(g.server, receivedBytes);
    assert.match(mixed.stdout.toString(), /\((retransmission|out-of-order)[;)]/);
  },
);
