/**
 * Live capture on loopback: one line per packet, -c stops by itself, SIGTERM
 * ends cleanly with tcpdump's counters, -w on a terminal shows a live counter,
 * and without -i the interface is the one tcpdump would pick (opened with -p and never sent on: it only listens).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, makeTempDir, sendUdpLoopback } from '../helpers/loopback';
import { countPcapRecords } from '../helpers/pcap-file';
import { runOk } from '../helpers/processes';
import { cliCommand, ROOT, runCli, type CliResult, type RunCliOptions } from './run-cli';

const isRoot = process.getuid?.() === 0;

async function whenListening(getStderr: () => string): Promise<void> {
  for (let i = 0; i < 200 && !/listening on/.test(getStderr()); i++) await sleep(50);
  assert.match(getStderr(), /listening on/);
}

/** A directory removed after the test, the capture file in it, and a free UDP port to send to. */
async function captureFileSetup(t: TestContext, tag: string): Promise<{ file: string; port: number }> {
  const dir = makeTempDir(tag);
  t.after(dir.remove);
  return { file: dir.file('live.pcap'), port: await freePort('udp') };
}

/** `pktkit ...args` started, once it says it is listening: its result, stderr so far, and the process. */
async function listeningCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<{ running: Promise<CliResult>; stderr: () => string; child: ChildProcess }> {
  let child: ChildProcess | undefined;
  let stderr = '';
  const running = runCli(args, {
    ...options,
    onSpawn: (c) => {
      child = c;
      c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    },
  });
  await whenListening(() => stderr);
  return { running, stderr: () => stderr, child: child! };
}

