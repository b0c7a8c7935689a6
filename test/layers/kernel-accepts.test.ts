// The receiving kernel accepts what pktkit builds: frames injected (tcpreplay)
// on one end of a veth pair that this test creates inside its own two
// namespaces, answered by the Linux stack on the other end. A reply is only
// sent when every checksum verified: echo replies (ICMP, ICMPv6), RST and
// SYN-ACK (TCP over IPv4 and IPv6), datagrams delivered to a socket (UDP over
// IPv4 and IPv6), and a DNS answer from dnsmasq, decoded by pktkit's parser.
// Frames with a checksum broken on purpose get no answer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import {
  DNS,
  DNSQR,
  DNSRR,
  Ether,
  ICMP,
  ICMPv6EchoReply,
  ICMPv6EchoRequest,
  IP,
  IPv6,
  parse,
  TCP,
  UDP,
  type Layer,
} from '../../lib/layers';
import { startDnsmasq } from '../helpers/dnsmasq';
import { canCreateNamespaces, createNetPair } from '../helpers/netns';
import { readPcap } from '../helpers/pcap-file';
import { startTcpdump } from '../helpers/tcpdump';
import { scapyUnavailable } from './scapy-oracle';
import { writePcap } from './write-pcap';

// Prints each datagram's payload (v4 and v6 sockets) as a line; exits after 20 s at most.
const UDP_SINK = String.raw`
import socket, select, sys, time
port = int(sys.argv[1])
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s4.bind((sys.argv[2], port))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind((sys.argv[3], port))
t4 = socket.socket(); t4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t4.bind((sys.argv[2], port + 1)); t4.listen(4)
print("ready", flush=True)
end = time.time() + 20
while time.time() < end:
    r, _, _ = select.select([s4, s6], [], [], 0.2)
    for s in r:
        print(s.recv(2000).decode("latin1"), flush=True)
`;

const why = canCreateNamespaces() ? undefined : 'needs root to create network namespaces';

