// Makes DNS and UDP traffic towards the peer of a test pair: DNS over UDP
// (A and AAAA through Node's resolver), one DNS query over TCP, and UDP to a
// closed port over IPv4 and IPv6 (answered with ICMP port unreachable).
// Prints one JSON line with what the resolver answered.
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DNS, DNSQR } from '../../../lib/layers/dns';

const [server4, server6, name] = [process.argv[2]!, process.argv[3]!, process.argv[4]!];

async function main(): Promise<void> {
  const resolver = new Resolver({ timeout: 1000, tries: 3 });
  resolver.setServers([server4]);
  let a: string[] = [];
  for (let i = 0; i < 20 && a.length === 0; i++) {
    a = await resolver.resolve4(name).catch(async () => (await sleep(100), []));
  }
  const aaaa = await resolver.resolve6(name);

  // DNS over TCP: the 2-byte length prefix, then the message (RFC 1035 4.2.2).
  const query = DNS({ id: 0x4242, rd: 1, qd: DNSQR({ qname: `tcp.${name}`, qtype: 'A' }) }).toBytes();
  const framed = Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query]);
  const tcpAnswer = await new Promise<number>((resolve, reject) => {
    const sock = net.connect(53, server4, () => sock.write(framed));
    const got: Buffer[] = [];
    sock.on('data', (b: Buffer) => {
      got.push(b);
      const all = Buffer.concat(got);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) sock.end();
    });
    sock.on('close', () => resolve(Buffer.concat(got).length));
    sock.on('error', reject);
  });

  for (const [type, host] of [
    ['udp4', server4],
    ['udp6', server6],
  ] as const) {
    const s = dgram.createSocket(type);
    await new Promise<void>((resolve) => s.send('no one here', 9, host, () => resolve()));
    await sleep(100);
    s.close();
  }
  console.log(JSON.stringify({ a, aaaa, tcpAnswer }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
