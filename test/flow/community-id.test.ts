import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { communityId } from '../../lib/flow/community-id';
import { FlowTable } from '../../lib/flow/table';
import { openFile } from '../../lib/capture';
import { runOk } from '../helpers/processes';

const FIXTURES = path.join(__dirname, '../fixtures');

interface Vector {
  proto: number;
  saddr: string;
  daddr: string;
  sport: number | null;
  dport: number | null;
  communityid: string;
}

function vectors(name: string): Vector[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'community-id', name), 'utf8')) as Vector[];
}

for (const [file, seed] of [
  ['baseline_deflt.json', 0],
  ['baseline_seed1.json', 1],
] as const) {
  test(`Community ID equals every published vector of the specification (${file}, seed ${seed})`, () => {
    const vs = vectors(file);
    assert.ok(vs.length >= 20, `expected the whole baseline, got ${vs.length} rows`);
    for (const v of vs) {
      const got = communityId(
        { src: v.saddr, dst: v.daddr, proto: v.proto, sport: v.sport ?? undefined, dport: v.dport ?? undefined },
        seed,
      );
      assert.equal(got, v.communityid, `${JSON.stringify(v)}`);
    }
  });
}

test('Community ID: the README table rows (TCP/UDP both ways, ICMP echo pair, one-way ICMP)', () => {
  const tcp = { src: '1.2.3.4', dst: '5.6.7.8', proto: 6, sport: 1122, dport: 3344 };
  assert.equal(communityId(tcp), '1:wCb3OG7yAFWelaUydu0D+125CLM=');
  assert.equal(
    communityId({ src: '5.6.7.8', dst: '1.2.3.4', proto: 6, sport: 3344, dport: 1122 }),
    '1:wCb3OG7yAFWelaUydu0D+125CLM=',
  );
  assert.equal(communityId({ ...tcp, proto: 17 }), '1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=');
  assert.equal(
    communityId({ src: '1.2.3.4', dst: '5.6.7.8', proto: 1, sport: 8, dport: 0 }),
    '1:crodRHL2FEsHjbv3UkRrfbs4bZ0=',
  );
  assert.equal(
    communityId({ src: '5.6.7.8', dst: '1.2.3.4', proto: 1, sport: 0, dport: 0 }),
    '1:crodRHL2FEsHjbv3UkRrfbs4bZ0=',
  );
  assert.equal(
    communityId({ src: '1.2.3.4', dst: '5.6.7.8', proto: 1, sport: 11, dport: 0 }),
    '1:f/YiSyWqczrTgfUCZlBUnvHRcPk=',
  );
});

test('Community ID: bad arguments are TypeErrors that say what was expected and what came', () => {
  assert.throws(() => communityId({ src: '1.2.3', dst: '5.6.7.8', proto: 6 }), {
    name: 'TypeError',
    message: "Expected an IPv4 or IPv6 address for src but received '1.2.3' of type string",
  });
  assert.throws(
    () => communityId({ src: '1.2.3.4', dst: '::1', proto: 6 }),
    /Expected src and dst of one address family/,
  );
  assert.throws(
    () => communityId({ src: '1.2.3.4', dst: '1.2.3.5', proto: 256 }),
    /Expected an integer 0..255 for proto but received 256/,
  );
  assert.throws(
    () => communityId({ src: '1.2.3.4', dst: '1.2.3.5', proto: 6, sport: -1 }),
    /for sport but received -1/,
  );
  assert.throws(() => communityId({ src: '1.2.3.4', dst: '1.2.3.5', proto: 6 }, 70000), /for seed but received 70000/);
});

// A second, independent implementation: Python (scapy reads the file), written from the specification.
const PYTHON_REFERENCE = String.raw`
import base64, hashlib, socket, struct, sys
from scapy.all import rdpcap, IP, IPv6, TCP, UDP, ICMP
from scapy.layers.inet6 import _ICMPv6
V4 = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
V6 = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144}
def cid(fam, s, d, proto, sp, dp, ports):
    sa, da = socket.inet_pton(fam, s), socket.inet_pton(fam, d)
    one_way = False
    if proto in (1, 58):
        table = V4 if proto == 1 else V6
        if sp in table: dp = table[sp]
        else: one_way = True
    if not one_way and (sa > da or (sa == da and sp > dp)):
        sa, da, sp, dp = da, sa, dp, sp
    data = struct.pack('!H', 0) + sa + da + struct.pack('!BB', proto, 0)
    if ports: data += struct.pack('!HH', sp, dp)
    return '1:' + base64.b64encode(hashlib.sha1(data).digest()).decode()
for i, p in enumerate(rdpcap(sys.argv[1])):
    if IP in p:
        ip, fam, proto = p[IP], socket.AF_INET, p[IP].proto
        if ip.frag != 0: print(i, '-'); continue
    elif IPv6 in p:
        ip, fam = p[IPv6], socket.AF_INET6
        # the transport protocol after any extension headers
        l4 = p.getlayer(TCP) or p.getlayer(UDP) or p.getlayer(_ICMPv6)
        if l4 is None or (p.haslayer('IPv6ExtHdrFragment') and p['IPv6ExtHdrFragment'].offset != 0): print(i, '-'); continue
        proto = 6 if isinstance(l4, TCP) else 17 if isinstance(l4, UDP) else 58
    else:
        print(i, '-'); continue
    if TCP in p: print(i, cid(fam, ip.src, ip.dst, proto, p[TCP].sport, p[TCP].dport, True))
    elif UDP in p and proto == 17: print(i, cid(fam, ip.src, ip.dst, proto, p[UDP].sport, p[UDP].dport, True))
    elif proto == 1 and ICMP in p: print(i, cid(fam, ip.src, ip.dst, 1, p[ICMP].type, p[ICMP].code, True))
    elif proto == 58: print(i, cid(fam, ip.src, ip.dst, 58, l4.type, l4.code, True))
    else: print(i, '-')
`;

for (const name of ['veth-mixed.pcap', 'http-lo.pcap', 'veth-vlan.pcap']) {
  test(`Community ID of every flow in ${name} equals a Python reference implementation's (scapy) per packet`, async () => {
    const file = path.join(FIXTURES, 'pcap', name);
    const py = await runOk(null, '/usr/bin/python3', ['-c', PYTHON_REFERENCE, file], { timeoutMs: 60_000 });
    const expected = new Map<number, string>();
    for (const line of py.stdout.trim().split('\n')) {
      const [i, id] = line.split(' ');
      if (id !== '-') expected.set(Number(i), id!);
    }
    assert.ok(expected.size >= 3, `the reference found flows in ${name}: ${py.stdout}`);
    const table = new FlowTable(() => undefined);
    let i = 0;
    let compared = 0;
    for await (const p of openFile(file)) {
      const id = table.add(p);
      const want = expected.get(i);
      // Packets the reference skips (ARP, non-first fragments) may still form pktkit flows; the rest must agree.
      if (want !== undefined) {
        assert.equal(id, want, `packet ${i} of ${name}`);
        compared++;
      }
      i++;
    }
    assert.equal(compared, expected.size);
  });
}