test(
  'SIGTERM ends a live capture with the counters; -c stops by itself',
  { skip: !isRoot && 'needs root to capture' },
  async () => {
    const port = await freePort('udp');
    let child: ChildProcess | undefined;
    let stderr = '';
    const running = runCli(['capture', '-i', 'lo', `udp port ${port}`], {
      onSpawn: (c) => {
        child = c;
        c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      },
    });
    await whenListening(() => stderr);
    await sendUdpLoopback(port, [Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
    await sleep(300);
    child!.kill('SIGTERM');
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.toString().trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, new RegExp(`UDP 127\\.0\\.0\\.1:\\d+ > 127\\.0\\.0\\.1:${port}: length 5$`));
    assert.match(
      r.stderr,
      /\n3 packets captured\n\d+ packets received by filter\n0 packets dropped by kernel\n0 packets dropped by ring\n$/,
    );

    // -c: the capture ends after that many packets, without a signal.
    let stderr2 = '';
    const counted = runCli(['capture', '-i', 'lo', '-c', '2', '--json', `udp port ${port}`], {
      onSpawn: (c) => c.stderr!.on('data', (b: Buffer) => (stderr2 += b.toString())),
      timeoutMs: 20_000,
    });
    await whenListening(() => stderr2);
    await sendUdpLoopback(port, [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]);
    const c = await counted;
    assert.equal(c.code, 0, c.stderr);
    const objects = c.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(objects.length, 2);
    assert.equal(objects[0]!['udp.dstport'], port);
    assert.match(c.stderr, /\n2 packets captured\n/);
  },
);

test('without -i, the interface tcpdump would pick', { skip: !isRoot && 'needs root to capture' }, async () => {
  const list = await runOk(null, 'tcpdump', ['-D']);
  const first = list.stdout
    .split('\n')[0]!
    .replace(/^\d+\./, '')
    .split(' ')[0]!;
  let child: ChildProcess | undefined;
  let stderr = '';
  const running = runCli(['capture', '-p', '-c', '1', 'udp port 9'], {
    onSpawn: (c) => {
      child = c;
      c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    },
  });
  await whenListening(() => stderr);
  child!.kill('SIGINT');
  const r = await running;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^pktkit: listening on ${first}, link-type `));
});

test('ifaces lists what tcpdump -D lists, in its order, with addresses and flags', async () => {
  const list = await runOk(null, 'tcpdump', ['-D']);
  const theirs = list.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\d+\./, '').split(' ')[0]!);
  const r = await runCli(['ifaces']);
  assert.equal(r.code, 0, r.stderr);
  const heads = r.stdout
    .toString()
    .split('\n')
    .filter((l) => /^\d+\./.test(l));
  // The same first lines as tcpdump -D: number, name, description, flags.
  assert.deepEqual(heads, list.stdout.split('\n').filter(Boolean));
  assert.deepEqual(
    heads.map((l) => l.replace(/^\d+\./, '').split(' ')[0]),
    theirs,
  );
  assert.match(
    r.stdout.toString(),
    /\d+\.lo \[Up, Running, Loopback\]\n(?: {4}.*\n)*? {4}inet 127\.0\.0\.1 netmask 255\.0\.0\.0\n/,
  );
  const json = await runCli(['ifaces', '--json']);
  const lo = json.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { name: string; addresses: Array<{ address: string }> })
    .find((i) => i.name === 'lo');
  assert.ok(lo?.addresses.some((a) => a.address === '127.0.0.1'));
});

test(
  '-w on a terminal: a live "Got N (dropped M)" counter on stderr',
  { skip: !isRoot && 'needs root to capture' },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-tty-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const port = await freePort('udp');
    const cmd = cliCommand(['capture', '-i', 'lo', '-c', '3', '-w', path.join(dir, 'out.pcap'), `udp port ${port}`])
      .map((a) => `'${a}'`)
      .join(' ');
    // script(1) runs the command on a pseudo-terminal, as a user at a shell would.
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await whenListening(() => output);
    for (const word of ['a', 'b', 'c']) {
      await sendUdpLoopback(port, [Buffer.from(word)]);
      await sleep(700);
    }
    assert.equal(await done, 0, output);
    assert.match(output, /\rGot [1-3] \(dropped 0\)/);
    assert.match(output, /\rGot 3 \(dropped 0\)\r?\n3 packets captured\r?\n/);
  },
);

test(
  '-w hands packets to the file within about a second, while still capturing',
  { skip: !isRoot && 'needs root to capture' },
  async (t) => {
    const { file, port } = await captureFileSetup(t, 'flush');
    const { running, child } = await listeningCli(['capture', '-i', 'lo', '-w', file, `udp port ${port}`]);
    await sendUdpLoopback(port, [Buffer.from('x'), Buffer.from('y')]);
    await sleep(1500);
    assert.equal(countPcapRecords(file), 2, 'both packets are in the file before the capture ends');
    child.kill('SIGTERM');
    assert.equal((await running).code, 0);
  },
);

test(
  '-w onto a file system that fills up mid-capture: one line naming the file, exit 1',
  { skip: !isRoot && 'needs root to capture and to mount a tmpfs' },
  async (t) => {
    // The file lives on a 64 KiB tmpfs in a mount namespace of the CLI's own: the 24-byte header
    // fits, the packets that follow do not. The addon writes them between wake-ups without JS
    // (Capture.writeThrough), so its write error has to come back to JS to end the capture.
    const { file, port } = await captureFileSetup(t, 'full');
    const cli = cliCommand(['capture', '-i', 'lo', '-w', file, `udp port ${port}`]);
    const script = 'mount -t tmpfs -o size=64k pktkit-full "$1" && shift && exec "$@"';
    const child = spawn('unshare', ['-m', 'bash', '-c', script, 'bash', path.dirname(file), ...cli], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    t.after(() => child.exitCode === null && child.kill('SIGKILL'));
    await whenListening(() => stderr);
    // 200 KB in 200 datagrams, more than the tmpfs holds; bounded in count.
    await sendUdpLoopback(
      port,
      Array.from({ length: 200 }, () => Buffer.alloc(1000, 0x61)),
    );
    const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
    assert.equal(code, 1, stderr);
    const lines = stderr.split('\n').filter((l) => l !== '' && !/listening on/.test(l));
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0]!,
      new RegExp(`cannot write to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*no space left on device`, 'i'),
    );
  },
);

test(
  '-w with -c: exactly COUNT packets in the file, though more came in the same block, and it ends by itself',
  { skip: !isRoot && 'needs root to capture' },
  async (t) => {
    const { file, port } = await captureFileSetup(t, 'count');
    const { running } = await listeningCli(['capture', '-i', 'lo', '-c', '3', '-w', file, `udp port ${port}`], {
      timeoutMs: 20_000,
    });
    // Sent back to back they usually share one block of the ring; either way only the first three go to the file.
    await sendUdpLoopback(
      port,
      ['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((s) => Buffer.from(s)),
    );
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\n3 packets captured\n/);
    assert.equal(countPcapRecords(file), 3);
    const read = await runCli(['read', file, '-q']);
    const lengths = read.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => /length (\d+)$/.exec(l)?.[1]);
    assert.deepEqual(lengths, ['1', '2', '3'], 'the first three datagrams, in order');
  },
);
