/**
 * Scapy's answer matching (lib/send/match.ts) on packets built with the
 * layers and parsed back from their bytes, as sr() sees them: each answer
 * must match its request with an equal hashret, and the near misses must not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ARP,
  DNS,
  DNSQR,
  DNSRR,
  Ether,
  ICMP,
  ICMPv6DestUnreach,
  ICMPv6EchoReply,
  ICMPv6EchoRequest,
  IP,
  IPv6,
  parse,
  TCP,
  UDP,
  type Layer,
} from '../../lib/index';
import { answers, hashret } from '../../lib/send/match';

const A = '198.18.3.1';
const B = '198.18.3.2';
const ROUTER = '198.18.3.254';
const A6 = 'fd00:0:0:3::1';
const B6 = 'fd00:0:0:3::2';

/** Built, then parsed from its first layer, as the matcher sees both sides. */
const ip = (p: Layer): Layer => parse(p.toBytes(), { first: p instanceof IP ? IP : IPv6 });
const frame = (p: Layer): Layer => parse(p.toBytes());

function assertPair(reply: Layer, request: Layer, expected: boolean): void {
  assert.equal(answers(reply, request), expected, `${reply.summary()} answers ${request.summary()}`);
  if (expected) assert.equal(hashret(reply), hashret(request), 'an answer hashes like its request');
}

