/**
 * Privilege drop (tcpdump -Z): after dropPrivileges() every thread of the
 * process (the capture thread, libuv's pool, V8's) has the new uid/gid and no
 * capability, read from /proc/<pid>/task/<tid>/status, while the capture keeps
 * delivering real traffic on a veth of the test's own namespaces; a second
 * openLive fails with PermissionError. Also `pktkit capture -Z USER`.
 * Root only: the drop is from root to `nobody` (which every Debian has).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { dropPrivileges, PermissionError } from '../../lib/index';
import { canCreateNamespaces, createNetPair } from '../helpers/netns';
import type { ThreadCredentials } from '../../lib/privileges';
import { REPO_ROOT, startNodeInNs } from '../helpers/node-in-ns';
import { run } from '../helpers/processes';
import { cliCommand, runCli } from '../cli/run-cli';

/** node with tsx running `script` (a path from the repository root). */
function cliNode(script: string): string[] {
  const argv = cliCommand([]);
  return [argv[0]!, argv[1]!, argv[2]!, script];
}

const isRoot = process.getuid?.() === 0;
const skip = !isRoot
  ? 'needs root (a capture to open, a user to drop to)'
  : !canCreateNamespaces()
    ? 'cannot create network namespaces'
    : false;
const zero = (hex: string): boolean => /^0+$/.test(hex);
const NOBODY = { uid: 65534 };

