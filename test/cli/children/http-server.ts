// An HTTP server for one test: answers POST /echo with the request body and
// closes the connection. Prints "ready" on stdout once listening.
import http from 'node:http';

const [host, port] = [process.argv[2]!, Number(process.argv[3])];
const server = http.createServer((req, res) => {
  const body: Buffer[] = [];
  req.on('data', (b: Buffer) => body.push(b));
  req.on('end', () => {
    const text = `you sent: ${Buffer.concat(body).toString()}\r\n`;
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Content-Length': Buffer.byteLength(text),
      Connection: 'close',
      Date: 'Sat, 01 Jan 2000 00:00:00 GMT',
    });
    res.end(text);
  });
});
server.listen(port, host, () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
