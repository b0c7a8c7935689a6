// Scapy habits, each compared with Scapy 2.5 on the same packets: TCP flags
// as FlagValue (on layers and on captured views), len(pkt), pkt.time from a
// file, packet lists and answer lists as they print, rdpcap / wrpcap /
// sniff(offline=...).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ARP,
  dissect,
  Ether,
  hexdump,
  ICMP,
  IP,
  IPv6,
  len,
  lsString,
  PacketList,
  parse,
  rdpcap,
  Raw,
  sniff,
  SndRcvList,
  TCP,
  TCPFlags,
  UDP,
  wrpcap,
  type Layer,
} from '../../lib/index';
import { scapyUnavailable } from './scapy-oracle';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pcap');
const skip = scapyUnavailable();

/** Runs a Python body (Scapy imported) and returns what it prints as JSON. */
function py<T>(body: string, ...args: string[]): T {
  const script = `import json, sys, logging\nlogging.getLogger("scapy.runtime").setLevel(logging.ERROR)\nfrom scapy.all import *\n${body}`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'pktkit-habits-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('TCP flags compare as Scapy FlagValue does', { skip }, () => {
  const VALUES = [0, 0x01, 0x02, 0x04, 0x10, 0x11, 0x12, 0x14, 0x18, 0x19, 0xc2, 0x100, 0x1ff];
  const SPECS = ['', 'S', 'SA', 'AS', 'A', 'PA', 'FA', 'R', 'RA', 'FSRPAUECN', 'SEC'];
  type Row = { str: string; repr: string; eq: boolean[]; contains: boolean[]; bits: boolean[] };
  const scapy = py<Row[]>(
    `out = []
for v in ${JSON.stringify(VALUES)}:
    f = TCP(flags=v).flags
    out.append({"str": str(f), "repr": repr(f), "eq": [f == s for s in ${JSON.stringify(SPECS)}],
                "contains": [c in f for c in "FSRPAUECN"], "bits": [getattr(f, c) for c in "FSRPAUECN"]})
print(json.dumps(out))`,
  );

  /** The same checks on any TCPFlags (a layer's or a view's). */
  function check(f: TCPFlags, row: Row, where: string): void {
    assert.equal(String(f), row.str, where);
    assert.equal(`${f}`, row.str, where);
    assert.equal(f.repr(), row.repr, where);
    assert.deepEqual(
      SPECS.map((s) => f.is(s)),
      row.eq,
      `${where} is()`,
    );
    // Scapy's `'S' in flags` is one letter; has() takes several (all of them set), so compare letter by letter.
    assert.deepEqual(
      [...'FSRPAUECN'].map((c) => f.has(c)),
      row.contains,
      `${where} has()`,
    );
    assert.equal(f.has('SA'), f.S && f.A);
    assert.deepEqual(
      [...'FSRPAUECN'].map((c) => f[c as 'F']),
      row.bits,
      `${where} letters`,
    );
  }

  it('on built layers, numeric access kept', () => {
    VALUES.forEach((v, i) => {
      const t = TCP({ flags: v });
      check(t.flagValue, scapy[i], `TCP(flags=${v})`);
      assert.equal(t.flags, v);
      assert.equal(+t.flagValue, v);
      assert.equal(t.flagValue.value, v);
    });
    // Letters set on the layer and read back through the same object.
    const t = TCP({ flags: 'SA' });
    const f = t.flagValue;
    t.flags = 'FA';
    assert.ok(f.is('FA') && f.is('AF') && !f.is('SA'));
  });

  it('on captured views (dissected by the native dissector), one object per view', () => {
    VALUES.forEach((v, i) => {
      const bytes = Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
        .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
        .div(TCP({ flags: v }))
        .toBytes();
      const tcp = dissect(bytes).tcp!;
      check(tcp.flagValue, scapy[i], `view flags=${v}`);
      assert.equal(tcp.flagValue, tcp.flagValue, 'the view keeps one object');
      assert.equal(tcp.flags, v, 'numeric access stays');
    });
  });

  it('letters Scapy does not know are a TypeError that names them', () => {
    assert.throws(() => TCP().flagValue.is('SX'), /unknown flag letter 'X' in 'SX'/);
    assert.throws(() => new TCPFlags(600), TypeError);
    assert.ok(new TCPFlags('AS').is(0x12));
  });
});

