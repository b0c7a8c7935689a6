// pktkit against Scapy 2.5 on the same packets: summary(), show() before and
// after building, and the built bytes (checksums, lengths, defaults).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ARP,
  CookedLinux,
  CookedLinuxV2,
  DNS,
  DNSQR,
  DNSRR,
  DNSRRMX,
  DNSRRSOA,
  Dot1Q,
  Ether,
  ICMP,
  ICMPv6DestUnreach,
  ICMPv6EchoReply,
  ICMPv6EchoRequest,
  ICMPv6ND_NA,
  ICMPv6ND_NS,
  ICMPv6ND_RA,
  ICMPv6ND_RS,
  ICMPv6NDOptDstLLAddr,
  ICMPv6NDOptMTU,
  ICMPv6NDOptPrefixInfo,
  ICMPv6NDOptSrcLLAddr,
  ICMPv6PacketTooBig,
  ICMPv6ParamProblem,
  ICMPv6TimeExceeded,
  IP,
  IPerror,
  IPerror6,
  IPv6,
  IPv6ExtHdrDestOpt,
  IPv6ExtHdrFragment,
  IPv6ExtHdrHopByHop,
  IPv6ExtHdrRouting,
  parse,
  Raw,
  TCP,
  TCPerror,
  UDP,
  UDPerror,
  type Layer,
} from '../../lib/layers';
import { runScapy, scapyUnavailable } from './scapy-oracle';

const A = '198.18.0.1';
const B = '198.18.0.2';
const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';
const S6 = 'fd00::1';
const D6 = 'fd00::2';

interface Case {
  name: string;
  ts: () => Layer;
  py: string;
  /** Compare built bytes (false where Scapy 2.5 differs on purpose, e.g. DNS name compression). */
  bytes?: boolean;
  /** Compare show() of the unbuilt packet. */
  show?: boolean;
  /** Compare show() of the built/parsed packet. */
  show2?: boolean;
}

const ipA = () => IP({ src: A, dst: B });
const ip6 = () => IPv6({ src: S6, dst: D6 });
const PYIP = `IP(src='${A}',dst='${B}')`;
const PYIP6 = `IPv6(src='${S6}',dst='${D6}')`;

