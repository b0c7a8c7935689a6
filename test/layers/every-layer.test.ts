// Every layer the package exports, with its defaults and with the link or
// network layer it needs under it: build -> parse gives the same layers,
// the same bytes and the same show() as the built packet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as L from '../../lib/layers';
import type { Layer, LayerFactory } from '../../lib/layers';

type AnyFactory = LayerFactory<Layer, object>;
const factories = Object.entries(L).filter(([, v]) => typeof v === 'function' && 'layerClass' in v) as [
  string,
  AnyFactory,
][];

// Layers that only exist inside another one (DNS records) or need a context to be built under.
const INSIDE_DNS = new Set([
  'DNSQR',
  'DNSRR',
  'DNSRRMX',
  'DNSRRSOA',
  'DNSRRSRV',
  'DNSRROPT',
  'EDNS0TLV',
  'ICMPv6MLDMultAddrRec',
]);
const UNDER: Record<string, () => Layer> = {
  IP: () => L.Ether(),
  IPv6: () => L.Ether(),
  ARP: () => L.Ether(),
  Dot1Q: () => L.Ether(),
  Dot1AD: () => L.Ether(),
  TCP: () => L.IP({ src: '198.18.0.1', dst: '198.18.0.2' }),
  UDP: () => L.IP({ src: '198.18.0.1', dst: '198.18.0.2' }),
  ICMP: () => L.IP({ src: '198.18.0.1', dst: '198.18.0.2' }),
  IPerror: () => L.IP().div(L.ICMP({ type: 3 })),
  TCPerror: () =>
    L.IP()
      .div(L.ICMP({ type: 3 }))
      .div(L.IPerror()),
  UDPerror: () =>
    L.IP()
      .div(L.ICMP({ type: 3 }))
      .div(L.IPerror()),
  ICMPerror: () =>
    L.IP()
      .div(L.ICMP({ type: 3 }))
      .div(L.IPerror()),
  IPerror6: () => L.IPv6().div(L.ICMPv6DestUnreach()),
  DNS: () => L.IP().div(L.UDP()),
};
// Defaults that would be decoded as another class: ICMPv6Unknown's default type 1 is Destination Unreachable.
const FIELDS: Record<string, object> = { ICMPv6Unknown: { type: 200 } };

describe('every exported layer round-trips', () => {
  it('the list of factories is complete', () => {
    assert.ok(factories.length >= 40, `found ${factories.length} factories`);
  });
  for (const [name, F] of factories) {
    if (INSIDE_DNS.has(name) || name === 'Padding') continue;
    it(name, () => {
      let under = UNDER[name]?.();
      if (!under && name.startsWith('ICMPv6NDOpt'))
        under = L.IPv6({ src: 'fd00::1', dst: 'fd00::2' }).div(L.ICMPv6ND_NS());
      if (!under && (name.startsWith('ICMPv6') || name.startsWith('IPv6Ext')))
        under = L.IPv6({ src: 'fd00::1', dst: 'fd00::2' });
      const pkt = under ? under.div(F(FIELDS[name])) : F(FIELDS[name]);
      const bytes = pkt.toBytes();
      const back = L.parse(bytes, { first: pkt.cls });
      assert.deepEqual(
        back.layers().map((l) => l.layerName),
        pkt.layers().map((l) => l.layerName),
      );
      assert.equal(Buffer.from(back.toBytes()).toString('hex'), Buffer.from(bytes).toString('hex'));
      assert.equal(back.showString(), pkt.show2String());
    });
  }
});
