// A client that sends an exact HTTP request in two writes (headers, then the
// body 50 ms later) and prints, as one JSON line, the bytes it sent and the
// bytes it received, in hex.
import net from 'node:net';

const [host, port] = [process.argv[2]!, Number(process.argv[3])];
const body = 'name=pktkit&q=hello';
const head = `POST /echo HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
const received: Buffer[] = [];
const sock = net.connect(port, host, () => {
  sock.write(head);
  setTimeout(() => sock.write(body), 50);
});
sock.on('data', (b: Buffer) => received.push(b));
sock.on('end', () => sock.end());
sock.on('close', () => {
  console.log(
    JSON.stringify({
      sent: Buffer.from(head + body).toString('hex'),
      received: Buffer.concat(received).toString('hex'),
    }),
  );
});
setTimeout(() => process.exit(2), 10_000).unref();