test(
  'the kernel on the other end of a veth accepts packets pktkit built',
  { skip: why, timeout: 60_000 },
  async (t) => {
    const net = await createNetPair({ prefix: 'lyrk', t });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-kernel-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const PORT = 47013; // UDP sink; PORT + 1: a TCP listener; PORT + 2: closed
    const dnsAnswer = net.host4(80);

    const sink = net.spawn(net.nsB, 'python3', ['-u', '-c', UDP_SINK, String(PORT), net.ipB, net.ip6B], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let received = '';
    sink.stdout!.on('data', (b: Buffer) => (received += b.toString('latin1')));
    await startDnsmasq(net, { 'www.example.test': [dnsAnswer] });
    for (let i = 0; i < 100 && !received.startsWith('ready'); i++) await sleep(50);
    assert.match(received, /^ready/, 'the UDP sink is listening');

    const eth = () => Ether({ src: net.macA, dst: net.macB });
    const v4 = () => eth().div(IP({ src: net.ipA, dst: net.ipB }));
    const v6 = () => eth().div(IPv6({ src: net.ip6A, dst: net.ip6B }));
    const synOptions = {
      options: [
        ['MSS', 1400],
        ['SAckOK', new Uint8Array(0)],
        ['Timestamp', [1, 0]],
        ['NOP', null],
        ['WScale', 7],
      ] as never,
    };
    const frames: Layer[] = [
      v4()
        .div(ICMP({ id: 0x4242, seq: 1 }))
        .div('pktkit-echo'),
      v4().div(TCP({ sport: 40001, dport: PORT + 2, flags: 'S', seq: 1000, ...synOptions })),
      v4().div(TCP({ sport: 40002, dport: PORT + 1, flags: 'S', seq: 2000, ...synOptions })),
      v4()
        .div(UDP({ sport: 40003, dport: PORT }))
        .div('good-udp4'),
      v6()
        .div(UDP({ sport: 40004, dport: PORT }))
        .div('good-udp6'),
      v6().div(ICMPv6EchoRequest({ id: 0x4343, seq: 1, data: 'pktkit-echo6' })),
      v6().div(TCP({ sport: 40005, dport: PORT + 2, flags: 'S', seq: 3000 })),
      v4()
        .div(UDP({ sport: 40006, dport: 53 }))
        .div(DNS({ id: 0x5151, qd: DNSQR({ qname: 'www.example.test' }) })),
      // Broken on purpose: the kernel must drop these silently.
      v4().div(TCP({ sport: 40007, dport: PORT + 2, flags: 'S', chksum: 0x1234 })),
      v4()
        .div(UDP({ sport: 40008, dport: PORT, chksum: 0x1234 }))
        .div('bad-udp4'),
      v6().div(ICMPv6EchoRequest({ id: 0x4444, cksum: 0x1234 })),
      eth()
        .div(IP({ src: net.ipA, dst: net.ipB, chksum: 0x1234 }))
        .div(ICMP({ id: 0x4545 })),
    ];
    const out = path.join(dir, 'built.pcap');
    writePcap(
      out,
      frames.map((f) => f.toBytes()),
    );

    const capFile = path.join(dir, 'replies.pcap');
    const dump = await startTcpdump({
      ns: net.nsA,
      iface: net.ifA,
      file: capFile,
      filter: `src host ${net.ipB} or src host ${net.ip6B}`,
    });
    await net.execOk(net.nsA, 'tcpreplay', ['-q', '-i', net.ifA, out]);
    for (let i = 0; i < 60 && !(received.includes('good-udp6') && received.includes('good-udp4')); i++) await sleep(50);
    await dump.stop({ settleMs: 700 });
    sink.kill('SIGTERM');

    const replies = readPcap(capFile).records.map((r) => parse(new Uint8Array(r.data)));
    const find = (pred: (p: Layer) => boolean) => replies.find(pred);

    const echo = find((p) => p.get(ICMP)?.type === 0 && p.get(ICMP)?.id === 0x4242);
    assert.ok(echo, 'ICMP echo reply');
    assert.match(Buffer.from(echo.toBytes()).toString('latin1'), /pktkit-echo$/);
    const rst = find((p) => p.get(TCP)?.sport === PORT + 2 && p.get(TCP)?.dport === 40001);
    assert.ok(
      rst && rst.get(TCP)!.flagString === 'RA' && rst.get(TCP)!.ack === 1001,
      'TCP RST for the SYN to a closed port',
    );
    const synack = find((p) => p.get(TCP)?.dport === 40002);
    assert.ok(
      synack && synack.get(TCP)!.flagString === 'SA' && synack.get(TCP)!.ack === 2001,
      'TCP SYN-ACK from the listener',
    );
    assert.ok(received.includes('good-udp4'), 'UDP over IPv4 delivered to the socket');
    assert.ok(received.includes('good-udp6'), 'UDP over IPv6 delivered to the socket');
    const echo6 = find((p) => p.get(ICMPv6EchoReply)?.id === 0x4343);
    assert.ok(echo6, 'ICMPv6 echo reply');
    assert.equal(Buffer.from(echo6.get(ICMPv6EchoReply)!.data).toString(), 'pktkit-echo6');
    const rst6 = find((p) => p.has(IPv6) && p.get(TCP)?.dport === 40005);
    assert.ok(rst6 && rst6.get(TCP)!.flagString === 'RA', 'TCP RST over IPv6');
    const answer = find((p) => p.get(DNS)?.id === 0x5151);
    assert.ok(answer, 'dnsmasq answered the DNS query');
    const rr = answer.get(DNS)!.an[0];
    assert.ok(rr instanceof DNSRR);
    assert.deepEqual([rr.rrname, rr.type, rr.rdata], ['www.example.test.', 1, dnsAnswer]);

    // What came back (ARP, neighbor discovery, replies, dnsmasq's compressed answer) reads as Scapy reads it.
    if (!scapyUnavailable()) {
      const script =
        'import json,sys,logging\nlogging.getLogger("scapy.runtime").setLevel(logging.ERROR)\nfrom scapy.all import rdpcap\nprint(json.dumps([[p.summary(), p.show(dump=True)] for p in rdpcap(sys.argv[1])]))';
      const r = await net.execOk(net.nsA, '/usr/bin/python3', ['-c', script, capFile]);
      const scapy = JSON.parse(r.stdout) as [string, string][];
      assert.equal(scapy.length, replies.length);
      replies.forEach((p, i) => {
        assert.equal(p.summary(), scapy[i][0], `summary of packet ${i + 1}`);
        assert.equal(p.showString(), scapy[i][1], `show() of packet ${i + 1}`);
      });
    }

    assert.equal(
      find((p) => p.get(TCP)?.dport === 40007),
      undefined,
      'no answer to a TCP SYN with a bad checksum',
    );
    assert.ok(!received.includes('bad-udp4'), 'a UDP datagram with a bad checksum is dropped');
    assert.equal(
      find((p) => p.get(ICMPv6EchoReply)?.id === 0x4444),
      undefined,
      'no echo reply to a bad ICMPv6 checksum',
    );
    assert.equal(
      find((p) => p.get(ICMP)?.id === 0x4545),
      undefined,
      'no echo reply to a bad IPv4 header checksum',
    );
  },
);
