/**
 * Scapy habits on real traffic between two namespaces of the test's own,
 * checked against Scapy 2.5 on the same packets and, for srloop, against
 * Scapy's own srloop run in the same namespace: sniff() with pkt.time, sr()'s
 * answer lists as they print, srloop's printing, send/sendp/sendpfast stopped
 * by a signal (counted by tcpdump on the other end).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs, startNodeInNs } from '../helpers/node-in-ns';
import { countPcapRecords } from '../helpers/pcap-file';
import { startTcpdump } from '../helpers/tcpdump';
import { scapyUnavailable } from '../layers/scapy-oracle';

const SCRIPT = 'test/send/scripts/habits-cases.ts';

/** Runs Python with Scapy on argv; returns its stdout (and fails on a non-zero exit). */
function scapy(body: string, args: string[] = []): string {
  const script = `import json, sys, logging\nlogging.getLogger("scapy.runtime").setLevel(logging.ERROR)\nfrom scapy.all import *\n${body}`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function message<T>(messages: unknown[], key: string): T {
  const m = messages.find((x) => typeof x === 'object' && x !== null && (key in x || 'error' in x)) as
    (T & { error?: { stack?: string } }) | undefined;
  assert.ok(m, `no '${key}' message in ${JSON.stringify(messages)}`);
  assert.equal(m.error, undefined, m.error?.stack);
  return m;
}

describe('Scapy habits on real traffic', { skip: scapyUnavailable() }, () => {
  let net: NetPair;
  let dir: TempDir;
  before(async () => {
    net = await createNetPair({ prefix: 'hab', ipv6: false });
    dir = makeTempDir('hab');
  });
  after(async () => {
    await net?.destroy();
    dir?.remove();
  });

  it('sniff(): the packets of a real ping, each with its capture time, printing as Scapy prints them', async () => {
    const child = startNodeInNs(net.nsA, SCRIPT, ['sniff', JSON.stringify({ iface: net.ifA })]);
    await child.waitFor((m) => (m as { ready?: boolean }).ready === true);
    await net.execOk(net.nsB, 'ping', ['-c', '2', '-i', '0.2', '-W', '2', net.ipA]);
    type Sniffed = {
      repr: string;
      packets: Array<{ hex: string; time: number; len: number; summary: string }>;
      started: number;
      ended: number;
    };
    const r = message<Sniffed>((await child.done).messages, 'repr');
    assert.equal(r.packets.length, 4);
    const oracle = JSON.parse(
      scapy(
        `pl = PacketList([Ether(bytes.fromhex(h)) for h in json.loads(sys.argv[1])], name="Sniffed")
print(json.dumps({"repr": repr(pl), "summaries": [p.summary() for p in pl], "lens": [len(p) for p in pl]}))`,
        [JSON.stringify(r.packets.map((p) => p.hex))],
      ),
    ) as { repr: string; summaries: string[]; lens: number[] };
    assert.equal(r.repr, oracle.repr);
    assert.equal(r.repr, '<Sniffed: TCP:0 UDP:0 ICMP:4 Other:0>');
    assert.deepEqual(
      r.packets.map((p) => p.summary),
      oracle.summaries,
    );
    assert.deepEqual(
      r.packets.map((p) => p.len),
      oracle.lens,
    );
    // Capture times: within the sniff, in order (the kernel stamps them; the clock is shared with the namespaces).
    for (const [i, p] of r.packets.entries()) {
      assert.ok(
        p.time >= r.started - 0.001 && p.time <= r.ended + 0.001,
        `packet ${i} at ${p.time} outside ${r.started}..${r.ended}`,
      );
      if (i > 0) assert.ok(p.time >= r.packets[i - 1].time);
    }
  });

  it('sr(): answered pairs print as Scapy prints them, each answer with its capture time', async () => {
    const r = await runNodeInNs(net.nsA, SCRIPT, ['sr-lists', JSON.stringify({ dst: net.ipB })], { timeoutMs: 20_000 });
    type Lists = {
      repr: string;
      unrepr: string;
      summary: string;
      pairs: Array<{ sent: string; got: string; time: number }>;
      before: number;
      after: number;
    };
    const m = message<Lists>(r.messages, 'repr');
    assert.equal(m.pairs.length, 2, JSON.stringify(m));
    const oracle = JSON.parse(
      scapy(
        `pairs = SndRcvList([(IP(bytes.fromhex(s)), IP(bytes.fromhex(g))) for s, g in json.loads(sys.argv[1])])
import io, contextlib
b = io.StringIO()
with contextlib.redirect_stdout(b):
    pairs.summary()
print(json.dumps({"repr": repr(pairs), "summary": b.getvalue().rstrip("\\n"), "un": repr(PacketList([], name="Unanswered"))}))`,
        [JSON.stringify(m.pairs.map((p) => [p.sent, p.got]))],
      ),
    ) as { repr: string; summary: string; un: string };
    assert.equal(m.repr, oracle.repr);
    assert.equal(m.repr, '<Results: TCP:0 UDP:0 ICMP:2 Other:0>');
    assert.equal(m.summary, oracle.summary);
    assert.equal(m.unrepr, oracle.un);
    for (const p of m.pairs)
      assert.ok(p.time >= m.before && p.time <= m.after, `answer time ${p.time} outside ${m.before}..${m.after}`);
  });

  it('sr() of a packet set sends each packet of it and matches each answer to its own request', async () => {
    const silent = net.host4(78);
    const r = await runNodeInNs(net.nsA, SCRIPT, ['sr-set', JSON.stringify({ dst: net.ipB, silent })], {
      timeoutMs: 20_000,
    });
    const m = message<{ answered: Array<{ sent: string; got: string }>; unanswered: string[] }>(r.messages, 'answered');
    const sent = (host: string, port: number) => `IP / UDP ${net.ipA}:33400 > ${host}:${port === 9 ? 'discard' : port}`;
    assert.deepEqual(m.answered.map((x) => x.sent).sort(), [sent(net.ipB, 9), sent(net.ipB, 10)].sort());
    for (const x of m.answered)
      assert.match(
        x.got,
        new RegExp(
          `^IP / ICMP ${net.ipB.replace(/\./g, '\\.')} > ${net.ipA.replace(/\./g, '\\.')} dest-unreach port-unreachable / IPerror / UDPerror`,
        ),
      );
    assert.deepEqual(m.unanswered.sort(), [sent(silent, 9), sent(silent, 10)].sort());
  });

  it('srloop without callbacks prints what Scapy srloop prints for the same exchange', async () => {
    const silent = net.host4(77); // no host there: unanswered
    const ours = await runNodeInNs(net.nsA, SCRIPT, ['srloop', JSON.stringify({ dst: net.ipB, silent })], {
      timeoutMs: 30_000,
    });
    assert.equal(ours.code, 0, ours.stderr);
    const theirs = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        net.nsA,
        '/usr/bin/python3',
        '-c',
        `import logging; logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import *
srloop([IP(dst="${net.ipB}")/ICMP(id=0x52), IP(dst="${silent}")/ICMP(id=0x53)], count=2, inter=0.2, timeout=1)`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(theirs.status, 0, theirs.stderr);
    const text = message<{ printed: string }>(ours.messages, 'printed').printed;
    assert.equal(text, theirs.stdout);
    assert.match(text, /RECV 1: IP \/ ICMP .* echo-reply 0\n {8}\rfail 1: IP \/ ICMP .* echo-request 0\n/);
    assert.match(text, /Sent 4 packets, received 2 packets\. 50\.0% hits\.\n$/);
  });

  for (const fn of ['sendpfast', 'sendp', 'send'] as const) {
    it(`${fn} stops when its signal aborts: the result counts exactly what arrived`, async () => {
      const port = 7100 + ['sendpfast', 'sendp', 'send'].indexOf(fn);
      const file = path.join(dir.path, `abort-${fn}.pcap`);
      const dump = await startTcpdump({
        ns: net.nsB,
        iface: net.ifB,
        file,
        filter: `udp dst port ${port}`,
        snaplen: 96,
      });
      const r = await runNodeInNs(
        net.nsA,
        SCRIPT,
        ['abort', JSON.stringify({ fn, iface: net.ifA, dstMac: net.macB, dst: net.ipB, port })],
        { timeoutMs: 30_000 },
      );
      const m = message<{ result: { sent: number; aborted?: boolean }; none: { sent: number; aborted?: boolean } }>(
        r.messages,
        'result',
      );
      await dump.stop({ packets: m.result.sent, timeoutMs: 5000 });
      assert.equal(m.result.aborted, true);
      assert.ok(m.result.sent > 0 && m.result.sent < 1_000_000, JSON.stringify(m.result));
      assert.equal(countPcapRecords(file), m.result.sent, 'every packet counted as sent arrived, and no other');
      assert.deepEqual(
        { sent: m.none.sent, aborted: m.none.aborted },
        { sent: 0, aborted: true },
        'an aborted signal sends nothing',
      );
    });
  }
});
