/**
 * Bad input and failures: TypeErrors that name the layer and field (or the
 * option), PermissionError with the way out when CAP_NET_RAW is missing, and
 * the capture core's InterfaceError for an interface that does not exist.
 * Nothing here reaches a wire: every call fails before a packet is sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ARP,
  Ether,
  ICMP,
  InterfaceError,
  IP,
  IPv6,
  send,
  sendp,
  sendpfast,
  sr,
  sr1,
  srloop,
  srp,
  TCP,
  UDP,
} from '../../lib/index';
import { createNetPair } from '../helpers/netns';
import { REPO_ROOT } from '../helpers/node-in-ns';

const DST = '198.18.0.2';

describe('bad input: TypeError naming the layer and field', () => {
  it('an invalid address, an out-of-range field, an unknown flag letter', () => {
    assert.throws(
      () => IP({ dst: '198.18.0.300' }),
      (e: Error) => e instanceof TypeError && /^IP\.dst: /.test(e.message),
    );
    assert.throws(
      () => IPv6({ src: 'fd00::zz' }),
      (e: Error) => e instanceof TypeError && /^IPv6\.src: /.test(e.message),
    );
    assert.throws(
      () => ARP({ pdst: 'not-an-address' }),
      (e: Error) => e instanceof TypeError && /^ARP\.pdst: /.test(e.message),
    );
    assert.throws(
      () => Ether({ dst: '02:00:00:00:00' }),
      (e: Error) => e instanceof TypeError && /^Ether\.dst: /.test(e.message),
    );
    assert.throws(
      () => IP({ ttl: 256 }),
      (e: Error) => e instanceof TypeError && /^IP\.ttl: .*256/.test(e.message),
    );
    assert.throws(
      () => UDP({ dport: 65536 }),
      (e: Error) => e instanceof TypeError && /^UDP\.dport: /.test(e.message),
    );
    assert.throws(
      () => TCP({ flags: 'SZ' }),
      (e: Error) => e instanceof TypeError && /^TCP\.flags: .*Z/.test(e.message),
    );
    const ip = IP({ dst: DST });
    assert.throws(
      () => ((ip as unknown as { ttl: number }).ttl = -1),
      (e: Error) => e instanceof TypeError && /^IP\.ttl: /.test(e.message),
    );
  });

  it('what the send functions reject before opening a socket', async () => {
    const pkt = IP({ dst: DST }).div(ICMP());
    const typeError = (re: RegExp) => (e: Error) => e instanceof TypeError && re.test(e.message);
    await assert.rejects(send(Ether().div(pkt)), typeError(/send\(\): packet 0 starts with Ether; .*sendp\(\)/));
    await assert.rejects(send('hello' as never), typeError(/send\(\) packet 0/));
    await assert.rejects(send([]), typeError(/at least one packet/));
    await assert.rejects(send(new Uint8Array([0x50, 0, 0])), typeError(/do not start with an IPv4 or IPv6 header/));
    await assert.rejects(
      send(pkt, { count: 0 }),
      typeError(/Expected an integer 1\.\.\d+ for send\(\) count but received 0/),
    );
    await assert.rejects(
      send(pkt, { ttl: 3 } as never),
      typeError(/^send\(\): Unknown option 'ttl': expected one of iface, count, inter, signal$/),
    );
    await assert.rejects(sendp(Ether().div(pkt), { inter: -5 }), typeError(/sendp\(\) inter/));
    await assert.rejects(sendpfast(Ether().div(pkt), { pps: 10, mbps: 1 }), typeError(/pps or mbps/));
    await assert.rejects(sendpfast(Ether().div(pkt), { count: 5, loop: 2 }), typeError(/count or loop/));
    await assert.rejects(sendp(Ether().div(UDP()).div('x')), typeError(/give the interface/));
    await assert.rejects(sr(pkt, { timeout: -1 }), typeError(/sr\(\) timeout/));
    await assert.rejects(sr1(pkt, { multi: 'yes' } as never), typeError(/sr1\(\) multi/));
    await assert.rejects(srp(Ether().div(pkt), { iface: '' }), typeError(/srp\(\) iface/));
    await assert.rejects(srloop(pkt), typeError(/give count, or a signal/));
  });
});

describe('failures of the system', () => {
  it('an interface that does not exist: InterfaceError, worded as the capture core words it', async () => {
    const frame = Ether()
      .div(IP({ dst: DST }))
      .div(ICMP());
    for (const attempt of [
      () => sendp(frame, { iface: 'pktkitnope0' }),
      () => sendpfast(frame, { iface: 'pktkitnope0' }),
    ]) {
      await assert.rejects(attempt(), (e: Error & { code?: string }) => {
        assert.ok(e instanceof InterfaceError, `${e.name}: ${e.message}`);
        assert.equal(e.code, 'ENODEV');
        assert.match(e.message, /^no such interface 'pktkitnope0': list them with `pktkit ifaces` or interfaces\(\)/);
        return true;
      });
    }
    // srp fails the same way, before its capture or socket is opened.
    await assert.rejects(
      srp(frame, { iface: 'pktkitnope0', timeout: 10 }),
      (e: Error & { code?: string }) => e instanceof InterfaceError && e.code === 'ENODEV',
    );
  });

  it('without CAP_NET_RAW: PermissionError with the hint, for every send function', async (t) => {
    const net = await createNetPair({ prefix: 'perm', t, ipv6: false });
    // setpriv drops net_raw from the bounding and inheritable sets: even uid 0 then lacks it.
    const r = await net.execOk(
      net.nsA,
      'setpriv',
      [
        '--inh-caps=-net_raw',
        '--bounding-set=-net_raw',
        process.execPath,
        '--import',
        'tsx',
        'test/send/scripts/attempts.ts',
        net.ipB,
        net.ifA,
      ],
      { cwd: REPO_ROOT, timeoutMs: 20_000 },
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; error?: { name: string; code: string; message: string } });
    assert.deepEqual(
      lines.map((l) => l.name),
      ['send', 'sendp', 'sendpfast', 'sr1', 'srp'],
    );
    for (const l of lines) {
      assert.ok(l.error, `${l.name} must fail without CAP_NET_RAW: ${JSON.stringify(l)}`);
      assert.equal(l.error.name, 'PermissionError', `${l.name}: ${l.error.message}`);
      assert.equal(l.error.code, 'EPERM');
      assert.match(l.error.message, /run as root, or grant cap_net_raw/);
    }
  });
});
