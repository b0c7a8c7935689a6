// Packet sets as in Scapy: field values given as lists, ranges or IPv4
// networks stand for every combination, in Scapy's order, with the same
// bytes Scapy builds for each (compared with Scapy 2.5 on the same sets).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ICMP, IP, MAX_SET_PACKETS, range, TCP, UDP, type Layer } from '../../lib/index';
import { packetList } from '../../lib/send/prepare';
import { runScapy, scapyUnavailable } from './scapy-oracle';

/** The same set in Scapy's syntax and ours. */
const CASES: Array<[string, () => Layer]> = [
  [
    "IP(src='198.18.1.1', dst='198.18.0.0/31')/TCP(dport=[79, 80], sport=(1, 2))",
    () => IP({ src: '198.18.1.1', dst: '198.18.0.0/31' }).div(TCP({ dport: [79, 80], sport: range(1, 2) })),
  ],
  [
    "IP(src='198.18.1.1', dst='198.18.0.1')/TCP(sport=(1, 2), dport=[79, 80])",
    () => IP({ src: '198.18.1.1', dst: '198.18.0.1' }).div(TCP({ sport: range(1, 2), dport: [79, 80] })),
  ],
  [
    "IP(src='198.18.1.1', dst=['198.18.0.1', '198.18.0.2'], ttl=[1, 2])/UDP(sport=[5, 6], dport=7)",
    () =>
      IP({ src: '198.18.1.1', dst: ['198.18.0.1', '198.18.0.2'], ttl: [1, 2] }).div(UDP({ sport: [5, 6], dport: 7 })),
  ],
  [
    "IP(src='198.18.1.1', dst='198.18.0.5/30')/ICMP(type=['echo-request', 'echo-reply'])",
    () => IP({ src: '198.18.1.1', dst: '198.18.0.5/30' }).div(ICMP({ type: ['echo-request', 'echo-reply'] })),
  ],
  [
    "IP(src='198.18.1.1', dst='198.18.0.9')/TCP(dport=[80])",
    () => IP({ src: '198.18.1.1', dst: '198.18.0.9' }).div(TCP({ dport: [80] })),
  ],
];

describe('packet sets', () => {
  it('each combination in Scapy order, with the bytes Scapy builds', { skip: scapyUnavailable() }, () => {
    // runScapy gives summary/hex for one packet: ask for each member by index.
    const counts = CASES.map(([, js]) => js().countPackets());
    const members = CASES.flatMap(([py], i) => Array.from({ length: counts[i] }, (_, k) => `list(${py})[${k}]`));
    const scapy = runScapy(members);
    let at = 0;
    CASES.forEach(([py, js], i) => {
      const ours = [...js()];
      assert.equal(ours.length, counts[i], py);
      ours.forEach((p, k) => {
        const s = scapy[at++];
        assert.equal(s.error, undefined, `${py} #${k}: ${s.error}`);
        assert.equal(p.summary(), s.summary, `${py} #${k}`);
        assert.equal(Buffer.from(p.toBytes()).toString('hex'), s.hex, `${py} #${k}`);
      });
    });
    assert.equal(at, scapy.length);
  });

  it('the set itself cannot be built as one packet; a field reads its first value; copy() keeps the set', () => {
    const p = IP({ dst: '198.18.0.0/30' }).div(TCP({ dport: [79, 80] }));
    assert.equal(p.countPackets(), 8);
    assert.throws(
      () => p.toBytes(),
      /IP\.dst holds 4 values: this is a set of 8 packets; build each one from packets\(\)/,
    );
    assert.equal(p.get(TCP)!.dport, 79);
    assert.deepEqual(p.get(TCP)!.fieldSet('dport'), [79, 80]);
    assert.equal(p.copy().countPackets(), 8);
    assert.equal(p.copy({ dst: '198.18.0.1' }).countPackets(), 2);
    const single = p.get(TCP)!;
    single.dport = 81;
    assert.equal(p.countPackets(), 4, 'a single value replaces the set');
    // A field whose one value is a list (TCP options) is not a set.
    assert.equal(TCP({ options: [['MSS', 1460]] }).countPackets(), 1);
    assert.equal(TCP({ options: [[['MSS', 1460]], [['NOP', null]]] as never }).countPackets(), 2);
  });

  it('send and sr take a set as its packets; bad members and huge sets are TypeErrors', () => {
    const plain = IP({ dst: '198.18.0.2' });
    const list = packetList([IP({ dst: '198.18.0.1' }).div(UDP({ dport: range(1000, 1002) })), plain], 'send()');
    assert.equal(list.length, 4);
    assert.deepEqual(
      list.slice(0, 3).map((p) => (p as Layer).get(UDP)!.dport),
      [1000, 1001, 1002],
    );
    assert.ok(list.slice(0, 3).every((p) => !(p as Layer).isPacketSet()));
    assert.equal(list[3], plain, 'a packet without sets is passed as it is');
    assert.throws(
      () => TCP({ dport: [80, 70000] }),
      /TCP\.dport: expected an integer 0\.\.65535 but received an array/,
    );
    assert.throws(() => range(5, 1), /range\(\): expected two integers lo <= hi but received 5, 1/);
    assert.throws(
      () => IP({ dst: '10.0.0.0/8' }),
      /IP\.dst: '10\.0\.0\.0\/8' holds 16777216 addresses, more than the 1048576 a packet set may hold/,
    );
    assert.throws(
      () => packetList(IP({ dst: '198.18.0.0/16' }).div(TCP({ dport: range(1, 100) })), 'send()'),
      new RegExp(`stand for ${65536 * 100} packets, more than ${MAX_SET_PACKETS}`),
    );
  });
});
