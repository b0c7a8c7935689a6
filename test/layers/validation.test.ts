// Bad input is refused when the layer is made or a field is assigned, with a
// TypeError naming the layer, the field, what was expected and what came.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARP, DNSQR, DNSRR, Dot1Q, Ether, ICMP, IP, IPv6, IPv6ExtHdrRouting, TCP, UDP } from '../../lib/layers';

function throwsType(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${String(e)}`);
    assert.equal((e as TypeError).message, message);
    return true;
  });
}

describe('field validation', () => {
  it('out-of-range integers name layer, field, range and value', () => {
    throwsType(() => IP({ ttl: 300 }), 'IP.ttl: expected an integer 0..255 but received 300');
    throwsType(() => TCP({ dport: 70000 }), 'TCP.dport: expected an integer 0..65535 but received 70000');
    throwsType(() => IP({ frag: 8192 }), 'IP.frag: expected an integer 0..8191 but received 8192');
    throwsType(() => Dot1Q({ vlan: 4096 }), 'Dot1Q.vlan: expected an integer 0..4095 but received 4096');
    throwsType(() => TCP({ seq: -1 }), 'TCP.seq: expected an integer 0..4294967295 but received -1');
    throwsType(() => UDP({ sport: 1.5 }), 'UDP.sport: expected an integer 0..65535 but received 1.5');
  });

  it('unknown flag letters and names', () => {
    throwsType(() => TCP({ flags: 'SZ' }), "TCP.flags: unknown flag letter 'Z' in 'SZ'");
    throwsType(() => IP({ flags: 'DF+XX' }), "IP.flags: unknown flag 'XX' in 'DF+XX'");
  });

  it('invalid addresses', () => {
    throwsType(() => IP({ dst: '1.2.3' }), "IP.dst: '1.2.3' is not an IPv4 address");
    throwsType(() => IP({ src: '256.1.1.1' }), "IP.src: '256.1.1.1' is not an IPv4 address");
    throwsType(() => IPv6({ dst: 'fd00::1::2' }), "IPv6.dst: 'fd00::1::2' is not an IPv6 address");
    throwsType(() => Ether({ dst: '02:00:00:00:00' }), "Ether.dst: '02:00:00:00:00' is not a MAC address");
    throwsType(() => ARP({ pdst: 'host' }), "ARP.pdst: 'host' is not an IPv4 address");
    throwsType(
      () => IPv6ExtHdrRouting({ addresses: ['fd00::1', 'x'] }),
      "IPv6ExtHdrRouting.addresses: 'x' is not an IPv6 address",
    );
    throwsType(() => DNSRR({ type: 'A', rdata: 'fd00::1' }), "DNSRR.rdata: 'fd00::1' is not an IPv4 address");
  });

  it('unknown names and fields', () => {
    throwsType(() => ICMP({ type: 'echo' }), "ICMP.type: unknown name 'echo'");
    throwsType(() => IP({ proto: 'nosuchproto' }), "IP.proto: unknown name 'nosuchproto'");
    assert.throws(() => IP({ tll: 5 } as never), /^TypeError: IP\.tll: no such field \(fields: version, ihl, /);
    throwsType(() => DNSQR({ qname: 'a..b' }), "DNSQR.qname: 'a..b' is not a domain name (labels must be 1..63 bytes)");
    throwsType(
      () => TCP({ options: [['MSS', 70000]] }),
      'TCP.options: option 0: MSS expects an integer 0..65535 but received 70000',
    );
  });

  it('names are accepted where Scapy accepts them', () => {
    assert.equal(ICMP({ type: 'dest-unreach' }).type, 3);
    assert.equal(IP({ proto: 'udp' }).proto, 17);
    assert.equal(Ether({ type: 'IPv6' }).type, 0x86dd);
    assert.equal(ARP({ op: 'is-at' }).op, 2);
    assert.equal(IP({ flags: 'DF' }).flags, 2);
    assert.equal(IP({ flags: 'MF+DF' }).flags, 3);
    assert.equal(TCP({ flags: 'FPA' }).flags, 0x19);
  });

  it('field assignment validates too, and null restores the automatic value', () => {
    const ip = IP({ dst: '198.18.0.2' });
    assert.throws(() => {
      ip.ttl = 256;
    }, /IP\.ttl: expected an integer 0\.\.255 but received 256/);
    ip.ttl = 9;
    assert.equal(ip.ttl, 9);
    const tcp = TCP();
    tcp.flags = 'SA';
    assert.equal(tcp.flags, 0x12);
    assert.equal(tcp.flagString, 'SA');
    tcp.chksum = 0xbeef;
    assert.equal(tcp.chksum, 0xbeef);
    tcp.chksum = null;
    assert.equal(tcp.chksum, null);
  });
});