describe('answers() and hashret() as Scapy matches', () => {
  it('ICMP echo: reply by id and seq, not the request itself', () => {
    const req = ip(IP({ src: A, dst: B }).div(ICMP({ id: 0x1234, seq: 7 })));
    assertPair(ip(IP({ src: B, dst: A }).div(ICMP({ type: 'echo-reply', id: 0x1234, seq: 7 }))), req, true);
    assertPair(ip(IP({ src: B, dst: A }).div(ICMP({ type: 'echo-reply', id: 0x1234, seq: 8 }))), req, false);
    assertPair(ip(IP({ src: B, dst: A }).div(ICMP({ type: 'echo-reply', id: 0x1235, seq: 7 }))), req, false);
    assertPair(req, req, false);
    // From another host, or to another one: not an answer.
    assertPair(ip(IP({ src: ROUTER, dst: A }).div(ICMP({ type: 'echo-reply', id: 0x1234, seq: 7 }))), req, false);
    assertPair(ip(IP({ src: B, dst: ROUTER }).div(ICMP({ type: 'echo-reply', id: 0x1234, seq: 7 }))), req, false);
  });

  it('TCP: SYN/ACK to a SYN by ports and ack; RST/ACK too; a SYN or a reply to a RST never', () => {
    const syn = ip(IP({ src: A, dst: B }).div(TCP({ sport: 40000, dport: 80, seq: 1000, flags: 'S' })));
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 5000, ack: 1001, flags: 'SA' }))),
      syn,
      true,
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 0, ack: 1001, flags: 'RA' }))),
      syn,
      true,
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40001, seq: 5000, ack: 1001, flags: 'SA' }))),
      syn,
      false,
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 5000, ack: 0, flags: 'S' }))),
      syn,
      false,
    );
    const rst = ip(IP({ src: A, dst: B }).div(TCP({ sport: 40000, dport: 80, seq: 1000, flags: 'R' })));
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 0, ack: 1000, flags: 'RA' }))),
      rst,
      false,
    );
  });

  it('TCP data: the peer acknowledges within the payload length, its seq near our ack', () => {
    const psh = ip(
      IP({ src: A, dst: B })
        .div(TCP({ sport: 40000, dport: 80, seq: 1001, ack: 5001, flags: 'PA' }))
        .div('hello'),
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 5001, ack: 1006, flags: 'A' }))),
      psh,
      true,
    );
    assertPair(
      ip(
        IP({ src: B, dst: A })
          .div(TCP({ sport: 80, dport: 40000, seq: 5001, ack: 1006, flags: 'PA' }))
          .div('hi!'),
      ),
      psh,
      true,
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 5001, ack: 1100, flags: 'A' }))),
      psh,
      false,
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 6001, ack: 1006, flags: 'A' }))),
      psh,
      false,
    );
    // Across the 2^32 wrap.
    const high = ip(
      IP({ src: A, dst: B })
        .div(TCP({ sport: 40000, dport: 80, seq: 0xffffffff, ack: 5001, flags: 'A' }))
        .div('x'),
    );
    assertPair(
      ip(IP({ src: B, dst: A }).div(TCP({ sport: 80, dport: 40000, seq: 5001, ack: 0, flags: 'A' }))),
      high,
      true,
    );
  });

  it('ICMP errors: matched by the packet they quote (UDP and TCP and ICMP inside)', () => {
    const udp = IP({ src: A, dst: B, id: 77 })
      .div(UDP({ sport: 4000, dport: 9 }))
      .div('probe');
    const req = ip(udp);
    const unreachable = (quoted: Layer, from = B) =>
      ip(
        IP({ src: from, dst: A })
          .div(ICMP({ type: 'dest-unreach', code: 3 }))
          .div(quoted.toBytes()),
      );
    assertPair(unreachable(udp), req, true);
    assertPair(unreachable(udp, ROUTER), req, true); // a router's error answers too
    assertPair(
      unreachable(
        IP({ src: A, dst: B })
          .div(UDP({ sport: 4000, dport: 10 }))
          .div('probe'),
      ),
      req,
      false,
    );
    assertPair(
      unreachable(
        IP({ src: A, dst: ROUTER })
          .div(UDP({ sport: 4000, dport: 9 }))
          .div('probe'),
      ),
      req,
      false,
    );
    const syn = IP({ src: A, dst: B }).div(TCP({ sport: 40000, dport: 80, seq: 1 }));
    assertPair(unreachable(syn), ip(syn), true);
    const echo = IP({ src: A, dst: B }).div(ICMP({ id: 9, seq: 1 }));
    assertPair(
      ip(
        IP({ src: ROUTER, dst: A })
          .div(ICMP({ type: 'time-exceeded' }))
          .div(echo.toBytes()),
      ),
      ip(echo),
      true,
    );
    assertPair(
      ip(
        IP({ src: ROUTER, dst: A })
          .div(ICMP({ type: 'time-exceeded' }))
          .div(echo.copy().div('').toBytes()),
      ),
      ip(IP({ src: A, dst: B }).div(ICMP({ id: 9, seq: 2 }))),
      false,
    );
  });

  it('IPv6: echo by id, seq and data; ICMPv6 errors by the quoted packet', () => {
    const req = ip(IPv6({ src: A6, dst: B6 }).div(ICMPv6EchoRequest({ id: 3, seq: 4, data: 'abc' })));
    assertPair(ip(IPv6({ src: B6, dst: A6 }).div(ICMPv6EchoReply({ id: 3, seq: 4, data: 'abc' }))), req, true);
    assertPair(ip(IPv6({ src: B6, dst: A6 }).div(ICMPv6EchoReply({ id: 3, seq: 4, data: 'abd' }))), req, false);
    assertPair(ip(IPv6({ src: B6, dst: A6 }).div(ICMPv6EchoRequest({ id: 3, seq: 4, data: 'abc' }))), req, false);
    const udp = IPv6({ src: A6, dst: B6 }).div(UDP({ sport: 4001, dport: 9 }));
    assertPair(
      ip(
        IPv6({ src: B6, dst: A6 })
          .div(ICMPv6DestUnreach({ code: 4 }))
          .div(udp.toBytes()),
      ),
      ip(udp),
      true,
    );
    const other = IPv6({ src: A6, dst: B6 }).div(UDP({ sport: 4002, dport: 9 }));
    assertPair(
      ip(
        IPv6({ src: B6, dst: A6 })
          .div(ICMPv6DestUnreach({ code: 4 }))
          .div(other.toBytes()),
      ),
      ip(udp),
      false,
    );
  });

  it('DNS: by id and question, response to query only', () => {
    const q = (id: number, name: string) =>
      IP({ src: A, dst: B })
        .div(UDP({ sport: 5000, dport: 53 }))
        .div(DNS({ id, qd: DNSQR({ qname: name }) }));
    const r = (id: number, name: string) =>
      IP({ src: B, dst: A })
        .div(UDP({ sport: 53, dport: 5000 }))
        .div(DNS({ id, qr: 1, qd: DNSQR({ qname: name }), an: DNSRR({ rrname: name, rdata: '198.18.3.9' }) }));
    assertPair(ip(r(42, 'www.example.test.')), ip(q(42, 'www.example.test')), true);
    assertPair(ip(r(42, 'WWW.Example.Test.')), ip(q(42, 'www.example.test.')), true);
    assertPair(ip(r(43, 'www.example.test.')), ip(q(42, 'www.example.test.')), false);
    assertPair(ip(r(42, 'other.example.test.')), ip(q(42, 'www.example.test.')), false);
    assertPair(ip(q(42, 'www.example.test.')), ip(q(42, 'www.example.test.')), false);
  });

  it('ARP: is-at from the address asked about', () => {
    const who = frame(Ether({ src: '02:00:00:00:00:01' }).div(ARP({ hwsrc: '02:00:00:00:00:01', psrc: A, pdst: B })));
    const isAt = (psrc: string) =>
      frame(
        Ether({ src: '02:00:00:00:00:02', dst: '02:00:00:00:00:01' }).div(
          ARP({ op: 'is-at', hwsrc: '02:00:00:00:00:02', psrc, hwdst: '02:00:00:00:00:01', pdst: A }),
        ),
      );
    assertPair(isAt(B), who, true);
    assertPair(isAt(ROUTER), who, false);
    assertPair(who, who, false);
  });
});
