// The test-network harness itself: pairs really connect, have no way out, and
// never outlive the test, however the test ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { NAMESPACE_PATTERN, sweepStaleNamespaces } from '../helpers/cleanup';
import { makeTempDir } from '../helpers/loopback';
import { canCreateNamespaces, createNetPair, listNamespaces, withNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs, startNodeInNs } from '../helpers/node-in-ns';
import { leaseSubnet } from '../helpers/subnet-lease';
import { startTcpdump } from '../helpers/tcpdump';
import { tcpdumpRead, tsharkFields } from '../helpers/tshark';

const skip = canCreateNamespaces() ? false : 'needs root and iproute2 (ip netns)';

/** Running, as opposed to gone or a zombie (this container's PID 1 does not reap orphans). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (up to 3 s) for a killed process to be gone: SIGKILL is delivered, not instant. */
async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 150 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !pidAlive(pid);
}

function assertGone(...names: string[]): void {
  const present = listNamespaces();
  for (const n of names) assert.ok(!present.includes(n), `namespace ${n} still exists`);
}

/** The link names `ip link` shows inside a namespace (or the root one). */
function linkNames(ns: string | null): string[] {
  const args = ns === null ? ['-j', 'link', 'show'] : ['-n', ns, '-j', 'link', 'show'];
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return (JSON.parse(r.stdout) as Array<{ ifname: string }>).map((l) => l.ifname);
}

