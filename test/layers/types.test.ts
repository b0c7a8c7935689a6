// Compile-time checks of the public types (tsc --noEmit runs over test/**):
// each @ts-expect-error line must be an error, the other lines must compile.
// At run time the same lines are exercised so the file is a real test too.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  DNS,
  DNSQR,
  DNSRR,
  Ether,
  ICMP,
  IP,
  type IPLayer,
  IPv6,
  TCP,
  type TCPLayer,
  UDP,
  type Layer,
} from '../../lib/layers';

it('public types: factories, field names and value types, get() results', () => {
  const pkt = Ether()
    .div(IP({ dst: '198.18.0.2', flags: 'DF', proto: 'tcp' }))
    .div(TCP({ dport: 80, flags: 'SA', options: [['MSS', 1460]] }));
  // get() returns the concrete layer type, so fields are typed.
  const tcp: TCPLayer | undefined = pkt.get(TCP);
  const dport: number = tcp!.dport;
  const ttl: number = pkt.get(IP)!.ttl;
  const len: number | null = pkt.get(IP)!.len;
  const qname: string = DNS({ qd: DNSQR({ qname: 'a.test' }) }).qd[0].qname;
  const layer: Layer = pkt;
  const ip: IPLayer = IP();
  tcp!.flags = 'S'; // flags accept letters when assigned and read back as numbers
  const f: number = tcp!.flags;

  // @ts-expect-error: no such field
  assert.throws(() => IP({ tll: 5 }));
  // @ts-expect-error: ttl is a number
  assert.throws(() => IP({ ttl: '5' }));
  // @ts-expect-error: TCP options are [name, value] pairs
  assert.throws(() => TCP({ options: [['MSS']] }));
  // @ts-expect-error: UDP has no flags
  assert.throws(() => UDP({ flags: 'S' }));
  // @ts-expect-error: DNS questions are DNSQR layers, not strings
  assert.throws(() => DNS({ qd: 'a.test' }));
  // @ts-expect-error: a DNSRR does not go where questions go
  assert.throws(() => DNS({ qd: DNSRR() }));
  // @ts-expect-error: get() needs a layer type or a layer name
  assert.throws(() => pkt.get(6), /Ether\.get: expected a layer type/);
  // By name, like Scapy's pkt['TCP']: the result is a plain Layer.
  const byName: Layer | undefined = pkt.get('TCP');
  assert.equal(byName, tcp);

  assert.deepEqual(
    [dport, ttl, len, qname, f, layer === pkt, ip instanceof IP],
    [80, 64, null, 'a.test.', 2, true, true],
  );
  assert.equal(ICMP().type, 8);
  assert.equal(IPv6().nh, 59);
});