const cases: Case[] = [
  {
    name: 'Ether/IP/TCP SYN with options',
    ts: () =>
      Ether({ src: M1, dst: M2 })
        .div(ipA())
        .div(
          TCP({
            sport: 1234,
            dport: 8888,
            flags: 'S',
            seq: 1000,
            options: [
              ['MSS', 1460],
              ['NOP', null],
              ['WScale', 7],
            ],
          }),
        ),
    py: `Ether(src='${M1}',dst='${M2}')/${PYIP}/TCP(sport=1234,dport=8888,flags='S',seq=1000,options=[('MSS',1460),('NOP',None),('WScale',7)])`,
  },
  {
    name: 'IPv6/TCP SA with SAckOK, SAck, Timestamp, EOL and payload',
    ts: () =>
      ip6()
        .div(
          TCP({
            sport: 443,
            dport: 40000,
            flags: 'SA',
            seq: 1,
            ack: 2,
            window: 65535,
            options: [
              ['SAckOK', new Uint8Array(0)],
              ['SAck', [10, 20]],
              ['Timestamp', [12345, 678]],
              ['NOP', null],
              ['EOL', null],
            ],
          }),
        )
        .div('hello'),
    py: `${PYIP6}/TCP(sport=443,dport=40000,flags='SA',seq=1,ack=2,window=65535,options=[('SAckOK',b''),('SAck',(10,20)),('Timestamp',(12345,678)),('NOP',None),('EOL',None)])/Raw(b'hello')`,
  },
  {
    name: 'TCP options Scapy names beyond the common ones, and a malformed MSS',
    ts: () =>
      ipA()
        .div(
          TCP({
            options: [
              [19, new Uint8Array(16).fill(7)],
              [28, new Uint8Array([1, 44])],
              [34, new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2])],
              [2, new Uint8Array([5])],
              [14, new Uint8Array([1, 0, 2])],
            ],
          }),
        )
        .div('x'),
    py: `${PYIP}/TCP(options=[('MD5',b'\\x07'*16),('UTO',300),('TFO',(1,2)),(2,b'\\x05'),('AltChkSum',(1,2))])/b'x'`,
    show: false,
  },
  {
    name: 'TCP FPA with urgent pointer and set checksum',
    ts: () => ipA().div(TCP({ flags: 'FPAU', urgptr: 3, chksum: 0x1234 })),
    py: `${PYIP}/TCP(flags='FPAU',urgptr=3,chksum=0x1234)`,
  },
  {
    name: 'IP/UDP/DNS query',
    ts: () =>
      ipA()
        .div(UDP())
        .div(DNS({ qd: DNSQR({ qname: 'www.example.test' }) })),
    py: `${PYIP}/UDP()/DNS(qd=DNSQR(qname='www.example.test'))`,
  },
  {
    name: 'DNS response A/AAAA/TXT (no repeated names)',
    ts: () =>
      ipA()
        .div(UDP({ sport: 53, dport: 53 }))
        .div(
          DNS({
            id: 7,
            qr: 1,
            rd: 0,
            qd: DNSQR({ qname: 'a.test', qtype: 'AAAA' }),
            an: [
              DNSRR({ rrname: 'x.test', type: 'AAAA', rdata: 'fd00::9', ttl: 60 }),
              DNSRR({ rrname: 'y.test', rdata: '198.18.0.9', ttl: 5 }),
            ],
          }),
        ),
    py: `${PYIP}/UDP(sport=53,dport=53)/DNS(id=7,qr=1,rd=0,qd=DNSQR(qname='a.test',qtype='AAAA'),an=DNSRR(rrname='x.test',type='AAAA',rdata='fd00::9',ttl=60)/DNSRR(rrname='y.test',rdata='198.18.0.9',ttl=5))`,
    bytes: false,
  },
  {
    name: 'DNS response with CNAME, MX, SOA (compressed here, not in Scapy 2.5)',
    ts: () =>
      ipA()
        .div(UDP())
        .div(
          DNS({
            qr: 1,
            qd: DNSQR({ qname: 'a.example.test' }),
            an: [
              DNSRR({ rrname: 'a.example.test', type: 'CNAME', rdata: 'b.example.test', ttl: 60 }),
              DNSRRMX({ rrname: 'example.test', type: 'MX', preference: 10, exchange: 'mx.example.test' }),
            ],
            ns: [
              DNSRRSOA({ rrname: 'example.test', mname: 'ns.example.test', rname: 'admin.example.test', serial: 1 }),
            ],
          }),
        ),
    py: `${PYIP}/UDP()/DNS(qr=1,qd=DNSQR(qname='a.example.test'),an=DNSRR(rrname='a.example.test',type='CNAME',rdata='b.example.test',ttl=60)/DNSRRMX(rrname='example.test',type='MX',preference=10,exchange='mx.example.test'),ns=DNSRRSOA(rrname='example.test',mname='ns.example.test',rname='admin.example.test',serial=1))`,
    bytes: false,
  },
  {
    name: 'DNS over TCP (length prefix) and the default question',
    ts: () =>
      ipA()
        .div(TCP({ sport: 53, dport: 40000, flags: 'PA' }))
        .div(DNS({ id: 9, qr: 1, an: [DNSRR({ rrname: 'x.test', rdata: '198.18.0.9' })] })),
    py: `${PYIP}/TCP(sport=53,dport=40000,flags='PA')/DNS(id=9,qr=1,an=DNSRR(rrname='x.test',rdata='198.18.0.9'))`,
  },
  {
    name: 'ICMP echo request with id, seq, payload',
    ts: () =>
      ipA()
        .div(ICMP({ id: 0x1234, seq: 7 }))
        .div('abcdefgh'),
    py: `${PYIP}/ICMP(id=0x1234,seq=7)/b'abcdefgh'`,
  },
  {
    name: 'ICMP echo reply by name',
    ts: () => ipA().div(ICMP({ type: 'echo-reply', id: 1, seq: 1 })),
    py: `${PYIP}/ICMP(type='echo-reply',id=1,seq=1)`,
  },
  {
    name: 'Ether/Dot1Q/IP/ICMP port unreachable quoting IP/UDP',
    ts: () =>
      Ether({ src: M1, dst: M2 })
        .div(Dot1Q({ vlan: 5, prio: 3 }))
        .div(ipA())
        .div(ICMP({ type: 3, code: 3 }))
        .div(IPerror({ src: B, dst: A }))
        .div(UDPerror({ sport: 1, dport: 2 })),
    py: `Ether(src='${M1}',dst='${M2}')/Dot1Q(vlan=5,prio=3)/${PYIP}/ICMP(type=3,code=3)/IPerror(src='${B}',dst='${A}')/UDPerror(sport=1,dport=2)`,
  },
  {
    name: 'ICMP time exceeded quoting IP/TCP',
    ts: () =>
      ipA()
        .div(ICMP({ type: 11, code: 0 }))
        .div(IPerror({ src: B, dst: A, ttl: 1 }))
        .div(TCPerror({ sport: 5555, dport: 80 })),
    py: `${PYIP}/ICMP(type=11,code=0)/IPerror(src='${B}',dst='${A}',ttl=1)/TCPerror(sport=5555,dport=80)`,
  },
  {
    name: 'ICMP redirect, parameter problem, address mask',
    ts: () =>
      ipA()
        .div(ICMP({ type: 5, code: 1, gw: '198.18.0.254' }))
        .div(IPerror({ src: B, dst: A }))
        .div(ICMP({ type: 12, ptr: 4 })),
    py: `${PYIP}/ICMP(type=5,code=1,gw='198.18.0.254')/IPerror(src='${B}',dst='${A}')/ICMP(type=12,ptr=4)`,
    bytes: true,
  },
  {
    name: 'ICMP address mask reply',
    ts: () => ipA().div(ICMP({ type: 18, id: 3, seq: 4, addr_mask: '255.255.255.0' })),
    py: `${PYIP}/ICMP(type=18,id=3,seq=4,addr_mask='255.255.255.0')`,
  },
  {
    name: 'IP with options, DF and fragment offset',
    ts: () =>
      IP({
        src: A,
        dst: B,
        flags: 'MF+DF',
        frag: 100,
        ttl: 3,
        tos: 0x10,
        id: 4242,
        options: [{ type: 148, data: new Uint8Array([0, 0]) }, { type: 1 }],
      }).div(Raw({ load: 'frag' })),
    py: `IP(src='${A}',dst='${B}',flags='MF+DF',frag=100,ttl=3,tos=0x10,id=4242,options=[IPOption_Router_Alert(),IPOption_NOP()])/Raw(b'frag')`,
    // Scapy's unbuilt options are IPOption objects with unset fields; pktkit's are bytes already.
    show: false,
  },
  {
    name: 'IP options: record route, timestamp, security, traceroute, an unknown one',
    ts: () =>
      IP({
        src: A,
        dst: B,
        options: [
          { type: 7, data: new Uint8Array([4, 1, 2, 3, 4, 5, 6, 7, 8]) },
          { type: 68, data: new Uint8Array([13, 1, 5, 6, 7, 8, 0, 0, 0, 9]) },
          { type: 130, data: new Uint8Array([0, 0, 0, 0, 0, 0, 120, 120, 120]) },
          { type: 30, data: new Uint8Array([1, 2]) },
        ],
      }).div(Raw({ load: 'x' })),
    py: `IP(src='${A}',dst='${B}',options=[IPOption_RR(routers=['1.2.3.4','5.6.7.8']),IPOption_Timestamp(flg=1,internet_address='5.6.7.8',timestamp=9,pointer=13),IPOption_Security(),IPOption(b'\\x1e\\x04\\x01\\x02')])/Raw(b'x')`,
    show: false,
  },
  {
    name: 'Ether/ARP who-has',
    ts: () => Ether({ src: M1, dst: 'ff:ff:ff:ff:ff:ff' }).div(ARP({ hwsrc: M1, psrc: A, pdst: B })),
    py: `Ether(src='${M1}',dst='ff:ff:ff:ff:ff:ff')/ARP(hwsrc='${M1}',psrc='${A}',pdst='${B}')`,
  },
  {
    name: 'ARP is-at',
    ts: () => Ether({ src: M2, dst: M1 }).div(ARP({ op: 'is-at', hwsrc: M2, psrc: B, hwdst: M1, pdst: A })),
    py: `Ether(src='${M2}',dst='${M1}')/ARP(op='is-at',hwsrc='${M2}',psrc='${B}',hwdst='${M1}',pdst='${A}')`,
  },
  {
    name: 'IPv6/ICMPv6 echo request with data',
    ts: () => ip6().div(ICMPv6EchoRequest({ id: 9, seq: 2, data: 'ping' })),
    py: `${PYIP6}/ICMPv6EchoRequest(id=9,seq=2,data=b'ping')`,
  },
  {
    name: 'IPv6/ICMPv6 echo reply',
    ts: () => ip6().div(ICMPv6EchoReply({ id: 9, seq: 2 })),
    py: `${PYIP6}/ICMPv6EchoReply(id=9,seq=2)`,
  },
  {
    name: 'Neighbor solicitation with source link-layer option (ND defaults fill hlim)',
    ts: () =>
      IPv6({ src: S6, dst: 'ff02::1:ff00:2' })
        .div(ICMPv6ND_NS({ tgt: D6 }))
        .div(ICMPv6NDOptSrcLLAddr({ lladdr: M1 })),
    py: `IPv6(src='${S6}',dst='ff02::1:ff00:2')/ICMPv6ND_NS(tgt='${D6}')/ICMPv6NDOptSrcLLAddr(lladdr='${M1}')`,
  },
  {
    name: 'Neighbor advertisement with target link-layer option',
    ts: () =>
      ip6()
        .div(ICMPv6ND_NA({ tgt: D6, S: 1, R: 0 }))
        .div(ICMPv6NDOptDstLLAddr({ lladdr: M2 })),
    py: `${PYIP6}/ICMPv6ND_NA(tgt='${D6}',S=1,R=0)/ICMPv6NDOptDstLLAddr(lladdr='${M2}')`,
  },
  {
    name: 'Router solicitation and advertisement with prefix and MTU options',
    ts: () =>
      IPv6({ src: 'fe80::1' })
        .div(ICMPv6ND_RA({ chlim: 64, M: 1, prf: 'High' }))
        .div(ICMPv6NDOptPrefixInfo({ prefix: 'fd00::' }))
        .div(ICMPv6NDOptMTU({ mtu: 1500 })),
    py: `IPv6(src='fe80::1')/ICMPv6ND_RA(chlim=64,M=1,prf='High')/ICMPv6NDOptPrefixInfo(prefix='fd00::')/ICMPv6NDOptMTU(mtu=1500)`,
  },
  {
    name: 'Router solicitation',
    ts: () => IPv6({ src: 'fe80::1' }).div(ICMPv6ND_RS()),
    py: `IPv6(src='fe80::1')/ICMPv6ND_RS()`,
  },
  {
    name: 'IPv6 hop-by-hop (autopadded) / UDP',
    ts: () =>
      ip6()
        .div(IPv6ExtHdrHopByHop({ options: [{ otype: 5, optdata: new Uint8Array([0, 0]) }] }))
        .div(UDP({ sport: 1000, dport: 2000 }))
        .div('x'),
    py: `${PYIP6}/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])/UDP(sport=1000,dport=2000)/b'x'`,
    // Scapy's unbuilt options are packets with unset fields; pktkit's are bytes already.
    show: false,
  },
  {
    name: 'IPv6 options: jumbo, home address, unknown, PadN',
    ts: () =>
      ip6()
        .div(
          IPv6ExtHdrDestOpt({
            options: [
              { otype: 0xc2, optdata: new Uint8Array([0, 1, 0, 0]) },
              { otype: 0xc9, optdata: new Uint8Array(16) },
              { otype: 0x3e, optdata: new Uint8Array([7]) },
            ],
          }),
        )
        .div(UDP()),
    py: `${PYIP6}/IPv6ExtHdrDestOpt(options=[Jumbo(jumboplen=65536),HAO(hoa='::'),HBHOptUnknown(otype=0x3e,optdata=b'\\x07')],autopad=1)/UDP()`,
    show: false,
  },
  {
    name: 'IPv6 routing header / TCP (checksum uses the final destination)',
    ts: () =>
      ip6()
        .div(IPv6ExtHdrRouting({ addresses: ['fd00::7', 'fd00::9'] }))
        .div(TCP({ sport: 1, dport: 2 })),
    py: `${PYIP6}/IPv6ExtHdrRouting(addresses=['fd00::7','fd00::9'])/TCP(sport=1,dport=2)`,
  },
  {
    name: 'IPv6 fragment header / ICMPv6 echo',
    ts: () =>
      ip6()
        .div(IPv6ExtHdrFragment({ id: 77, m: 1 }))
        .div(ICMPv6EchoRequest()),
    py: `${PYIP6}/IPv6ExtHdrFragment(id=77,m=1)/ICMPv6EchoRequest()`,
  },
  {
    name: 'IPv6 destination options / UDP',
    ts: () => ip6().div(IPv6ExtHdrDestOpt()).div(UDP()),
    py: `${PYIP6}/IPv6ExtHdrDestOpt()/UDP()`,
    show: false,
  },
  {
    name: 'ICMPv6 destination unreachable quoting IPv6/UDP',
    ts: () =>
      ip6()
        .div(ICMPv6DestUnreach({ code: 4 }))
        .div(IPerror6({ src: D6, dst: S6 }))
        .div(UDPerror({ sport: 3, dport: 4 })),
    py: `${PYIP6}/ICMPv6DestUnreach(code=4)/IPerror6(src='${D6}',dst='${S6}')/UDPerror(sport=3,dport=4)`,
  },
  {
    name: 'ICMPv6 packet too big, time exceeded, parameter problem',
    ts: () =>
      ip6()
        .div(ICMPv6PacketTooBig({ mtu: 1400 }))
        .div(IPerror6({ src: D6, dst: S6 }))
        .div(ICMPv6TimeExceeded())
        .div(IPerror6({ src: D6, dst: S6 }))
        .div(ICMPv6ParamProblem({ ptr: 40 })),
    py: `${PYIP6}/ICMPv6PacketTooBig(mtu=1400)/IPerror6(src='${D6}',dst='${S6}')/ICMPv6TimeExceeded()/IPerror6(src='${D6}',dst='${S6}')/ICMPv6ParamProblem(ptr=40)`,
  },
  {
    name: 'Linux cooked v1 / IP / UDP',
    ts: () =>
      CookedLinux({ pkttype: 4, lladdrlen: 6, src: new Uint8Array([2, 0, 0, 0, 0, 1, 0, 0]) })
        .div(ipA())
        .div(UDP({ sport: 7, dport: 9 })),
    py: `CookedLinux(pkttype=4,lladdrlen=6,src=b'\\x02\\x00\\x00\\x00\\x00\\x01\\x00\\x00')/${PYIP}/UDP(sport=7,dport=9)`,
  },
  {
    name: 'Linux cooked v2 / IPv6 / UDP',
    ts: () =>
      CookedLinuxV2({ proto: 0x86dd, ifindex: 3, lladdrlen: 6, src: new Uint8Array([2, 0, 0, 0, 0, 1, 0, 0]) })
        .div(ip6())
        .div(UDP({ sport: 7, dport: 9 })),
    py: `CookedLinuxV2(proto=0x86dd,ifindex=3,lladdrlen=6,src=b'\\x02\\x00\\x00\\x00\\x00\\x01\\x00\\x00')/${PYIP6}/UDP(sport=7,dport=9)`,
  },
];

const skip = scapyUnavailable();
describe('layers compared with Scapy 2.5', { skip }, () => {
  const results = skip ? [] : runScapy(cases.map((c) => c.py));
  cases.forEach((c, i) => {
    it(c.name, () => {
      const r = results[i];
      assert.equal(r.error, undefined, `scapy: ${r.error}`);
      const p = c.ts();
      const bytes = Buffer.from(p.toBytes()).toString('hex');
      if (c.bytes !== false) assert.equal(bytes, r.hex, 'built bytes');
      assert.equal(p.summary(), r.summary, 'summary()');
      if (c.show !== false) assert.equal(p.showString(), r.show, 'show()');
      if (c.bytes !== false && c.show2 !== false) assert.equal(p.show2String(), r.show2, 'show2()');
      // Parsing Scapy's bytes gives what Scapy's own parse shows.
      const parsed = parse(Buffer.from(r.hex, 'hex'), { first: p.cls });
      if (c.show2 !== false) assert.equal(parsed.showString(), r.show2, 'parse(scapy bytes).show()');
      assert.equal(Buffer.from(parsed.toBytes()).toString('hex'), r.hex, 'parse(scapy bytes).toBytes()');
    });
  });
});