/** The node process at or below `pid` (`ip netns exec` may run it as a child). */
function nodeUnder(pid: number): number | undefined {
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (cmdline.includes('main.ts') && fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node') return pid;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    for (const child of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean)) {
      const found = nodeUnder(Number(child));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function passwdUid(user: string): number | undefined {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

describe('dropPrivileges', { skip }, () => {
  it('clears every capability on every thread while the capture keeps delivering', async (t) => {
    const uid = passwdUid('nobody');
    assert.equal(uid, NOBODY.uid, 'nobody is uid 65534 here');
    const net = await createNetPair({ prefix: 'priv', t, ipv6: false });
    const child = startNodeInNs(net.nsA, 'test/capture/scripts/drop-privileges.ts', [
      JSON.stringify({ device: net.ifA, user: 'nobody', filter: `icmp and host ${net.ipB}` }),
    ]);
    t.after(() => child.stop('SIGKILL'));

    const before = await child.waitFor<{ before: ThreadCredentials[] }>((m) => 'before' in (m as object), 30_000);
    // The premise: before the drop, the threads are root's with capabilities (else this test could not fail).
    assert.ok(
      before.before.every((th) => th.uid.every((id) => id === 0) && !zero(th.capEff) && !zero(th.capPrm)),
      JSON.stringify(before.before),
    );
    const names = before.before.map((th) => th.name);
    // Node 20 leaves libuv's pool and V8's workers unnamed ('node'): count them instead. The main thread
    // (which reads the capture's ring), 4 V8 platform workers and libuv's 4 pool threads (the script used the pool before).
    assert.ok(names.length >= 9, `the main thread, V8's and libuv's: ${names.join(', ')}`);

    const dropped = await child.waitFor<{
      dropped?: { uid: number; gid: number; threads: number };
      after?: ThreadCredentials[];
      error?: unknown;
    }>((m) => 'dropped' in (m as object) || 'error' in (m as object));
    assert.ok(dropped.dropped, `dropped: ${JSON.stringify(dropped)}`);
    assert.equal(dropped.dropped.uid, NOBODY.uid);
    const after = dropped.after!;
    // Every thread that existed before still exists and changed, with nothing left.
    assert.deepEqual(after.map((th) => th.tid).sort(), before.before.map((th) => th.tid).sort());
    for (const th of after) {
      assert.deepEqual(th.uid, [NOBODY.uid, NOBODY.uid, NOBODY.uid, NOBODY.uid], `uids of ${th.name} (${th.tid})`);
      assert.ok(
        th.gid.every((g) => g === dropped.dropped!.gid && g !== 0),
        `gids of ${th.name} (${th.tid}): ${th.gid}`,
      );
      assert.ok(
        zero(th.capEff) && zero(th.capPrm) && zero(th.capAmb),
        `${th.name} (${th.tid}): CapEff ${th.capEff} CapPrm ${th.capPrm} CapAmb ${th.capAmb}`,
      );
    }

    // The capture keeps delivering: 4 echo requests from nsB and their 4 replies.
    await net.execOk(net.nsB, 'ping', ['-c', '4', '-i', '0.2', '-W', '2', net.ipA]);
    await child.waitFor((m) => (m as { packet?: number }).packet === 8, 30_000);

    // A second capture cannot be opened any more.
    child.send({ cmd: 'reopen' });
    const reopen = await child.waitFor<{ reopen: { name?: string; code?: string; message?: string } | string }>(
      (m) => 'reopen' in (m as object),
    );
    assert.equal(typeof reopen.reopen, 'object', `the second openLive failed: ${JSON.stringify(reopen)}`);
    const err = reopen.reopen as { name: string; code: string; message: string };
    assert.equal(err.name, 'PermissionError', JSON.stringify(err));
    assert.match(err.message, /cap_net_raw/);

    child.send({ cmd: 'stop' });
    const end = await child.waitFor<{
      stats: { received: number; delivered: number };
      iterated: number;
      threads: ThreadCredentials[];
    }>((m) => 'iterated' in (m as object));
    assert.equal(end.iterated, 8, 'exactly our pings: 4 requests and 4 replies');
    // Threads started after the drop (if any) inherit it.
    for (const th of end.threads)
      assert.ok(
        zero(th.capEff) && zero(th.capPrm) && th.uid.every((id) => id === NOBODY.uid),
        `${th.name}: ${JSON.stringify(th)}`,
      );
    await child.done;
  });

  it('pktkit capture -Z nobody drops, keeps printing, and its threads hold no capability', async (t) => {
    const net = await createNetPair({ prefix: 'privcli', t, ipv6: false });
    let spawned: number | undefined;
    const running = runCli(['capture', '-i', net.ifA, '-Z', 'nobody', '-c', '4', '-n', 'icmp'], {
      ns: net.nsA,
      onSpawn: (c) => (spawned = c.pid),
      timeoutMs: 60_000,
    });
    // Wait until the CLI has dropped (its main thread no longer root), then look at every thread from outside.
    let threads: string[] = [];
    for (let i = 0; i < 600 && threads.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        const pid = nodeUnder(spawned!);
        if (pid === undefined) continue;
        const tids = fs.readdirSync(`/proc/${pid}/task`);
        const status = tids.map((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
        if (/^Uid:\s+65534\b/m.test(status[0]!)) threads = status;
      } catch {
        // not started yet, or between exec and node
      }
    }
    assert.ok(threads.length > 0, 'the CLI dropped to nobody while capturing');
    await net.execOk(net.nsB, 'ping', ['-c', '2', '-i', '0.2', '-W', '2', net.ipA]);
    const r = await running;
    for (const s of threads) {
      const name = /^Name:\s*(.*)$/m.exec(s)![1];
      assert.match(s, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m, `uids of ${name}`);
      assert.match(s, /^CapEff:\s+0+$/m, `CapEff of ${name}`);
      assert.match(s, /^CapPrm:\s+0+$/m, `CapPrm of ${name}`);
    }
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .toString()
      .split('\n')
      .filter((l) => l !== '');
    assert.equal(lines.length, 4, r.stdout.toString());
    assert.ok(
      lines.every((l) => /ICMP .*: echo (request|reply)/.test(l)),
      r.stdout.toString(),
    );
  });

  it('-Z with an unknown user: one line, exit 1, nothing captured', async (t) => {
    const net = await createNetPair({ prefix: 'privbad', t, ipv6: false });
    const r = await runCli(['capture', '-i', net.ifA, '-Z', 'no-such-user-pktkit', '-c', '1'], {
      ns: net.nsA,
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !/listening on/.test(l));
    assert.deepEqual(lines, ["pktkit: no such user 'no-such-user-pktkit'"]);
  });
});

describe('dropPrivileges arguments', () => {
  it('bad arguments are TypeErrors that say what came', () => {
    assert.throws(() => dropPrivileges(null as never), /Expected an options object .* but received null/);
    assert.throws(() => dropPrivileges({} as never), /Expected a name or an id .* for user but received undefined/);
    assert.throws(
      () => dropPrivileges({ user: 'nobody\0root' }),
      (e: unknown) => e instanceof TypeError && /without NUL bytes/.test((e as Error).message),
    );
    assert.throws(() => dropPrivileges({ user: -1 }), TypeError);
    assert.throws(() => dropPrivileges({ user: 'nobody', group: [] as never }), /for group but received an array/);
    assert.throws(() => dropPrivileges({ user: 'nobody', uid: 1 } as never), /Unknown option 'uid'/);
  });

  it('without root it is a PermissionError, and nothing changes', async () => {
    if (!isRoot) {
      assert.throws(() => dropPrivileges({ user: 'nobody' }), PermissionError);
      return;
    }
    // As root here: run the same call in a child that setpriv made an ordinary user (uid 65534).
    const r = await run(
      null,
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--inh-caps=-all',
        ...cliNode('test/capture/scripts/drop-unprivileged.ts'),
      ],
      {
        cwd: REPO_ROOT,
      },
    );
    const msg = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      error?: { name: string; code: string; message: string };
      same?: boolean;
    };
    assert.equal(msg.error?.name, 'PermissionError', r.stdout + r.stderr);
    assert.equal(msg.error?.code, 'EPERM');
    assert.match(msg.error!.message, /needs a process started as root, this one runs as uid 65534/);
    assert.equal(msg.same, true, 'no credential changed');
  });
});
