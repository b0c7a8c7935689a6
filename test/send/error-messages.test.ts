/**
 * The one error path, send side: native/send.cc, route.cc and interfaces.cc
 * report facts (errno, the call, the interface, packets sent), lib/errors.ts
 * words them with the same hints as capture. Each condition is real: the
 * kernel refuses a packet over the MTU, a destination without a route, an
 * interface that is missing or down, a socket without privilege.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { INTERFACE_HINT, PRIVILEGE_HINT } from '../../lib/errors';
import { createNetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';
import { runScriptAsNobody } from '../helpers/processes';

type Facts = { name: string; code?: string; sent?: number; message: string };

describe('send error messages, worded once in lib/errors.ts', () => {
  it('the kernel refuses: EMSGSIZE after one packet, no route, a missing and a down interface', async (t) => {
    const net = await createNetPair({ prefix: 'senderr', t, ipv6: false });
    const unrouted = '198.19.254.1'; // outside the pair's /24; the pair has no default route
    const r = await runNodeInNs(net.nsA, 'test/send/scripts/error-facts.ts', [
      JSON.stringify({ peer4: net.ipB, own4: net.ipA, peerMac: net.macB, iface: net.ifA, unrouted }),
    ]);
    const m = r.messages[0] as Record<string, Facts> & { error?: string };
    assert.ok(m && !m.error, JSON.stringify(m) + r.stderr);

    // The first packet went out, the second was over the MTU: a PktkitError that says which and how many went.
    assert.deepEqual(m.tooBig, {
      name: 'PktkitError',
      code: 'EMSGSIZE',
      sent: 1,
      message: 'send() failed: sendmmsg of packet 2: Message too long',
    });
    assert.deepEqual(m.unrouted, {
      name: 'PktkitError',
      code: 'ENETUNREACH',
      message: `route lookup for ${unrouted} failed: no route to ${unrouted}: Network is unreachable`,
    });
    assert.deepEqual(m.missing, {
      name: 'InterfaceError',
      code: 'ENODEV',
      message: `no such interface 'pktkitnope0': ${INTERFACE_HINT} (SIOCGIFINDEX: No such device)`,
    });
    assert.deepEqual(m.down, {
      name: 'InterfaceError',
      code: 'EIFDOWN',
      sent: 0,
      message: `interface '${net.ifA}' is down: bring it up (ip link set ${net.ifA} up)`,
    });
  });

  it('no privilege: PermissionError with the same hint as capture, for send() and sendp()', async (t) => {
    const script = `
      const { send, sendp, IP, ICMP, Ether } = require(${JSON.stringify(path.resolve(__dirname, '../../lib/index.ts'))});
      const facts = (e) => ({ name: e.name, code: e.code, message: e.message });
      (async () => {
        const out = {};
        out.send = await send(IP({ dst: '127.0.0.1' }).div(ICMP())).then(() => ({ sent: true }), facts);
        out.sendp = await sendp(Ether().div(IP({ dst: '127.0.0.1' })).div(ICMP()), { iface: 'lo' }).then(() => ({ sent: true }), facts);
        console.log(JSON.stringify(out));
      })();`;
    const r = await runScriptAsNobody(t, script);
    if (r === undefined) return;
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, Facts>;
    assert.deepEqual(
      out.send,
      {
        name: 'PermissionError',
        code: 'EPERM',
        message: `no permission for send(): ${PRIVILEGE_HINT} (or a firewall rule dropped it) (socket: Operation not permitted)`,
      },
      r.stderr,
    );
    assert.deepEqual(out.sendp, {
      name: 'PermissionError',
      code: 'EPERM',
      message: `no permission for sendp() on lo: ${PRIVILEGE_HINT} (or a firewall rule dropped it) (socket: Operation not permitted)`,
    });
  });
});