describe('createNetPair', { skip }, () => {
  test('both ends reach each other over IPv4 and IPv6', async (t) => {
    const net = await createNetPair({ prefix: 'self', t });
    const pings: Array<[string, string[]]> = [
      [net.nsA, ['-4', net.ipB]],
      [net.nsB, ['-4', net.ipA]],
      [net.nsA, ['-6', net.ip6B]],
      [net.nsB, ['-6', net.ip6A]],
    ];
    for (const [ns, [family, dst]] of pings) {
      const r = await net.exec(ns, 'ping', [family, '-c', '1', '-W', '3', dst]);
      assert.equal(r.code, 0, `ping ${dst} from ${ns}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /1 received/);
    }
  });

  test('names, addresses and MACs are as documented', async (t) => {
    const net = await createNetPair({ prefix: 'self', t });
    for (const ns of [net.nsA, net.nsB]) assert.match(ns, NAMESPACE_PATTERN);
    assert.ok(net.nsA.includes(String(process.pid)));
    assert.ok(net.ifA.length <= 15 && net.ifB.length <= 15);
    assert.match(net.subnet4, /^198\.1[89]\.\d+\.0\/24$/);
    assert.match(net.ip6A, /^fd00:/);
    assert.equal(net.host4(1), net.ipA);
    assert.equal(net.host6(2), net.ip6B);
    assert.match(net.macA, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.notEqual(net.macA, net.macB);
    // the kernel agrees: B's neighbour entry for A after a ping carries A's MAC
    await net.execOk(net.nsB, 'ping', ['-c', '1', '-W', '3', net.ipA]);
    const neigh = await net.execOk(net.nsB, 'ip', ['-j', 'neigh', 'show', net.ipA]);
    assert.equal((JSON.parse(neigh.stdout) as Array<{ lladdr: string }>)[0].lladdr, net.macA);
  });

  test('no default route, nothing routable outside the pair, veth never in the root namespace', async (t) => {
    const net = await createNetPair({ prefix: 'self', t });
    for (const ns of [net.nsA, net.nsB]) {
      for (const family of ['-4', '-6']) {
        const r = await net.execOk(ns, 'ip', [family, 'route', 'show', 'default']);
        assert.equal(r.stdout.trim(), '', `${ns} ${family} default route: ${r.stdout}`);
      }
      // a route lookup only (nothing is sent): an outside documentation address is unreachable
      const v4 = await net.exec(ns, 'ip', ['route', 'get', '192.0.2.1']);
      assert.notEqual(v4.code, 0);
      assert.match(v4.stderr, /unreachable/i);
      const v6 = await net.exec(ns, 'ip', ['-6', 'route', 'get', '2001:db8::1']);
      assert.notEqual(v6.code, 0);
    }
    assert.deepEqual(linkNames(net.nsA).sort(), [net.ifA, 'lo'].sort());
    assert.deepEqual(linkNames(net.nsB).sort(), [net.ifB, 'lo'].sort());
    const root = linkNames(null);
    assert.ok(!root.includes(net.ifA) && !root.includes(net.ifB));
  });

  test('pairs made at once get distinct namespaces, interfaces and subnets', async (t) => {
    const pairs = await Promise.all([1, 2, 3].map(() => createNetPair({ t })));
    for (const key of ['nsA', 'ifA', 'subnet4', 'subnet6'] as const) {
      assert.equal(new Set(pairs.map((p) => p[key])).size, pairs.length, key);
    }
  });

  test('subnet leases are exclusive until released', async () => {
    const first = await leaseSubnet(7);
    const second = await leaseSubnet(7);
    try {
      assert.notEqual(second.slot, first.slot);
      first.release();
      await new Promise((r) => setTimeout(r, 10));
      const again = await leaseSubnet(first.slot);
      assert.equal(again.slot, first.slot);
      again.release();
    } finally {
      first.release();
      second.release();
    }
  });

  test('a lease held by another process is skipped, and freed by the kernel when that process is SIGKILLed', async () => {
    const mine = await leaseSubnet(100);
    try {
      const other = startNodeInNs(null, 'test/helpers-selftest/children/lease-slot.ts', [String(mine.slot)]);
      const got = await other.waitFor<{ slot: number }>(
        (x) => typeof x === 'object' && x !== null && 'slot' in x,
        20_000,
      );
      assert.notEqual(got.slot, mine.slot);
      const r = await other.stop('SIGKILL');
      assert.equal(r.signal, 'SIGKILL');
      const freed = await leaseSubnet(got.slot);
      assert.equal(freed.slot, got.slot, 'the dead process still holds its slot');
      freed.release();
    } finally {
      mine.release();
    }
  });

  test('ipv6: false leaves IPv6 off on the veths', async (t) => {
    const net = await createNetPair({ ipv6: false, t });
    assert.equal(net.ip6A, '');
    const r = await net.execOk(net.nsA, 'ip', ['-6', 'addr', 'show', 'dev', net.ifA]);
    assert.equal(r.stdout.trim(), '');
  });

  test('rejects a bad prefix and exec in a foreign namespace', async (t) => {
    await assert.rejects(createNetPair({ prefix: 'Bad_Prefix' }), TypeError);
    const net = await createNetPair({ t });
    assert.throws(() => net.exec('some-other-ns', 'true'), TypeError);
  });
});

describe('cleanup', { skip }, () => {
  test('destroy() deletes both namespaces and the veth, and is idempotent', async () => {
    const net = await createNetPair({ prefix: 'self' });
    assert.ok(listNamespaces().includes(net.nsA));
    await net.destroy();
    assertGone(net.nsA, net.nsB);
    await net.destroy();
  });

  test('destroy() kills the processes spawned in the pair, by PID', async () => {
    const net = await createNetPair({ prefix: 'self' });
    const sleeper = net.spawn(net.nsA, 'sleep', ['300']);
    const exited = once(sleeper, 'exit');
    assert.ok(sleeper.pid !== undefined && pidAlive(sleeper.pid));
    await net.destroy();
    const [, signal] = await exited;
    assert.equal(signal, 'SIGTERM');
    assert.ok(!pidAlive(sleeper.pid));
    assertGone(net.nsA, net.nsB);
  });

  test('destroy() also ends a process that ignores SIGTERM', async () => {
    const net = await createNetPair({ prefix: 'self' });
    const stubborn = net.spawn(net.nsB, 'sh', ['-c', 'trap "" TERM; sleep 300 & wait; sleep 300']);
    await new Promise((r) => setTimeout(r, 200));
    await net.destroy();
    assert.ok(stubborn.signalCode === 'SIGKILL' || stubborn.exitCode !== null);
    assertGone(net.nsA, net.nsB);
  });

  test('withNetPair destroys the pair when the test body throws', async () => {
    let seen: NetPair | undefined;
    await assert.rejects(
      withNetPair(async (net) => {
        seen = net;
        net.spawn(net.nsA, 'sleep', ['300']);
        throw new Error('test body failed');
      }),
      /test body failed/,
    );
    assert.ok(seen);
    assertGone(seen.nsA, seen.nsB);
  });

  for (const [mode, how] of [
    ['throw', 'an uncaught exception'],
    ['reject', 'an unhandled rejection'],
    ['exit', 'process.exit() without destroy()'],
  ] as const) {
    test(`a process that dies of ${how} leaves no namespace or process behind`, async () => {
      const r = await runNodeInNs(null, 'test/helpers-selftest/children/pair-owner.ts', [mode], { timeoutMs: 30_000 });
      assert.notEqual(r.code, 0, 'the child was meant to fail');
      const m = r.messages[0] as { nsA: string; nsB: string; sleeperPid: number };
      assert.ok(m?.nsA, `child reported nothing; stderr: ${r.stderr}`);
      assertGone(m.nsA, m.nsB);
      assert.ok(await goneSoon(m.sleeperPid), 'the sleep it spawned is still running');
    });
  }

  test('a process without any net pair that crashes still ends the tcpdump it started', async () => {
    const r = await runNodeInNs(null, 'test/helpers-selftest/children/tcpdump-owner.ts', [], { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    const m = r.messages[0] as { tcpdumpPid: number; file: string };
    assert.ok(m?.tcpdumpPid, `child reported nothing; stderr: ${r.stderr}`);
    rmSync(m.file, { force: true });
    assert.ok(await goneSoon(m.tcpdumpPid), 'tcpdump is still running');
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    test(`a process ended by ${signal} leaves no namespace or process behind`, async () => {
      const child = startNodeInNs(null, 'test/helpers-selftest/children/pair-owner.ts', ['wait']);
      const m = await child.waitFor<{ nsA: string; nsB: string; sleeperPid: number }>(
        (x) => typeof x === 'object' && x !== null && 'nsA' in x,
        20_000,
      );
      assert.ok(listNamespaces().includes(m.nsA));
      const r = await child.stop(signal);
      assert.equal(r.signal, signal, `the child should die of ${signal} as if unhandled (code ${r.code}, ${r.stderr})`);
      assertGone(m.nsA, m.nsB);
      assert.ok(await goneSoon(m.sleeperPid));
    });
  }

  test('stale namespaces of a SIGKILLed owner are swept by the next pair', async () => {
    // a PID that certainly belongs to no process any more
    const dead = spawnSync('true').pid;
    const stale = `pk-stale-${dead}-1-a`;
    assert.equal(spawnSync('ip', ['netns', 'add', stale]).status, 0);
    try {
      assert.ok(sweepStaleNamespaces().includes(stale));
      assertGone(stale);
    } finally {
      spawnSync('ip', ['netns', 'del', stale]);
    }
  });
});

describe('running code inside a namespace', { skip }, () => {
  test('runNodeInNs: a script in nsA sees only lo and ifA, and gets the env', async (t) => {
    const net = await createNetPair({ prefix: 'self', t });
    const r = await runNodeInNs(net.nsA, 'test/helpers-selftest/children/list-interfaces.ts', [], {
      env: { PKTKIT_SELFTEST: 'yes' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.messages, [{ interfaces: [net.ifA, 'lo'].sort(), env: 'yes' }, { done: true }]);
  });

  test('startTcpdump captures from the first packet after it returns; tshark and tcpdump read the file', async (t) => {
    const net = await createNetPair({ prefix: 'self', t });
    const dir = makeTempDir('selftest');
    t.after(() => dir.remove());
    const file = dir.file('ping.pcap');
    const dump = await startTcpdump({ ns: net.nsA, iface: net.ifA, filter: 'icmp', file });
    await net.execOk(net.nsB, 'ping', ['-c', '3', '-i', '0.2', '-W', '3', net.ipA]);
    const result = await dump.stop({ packets: 6 });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.captured, 6, result.stderr);

    const rows = await tsharkFields(file, ['ip.src', 'ip.dst', 'icmp.type', 'eth.src']);
    assert.equal(rows.length, 6);
    assert.deepEqual(rows[0], { 'ip.src': net.ipB, 'ip.dst': net.ipA, 'icmp.type': '8', 'eth.src': net.macB });
    assert.deepEqual(rows[1], { 'ip.src': net.ipA, 'ip.dst': net.ipB, 'icmp.type': '0', 'eth.src': net.macA });
    const lines = await tcpdumpRead(file);
    assert.equal(lines.length, 6);
    assert.match(
      lines[0],
      new RegExp(`IP ${net.ipB.replace(/\./g, '\\.')} > ${net.ipA.replace(/\./g, '\\.')}: ICMP echo request`),
    );
  });

  test('tcpdump is killed with the pair if the test never stops it', async () => {
    const net = await createNetPair({ prefix: 'self' });
    const dir = makeTempDir('selftest');
    try {
      const dump = await startTcpdump({ ns: net.nsA, iface: net.ifA, file: dir.file('x.pcap') });
      assert.ok(pidAlive(dump.pid));
      await net.destroy();
      assert.ok(!pidAlive(dump.pid));
      assertGone(net.nsA, net.nsB);
    } finally {
      dir.remove();
    }
  });

  test('tsharkFields joins repeated fields with commas', async (t) => {
    // ICMP errors quote the offending IP header: two ip.src occurrences in one packet
    const net = await createNetPair({ prefix: 'self', t });
    const dir = makeTempDir('selftest');
    t.after(() => dir.remove());
    const file = dir.file('unreach.pcap');
    const dump = await startTcpdump({ ns: net.nsA, iface: net.ifA, filter: 'icmp', file });
    // nothing listens on B's UDP port 9: B answers with ICMP port unreachable
    await net.execOk(net.nsA, 'python3', [
      '-c',
      `import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("${net.ipB}", 9))`,
    ]);
    await dump.stop({ packets: 1 });
    const rows = await tsharkFields(file, ['ip.src', 'icmp.type']);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], { 'ip.src': `${net.ipB},${net.ipA}`, 'icmp.type': '3' });
  });
});