describe('len() and packet lists print as in Scapy', { skip }, () => {
  const EXPRS = [
    "IP(src='198.18.0.1', dst='198.18.0.2')/TCP(sport=1234, dport=80, flags='SA')",
    "IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=1000, dport=2000)/Raw(b'abcdef')",
    "Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/ARP(psrc='198.18.0.1', pdst='198.18.0.2', hwsrc='02:00:00:00:00:01')",
    "IP(src='198.18.0.1', dst='198.18.0.2')/ICMP()",
    "IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=3, code=3)/IP(src='198.18.0.1', dst='198.18.0.2')/TCP(sport=1, dport=2)",
    "IPv6(src='fd00::1', dst='fd00::2')/UDP(sport=1, dport=2)",
  ];
  const ours: Layer[] = [
    IP({ src: '198.18.0.1', dst: '198.18.0.2' }).div(TCP({ sport: 1234, dport: 80, flags: 'SA' })),
    IP({ src: '198.18.0.1', dst: '198.18.0.2' })
      .div(UDP({ sport: 1000, dport: 2000 }))
      .div(Raw({ load: 'abcdef' })),
    Ether({ src: '02:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' }).div(
      ARP({ psrc: '198.18.0.1', pdst: '198.18.0.2', hwsrc: '02:00:00:00:00:01' }),
    ),
    IP({ src: '198.18.0.1', dst: '198.18.0.2' }).div(ICMP()),
    IP({ src: '198.18.0.2', dst: '198.18.0.1' })
      .div(ICMP({ type: 3, code: 3 }))
      .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
      .div(TCP({ sport: 1, dport: 2 })),
    IPv6({ src: 'fd00::1', dst: 'fd00::2' }).div(UDP({ sport: 1, dport: 2 })),
  ];
  type Out = {
    lens: number[];
    hex: string[];
    repr: string;
    summary: string;
    nsummary: string;
    rrepr: string;
    rsummary: string;
    rnsummary: string;
    empty: string;
  };
  // Scapy prints summary()/nsummary(); capture what they print.
  const scapy = py<Out>(
    `import io, contextlib
pkts = [${EXPRS.join(', ')}]
# As the test sends them: each built packet dissected again (a received one is).
pkts = [p.__class__(bytes(p)) for p in pkts]
def printed(f):
    b = io.StringIO()
    with contextlib.redirect_stdout(b):
        f()
    return b.getvalue().rstrip("\\n")
pl = PacketList(pkts, name="Sniffed")
pairs = SndRcvList([(pkts[0], pkts[1]), (pkts[3], pkts[4])])
print(json.dumps({"lens": [len(p) for p in pkts], "hex": [bytes(p).hex() for p in pkts], "repr": repr(pl),
  "summary": printed(pl.summary), "nsummary": printed(pl.nsummary), "rrepr": repr(pairs),
  "rsummary": printed(pairs.summary), "rnsummary": printed(pairs.nsummary), "empty": repr(PacketList([]))}))`,
  );
  const reread = ours.map((p) => parse(p.toBytes(), { first: p.cls }));

  it('len(pkt) is the length of the built bytes', () => {
    assert.deepEqual(
      ours.map((p) => Buffer.from(p.toBytes()).toString('hex')),
      scapy.hex,
    );
    assert.deepEqual(
      ours.map((p) => len(p)),
      scapy.lens,
    );
    const captured = dissect(ours[2].toBytes());
    assert.equal(len(captured), scapy.lens[2]);
    assert.equal(len(new PacketList(ours)), ours.length);
    assert.throws(
      () => len(5 as never),
      /Expected a layer, a captured Packet or a list for len\(\) argument but received 5 of type number/,
    );
  });

  it('a PacketList prints its counts, summary() and nsummary() as Scapy', () => {
    const pl = new PacketList(reread, 'Sniffed');
    assert.equal(String(pl), scapy.repr);
    assert.equal(pl.summary(), scapy.summary);
    assert.equal(pl.nsummary(), scapy.nsummary);
    assert.equal(String(new PacketList()), scapy.empty);
    // console.log shows the repr, not the layers' internals.
    const { inspect } = require('node:util') as typeof import('node:util');
    assert.equal(inspect(pl), scapy.repr);
    assert.ok(Array.isArray(pl) && pl.length === reread.length);
    assert.ok(!(pl.map((x) => x) instanceof PacketList), 'map gives a plain array');
  });

  it('answered pairs print as sent ==> received summaries', () => {
    const pairs = new SndRcvList([
      [reread[0], reread[1]],
      [reread[3], reread[4]],
    ]);
    assert.equal(String(pairs), scapy.rrepr);
    assert.equal(pairs.summary(), scapy.rsummary);
    assert.equal(pairs.nsummary(), scapy.rnsummary);
    const { inspect } = require('node:util') as typeof import('node:util');
    assert.equal(inspect(pairs), scapy.rrepr);
    assert.equal(pairs.received().length, 2);
  });
});

