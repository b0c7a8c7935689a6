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
  ICMPv6EchoRequest,
  ICMPv6MLDMultAddrRec,
  type ICMPv6MLDMultAddrRecLayer,
  ICMPv6MLReport2,
  ICMPv6ND_NS,
  IP,
  type IPFields,
  type IPLayer,
  IPv6,
  TCP,
  type TCPLayer,
  UDP,
  UDPLayer,
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

it("the types follow from each layer's one declaration (FieldValues / FieldInputs)", () => {
  // What the factory takes is derived from the field list: the exported Fields type is that type.
  const given: IPFields = { ttl: 5, flags: 'DF', proto: 'udp', len: null };
  const ip = IP(given);
  // Automatic fields (default null) read as number | null, the others as number.
  const chk: number | null = ip.chksum;
  const ttl: number = ip.ttl;
  // A record list takes one record or an array, and reads as an array.
  const report = ICMPv6MLReport2({ records: ICMPv6MLDMultAddrRec({ dst: 'ff02::1:ff00:1' }) });
  const records: ICMPv6MLDMultAddrRecLayer[] = report.records;
  const tgt: string = ICMPv6ND_NS({ tgt: 'fd00::2' }).tgt;
  const declared: readonly string[] = UDPLayer.fieldDefs.map((d) => d.name);

  // @ts-expect-error: ttl is not computed, so null is not a value for it
  assert.throws(() => IP({ ttl: null }), /IP\.ttl: expected an integer 0\.\.255 but received null/);
  // @ts-expect-error: the echo code has no names, so a string is no code
  assert.throws(() => ICMPv6EchoRequest({ code: 'x' }), /ICMPv6EchoRequest\.code: unknown name 'x'/);
  // @ts-expect-error: a field of another layer
  assert.throws(() => ICMPv6ND_NS({ mtu: 1280 }), /ICMPv6ND_NS\.mtu: no such field/);

  assert.deepEqual(
    [ttl, chk, records.length, records[0].dst, tgt, declared],
    [5, null, 1, 'ff02::1:ff00:1', 'fd00::2', ['sport', 'dport', 'len', 'chksum']],
  );
  assert.equal(ip.toBytes()[8], 5);
});
