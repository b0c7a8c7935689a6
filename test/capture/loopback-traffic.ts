/**
 * Real traffic on loopback from real programs, captured by tcpdump into a
 * file: the input of the file-reading tests.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { startTcpdump } from '../helpers/tcpdump';
import { freePort, provokePortUnreachable } from '../helpers/loopback';
import { run } from '../helpers/processes';

/** What was sent, to check the capture against. */
export interface LoopbackTraffic {
  tcpPort: number;
  udpPort: number;
  closedUdpPort: number;
  request: string;
  response: string;
  packets: number;
}

/**
 * Captures, with tcpdump on `lo` and a filter for this traffic only (other
 * tests use loopback at the same time): ping and ping -6, a TCP exchange with
 * a Node server, UDP datagrams, a UDP datagram to a closed port (its ICMP
 * port-unreachable), and a connection refused (RST).
 */
export async function captureLoopbackTraffic(
  file: string,
  precision: 'micro' | 'nano' = 'micro',
): Promise<LoopbackTraffic> {
  const tcpPort = await freePort('tcp');
  const udpPort = await freePort('udp');
  const closedUdpPort = await freePort('udp');
  const closedTcpPort = await freePort('tcp');
  const request = 'GET /pktkit HTTP/1.1\r\nHost: test\r\n\r\n';
  const response = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
  // Pings are told apart from other tests' by their payload pattern (-p).
  const filter =
    `(tcp port ${tcpPort} or tcp port ${closedTcpPort} or udp port ${udpPort} or udp port ${closedUdpPort}) or ` +
    `(icmp and not icmp[icmptype] == icmp-unreach) or icmp6[0] == 128 or icmp6[0] == 129 or ` +
    `(icmp[icmptype] == icmp-unreach and icmp[30:2] == ${closedUdpPort})`;
  const tcpdump = await startTcpdump({ iface: 'lo', file, filter, precision });

  await run(null, 'ping', ['-c', '3', '-i', '0.2', '-p', 'cafe', '127.0.0.1']);
  await run(null, 'ping', ['-6', '-c', '2', '-i', '0.2', '::1']);

  const server = net.createServer((socket) => {
    socket.once('data', () => socket.end(response));
  });
  server.listen(tcpPort, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect(tcpPort, '127.0.0.1');
  await once(client, 'connect');
  client.write(request);
  client.resume();
  await once(client, 'end');
  client.end();
  await once(client, 'close');
  server.close();

  const udp = dgram.createSocket('udp4');
  const receiver = dgram.createSocket('udp4');
  receiver.bind(udpPort, '127.0.0.1');
  await once(receiver, 'listening');
  for (let i = 0; i < 5; i++) {
    udp.send(`datagram-${i}`, udpPort, '127.0.0.1');
  }
  await provokePortUnreachable(closedUdpPort);
  await new Promise((r) => setTimeout(r, 100));
  udp.close();
  receiver.close();

  const refused = net.connect(closedTcpPort, '127.0.0.1');
  await once(refused, 'error').catch(() => undefined);

  // ping: 5 requests + 5 replies; TCP: 3 + 2 data (+ acks) + teardown; UDP 6 + 1 ICMP; RST exchange 2
  const result = await tcpdump.stop({ packets: 10 + 3 + 6 + 1 + 2 + 4, timeoutMs: 5000 });
  return { tcpPort, udpPort, closedUdpPort, request, response, packets: result.captured };
}
