/**
 * The kernel look-ups behind filling packets (native routeGet over rtnetlink,
 * interfaceInfo over ioctls), checked against what `ip` says in a namespace
 * of the test's own; and the error for a destination without a route.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';

describe('route and interface look-ups', () => {
  it('agree with ip route get / ip link, and no route is ENETUNREACH', async (t) => {
    const net = await createNetPair({ prefix: 'route', t });
    const unrouted = '198.19.254.1'; // outside the pair's /24, and the pair has no default route
    const r = await runNodeInNs(net.nsA, 'test/send/scripts/route-lookup.ts', [
      JSON.stringify({ peer4: net.ipB, peer6: net.ip6B, own4: net.ipA, iface: net.ifA, unrouted }),
    ]);
    const m = r.messages[0] as Record<string, Record<string, unknown>>;
    assert.ok(m && !m.error, JSON.stringify(m) + r.stderr);

    const ipGet = async (dst: string) =>
      JSON.parse((await net.execOk(net.nsA, 'ip', ['-j', 'route', 'get', dst])).stdout)[0] as Record<string, string>;
    const ref4 = await ipGet(net.ipB);
    assert.deepEqual(m.peer4, { type: 'unicast', ifindex: m.iface.index, iface: ref4.dev, src: ref4.prefsrc });
    assert.equal(m.peer4.iface, net.ifA);
    assert.equal(m.peer4.src, net.ipA);
    const ref6 = await ipGet(net.ip6B);
    assert.deepEqual({ iface: m.peer6.iface, src: m.peer6.src }, { iface: ref6.dev, src: ref6.prefsrc ?? net.ip6A });
    assert.equal(m.peer6.src, net.ip6A);
    // The host's own address is routed through lo.
    assert.deepEqual(
      { type: m.own4.type, iface: m.own4.iface, src: m.own4.src },
      { type: 'local', iface: 'lo', src: net.ipA },
    );

    const link = JSON.parse((await net.execOk(net.nsA, 'ip', ['-j', 'link', 'show', net.ifA])).stdout)[0] as Record<
      string,
      unknown
    >;
    assert.deepEqual(m.iface, { index: link.ifindex, mtu: link.mtu, up: true, mac: net.macA });
    assert.equal(m.lo.mac, undefined, 'lo has no Ethernet address');
    assert.deepEqual(m.missing, { name: 'InterfaceError', code: 'ENODEV' });

    assert.equal(m.unrouted.name, 'PktkitError');
    assert.equal(m.unrouted.code, 'ENETUNREACH');
    assert.match(String(m.unrouted.message), new RegExp(`route lookup for ${unrouted.replace(/\./g, '\\.')}`));
  });
});
