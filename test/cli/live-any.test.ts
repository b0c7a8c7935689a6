/**
 * Live, in a namespace pair of the test's own: `-i any` lines show the
 * interface and direction as tcpdump -i any prints them at the same time;
 * `-y LINUX_SLL` picks the link type as tcpdump -y does; `-i N` picks the Nth
 * interface of -D's list as tcpdump -i N does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { canCreateNamespaces, createNetPair, type NetPair } from '../helpers/netns';
import { spawnTracked, stopProcess } from '../helpers/processes';
import { cliCommand, runCli } from './run-cli';

const skip =
  process.getuid?.() !== 0
    ? 'needs root to capture'
    : !canCreateNamespaces()
      ? 'cannot create network namespaces'
      : false;

/** A command started in `ns` whose stdout and stderr are gathered. */
interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<void>;
}

function start(ns: string, cmd: string, args: readonly string[]): Started {
  const child = spawnTracked(ns, cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('latin1')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, stdout: () => out, stderr: () => err, done };
}

/** pktkit with `args`, started in `ns`. */
function startCli(ns: string, args: readonly string[]): Started {
  const [node, ...rest] = cliCommand(args);
  return start(ns, node!, rest);
}

async function listening(s: Started): Promise<void> {
  for (let i = 0; i < 200 && !/listening on/.test(s.stderr()); i++) await sleep(50);
  assert.match(s.stderr(), /listening on/);
}

/** Runs pktkit and tcpdump with the same arguments in nsA, pings B twice (4 ICMP packets), and returns both outputs. */
async function bothAt(net: NetPair, args: readonly string[]): Promise<{ theirs: Started; ours: Started }> {
  const theirs = start(net.nsA, 'tcpdump', ['-l', '-nn', ...args]);
  const ours = startCli(net.nsA, ['capture', ...args]);
  await Promise.all([listening(theirs), listening(ours)]);
  await net.execOk(net.nsA, 'ping', ['-c', '2', '-i', '0.2', '-W', '2', net.ipB]);
  // Both stop by themselves after -c packets; bounded in case a packet never shows.
  const bound = setTimeout(() => {
    void stopProcess(theirs.child, 500, 'SIGINT');
    void stopProcess(ours.child, 500, 'SIGINT');
  }, 15_000);
  await Promise.all([theirs.done, ours.done]);
  clearTimeout(bound);
  return { theirs, ours };
}

test(
  '-i any: interface and direction on each line, as tcpdump -i any prints them; -e adds the link header',
  { skip },
  async (t) => {
    const net = await createNetPair({ prefix: 'any', t, ipv6: false });
    const lines = (s: string): string[] => s.split('\n').filter(Boolean);
    const prefix = (l: string): string => l.match(/^\S+ +(?:In|Out|B|M|P) +/)?.[0] ?? `(none in: ${l})`;

    const plain = await bothAt(net, ['-i', 'any', '-c', '4', '-t', 'icmp']);
    const theirs = lines(plain.theirs.stdout()).map(prefix);
    assert.equal(theirs.length, 4, plain.theirs.stderr());
    assert.deepEqual(lines(plain.ours.stdout()).map(prefix), theirs);
    assert.deepEqual(
      theirs.map((p) => p.trim().split(/ +/)),
      [
        [net.ifA, 'Out'],
        [net.ifA, 'In'],
        [net.ifA, 'Out'],
        [net.ifA, 'In'],
      ],
    );
    assert.match(plain.ours.stderr(), /listening on any, link-type LINUX_SLL2/);

    const linkPart = (l: string): string => l.match(/^(.*?, length \d+: )/)?.[1] ?? `(none in: ${l})`;
    const withE = await bothAt(net, ['-i', 'any', '-c', '4', '-t', '-e', 'icmp']);
    assert.deepEqual(lines(withE.ours.stdout()).map(linkPart), lines(withE.theirs.stdout()).map(linkPart));

    // -y LINUX_SLL: cooked v1, as tcpdump -y; its lines name no interface, and -e shows the direction.
    const v1 = await bothAt(net, ['-i', 'any', '-y', 'LINUX_SLL', '-c', '4', '-t', '-e', 'icmp']);
    assert.match(v1.theirs.stderr(), /link-type LINUX_SLL /);
    assert.match(v1.ours.stderr(), /link-type LINUX_SLL,/);
    assert.deepEqual(lines(v1.ours.stdout()).map(linkPart), lines(v1.theirs.stdout()).map(linkPart));
    assert.match(lines(v1.ours.stdout())[0]!, /^Out /);
  },
);

test('-i N picks the Nth interface of the -D list, as tcpdump -i N', { skip }, async (t) => {
  const net = await createNetPair({ prefix: 'idx', t, ipv6: false });
  const list = await runCli(['-D'], { ns: net.nsA });
  assert.equal(list.code, 0, list.stderr);
  const names = list.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\d+\./, '').split(' ')[0]!);
  assert.ok(names.includes(net.ifA) && names.includes('lo'), names.join(' '));
  // The first (the veth: up, running, not loopback) and lo; the pseudo-devices at the end (D-Bus) may not open here.
  for (const n of [1, names.indexOf('lo') + 1]) {
    const theirs = start(net.nsA, 'tcpdump', ['-i', String(n), '-c', '1', 'icmp']);
    const ours = startCli(net.nsA, ['-i', String(n), '-c', '1', 'icmp']);
    await Promise.all([listening(theirs), listening(ours)]);
    const device = (s: string): string | undefined => s.match(/listening on (\S+),/)?.[1];
    assert.equal(device(ours.stderr()), device(theirs.stderr()));
    assert.equal(device(ours.stderr()), names[n - 1]);
    await Promise.all([stopProcess(theirs.child, 2000, 'SIGINT'), stopProcess(ours.child, 2000, 'SIGINT')]);
  }
  const bad = await runCli(['-i', String(names.length + 1), '-c', '1'], { ns: net.nsA });
  assert.equal(bad.code, 4);
  assert.match(
    bad.stderr,
    new RegExp(`^pktkit: no interface number ${names.length + 1}: pktkit -D lists 1\\.\\.${names.length}\\n$`),
  );
});