describe('rdpcap, sniff(offline), wrpcap against Scapy', { skip }, () => {
  type Read = { repr: string; times: string[]; lens: number[]; summaries: string[] };
  const READ = `pl = rdpcap(sys.argv[1])
print(json.dumps({"repr": repr(pl), "times": [str(p.time) for p in pl], "lens": [len(p) for p in pl], "summaries": [p.summary() for p in pl]}))`;

  for (const file of ['http-lo.pcap', 'http-lo-nsec.pcap', 'veth-mixed.pcap', 'any-sll2.pcap']) {
    it(`rdpcap ${file}: repr, pkt.time, len(pkt), summaries`, async () => {
      const full = path.join(FIXTURES, file);
      const scapy = py<Read>(READ, full);
      const pl = await rdpcap(full);
      assert.equal(String(pl), scapy.repr);
      assert.deepEqual(
        pl.map((p) => len(p)),
        scapy.lens,
      );
      assert.deepEqual(
        pl.map((p) => p.summary()),
        scapy.summaries,
      );
      pl.forEach((p, i) => {
        // Scapy keeps a Decimal; ours is a double: equal to well under a microsecond.
        assert.ok(Math.abs(p.time! - Number(scapy.times[i])) < 1e-6, `${file} #${i}: ${p.time} vs ${scapy.times[i]}`);
      });
      assert.equal((await rdpcap(full, 2)).length, 2);
    });
  }

  it('sniff(offline) with filter, lfilter, count, prn, stopFilter, store', async () => {
    const full = path.join(FIXTURES, 'veth-mixed.pcap');
    const s = py<{ udp: string[]; lf: string[]; stop: string[]; count: string }>(
      `f = sys.argv[1]
udp = sniff(offline=f, filter="udp")
lf = sniff(offline=f, lfilter=lambda p: ICMP in p, count=2)
stop = sniff(offline=f, stop_filter=lambda p: UDP in p)
print(json.dumps({"udp": [p.summary() for p in udp], "lf": [p.summary() for p in lf], "stop": [p.summary() for p in stop], "count": repr(sniff(offline=f, count=3))}))`,
      full,
    );
    assert.ok(s.udp.length > 0 && s.lf.length === 2, 'the fixture has what the test needs');
    const udp = await sniff({ offline: full, filter: 'udp' });
    assert.deepEqual(
      udp.map((p) => p.summary()),
      s.udp,
    );
    const lf = await sniff({ offline: full, lfilter: (p) => p.has(ICMP), count: 2 });
    assert.deepEqual(
      lf.map((p) => p.summary()),
      s.lf,
    );
    const stop = await sniff({ offline: full, stopFilter: (p) => p.has(UDP) });
    assert.deepEqual(
      stop.map((p) => p.summary()),
      s.stop,
    );
    assert.equal(String(await sniff({ offline: full, count: 3 })), s.count);
    const seen: string[] = [];
    const none = await sniff({ offline: full, store: false, prn: (p) => void seen.push(p.summary()), count: 3 });
    assert.equal(none.length, 0);
    assert.deepEqual(
      seen,
      (await sniff({ offline: full, count: 3 })).map((p) => p.summary()),
    );
  });

  it('sniff rejects bad options with a TypeError that says what came', async () => {
    await assert.rejects(
      sniff({ offline: path.join(FIXTURES, 'http-lo.pcap'), count: -1 }),
      /Expected an integer 0\.\.\d+ for sniff\(\) count but received -1/,
    );
    await assert.rejects(
      sniff({ prn: 5 as never, offline: 'x' }),
      /Expected a function for sniff\(\) prn but received 5 of type number/,
    );
    await assert.rejects(sniff({ iface: 'lo', offline: 'x' }), /give iface or offline, not both/);
    await assert.rejects(sniff({ bogus: 1 } as never), /Unknown option 'bogus'/);
    const ac = new AbortController();
    ac.abort();
    assert.equal((await sniff({ offline: path.join(FIXTURES, 'http-lo.pcap'), signal: ac.signal })).length, 0);
  });

  it('wrpcap writes what Scapy reads back: bytes, link type, times', async () => {
    const cases: Array<[string, Layer[]]> = [
      [
        'ether.pcap',
        [
          Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
            .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
            .div(UDP({ sport: 9, dport: 9 }))
            .div(Raw({ load: 'x' })),
        ],
      ],
      [
        'ip.pcap',
        [
          IP({ src: '198.18.0.1', dst: '198.18.0.2' }).div(ICMP()),
          IP({ src: '198.18.0.2', dst: '198.18.0.1' }).div(TCP({ flags: 'SA' })),
        ],
      ],
      ['ip6.pcap', [IPv6({ src: 'fd00::1', dst: 'fd00::2' }).div(UDP())]],
    ];
    for (const [name, pkts] of cases) {
      pkts.forEach((p, i) => (p.time = 1700000000.25 + i));
      const file = path.join(tmp, name);
      await wrpcap(file, pkts);
      // Scapy writes the same packets to compare the file headers (link type) with.
      const s = py<{ hex: string[]; times: string[]; ours: string; theirs: string }>(
        `pl = rdpcap(sys.argv[1])
wrpcap(sys.argv[2], pl)
print(json.dumps({"hex": [bytes(p).hex() for p in pl], "times": [str(p.time) for p in pl],
  "ours": open(sys.argv[1], "rb").read()[:24].hex(), "theirs": open(sys.argv[2], "rb").read()[:24].hex()}))`,
        file,
        file + '.scapy',
      );
      assert.deepEqual(
        s.hex,
        pkts.map((p) => Buffer.from(p.toBytes()).toString('hex')),
        name,
      );
      assert.deepEqual(
        s.times.map(Number),
        pkts.map((p) => p.time),
        name,
      );
      assert.equal(
        s.ours,
        s.theirs,
        `${name}: the same file header (magic, version, snaplen, link type) as Scapy writes`,
      );
    }
    // Captured packets are written as captured.
    const pl = await rdpcap(path.join(FIXTURES, 'http-lo.pcap'));
    const again = path.join(tmp, 'again.pcap');
    await wrpcap(again, pl);
    assert.deepEqual(
      (await rdpcap(again)).map((p) => p.summary()),
      pl.map((p) => p.summary()),
    );
    await assert.rejects(
      wrpcap(again, [5 as never]),
      /Expected a layer or a captured Packet for wrpcap\(\) packet but received 5/,
    );
  });
});

describe('ls() prints as Scapy ls()', { skip }, () => {
  const scapyLs = (expr: string): string =>
    py<string>(`import io, contextlib
b = io.StringIO()
with contextlib.redirect_stdout(b):
    ls(${expr})
print(json.dumps(b.getvalue().rstrip("\\n")))`);

  it('of layer types: field, Scapy field class, default', () => {
    for (const [name, kind] of [
      ['TCP', TCP],
      ['UDP', UDP],
      ['IP', IP],
      ['Ether', Ether],
    ] as const) {
      assert.equal(lsString(kind), scapyLs(name), name);
    }
  });

  it('of packets: every layer with its current values, as Scapy', () => {
    const ours = Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
      .div(IP({ src: '198.18.0.1', dst: '198.18.0.2', flags: 'DF', ttl: 9 }))
      .div(TCP({ sport: 1234, dport: 80, flags: 'SA', options: [['MSS', 1460]] }));
    const theirs =
      "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/IP(src='198.18.0.1', dst='198.18.0.2', flags='DF', ttl=9)/TCP(sport=1234, dport=80, flags='SA', options=[('MSS', 1460)])";
    assert.equal(lsString(ours), scapyLs(theirs));
    assert.equal(
      lsString(IP({ src: '198.18.0.1', dst: '198.18.0.2' }).div(UDP({ sport: 53, dport: 9 }))),
      scapyLs("IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=53, dport=9)"),
    );
    assert.throws(
      () => lsString(5 as never),
      /ls\(\): expected a layer type \(e\.g\. TCP\) or a packet but received 5/,
    );
  });
});

describe('hexdump() styles', () => {
  it("'escaped' writes control characters as escapes (the layout of pktkit capture -v); the default stays Scapy's", () => {
    // GET / HTTP/1.1 CR LF, then a NUL and ESC
    const bytes = new TextEncoder().encode('GET / HTTP/1.1\r\n\x00\x1b');
    assert.equal(
      hexdump(bytes, { style: 'escaped' }),
      '0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1<\\r><\\n>\n' +
        '0010  00 1b                                            <\\0><\\x1b>',
    );
    assert.equal(hexdump(bytes, { style: 'scapy' }), hexdump(bytes));
    assert.match(hexdump(bytes), /^0000  47 45 54 20 2F 20 48 54 54 50 2F 31 2E 31 0D 0A  GET \/ HTTP\/1\.1\.\.$/m);
    assert.throws(
      () => hexdump(bytes, { style: 'xxd' as never }),
      /Expected 'scapy' or 'escaped' for hexdump\(\) style but received 'xxd'/,
    );
  });
});
