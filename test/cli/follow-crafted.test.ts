/**
 * `--follow` on crafted connections (IPv4 and IPv6) whose segments overlap,
 * repeat and arrive out of order: the bytes are exactly what was sent, and
 * agree with tshark's own Follow TCP Stream (`-z follow,tcp,raw`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ether, IP, IPv6, Raw, TCP } from '../../lib/layers';
import { openWriter } from '../../lib/pcap-writer';
import { runOk } from '../helpers/processes';
import { parseFollow, runCli } from './run-cli';

const CLIENT_TEXT = 'POST /x HTTP/1.1\r\nContent-Length: 13\r\n\r\nHello, world!';
const SERVER_TEXT = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

interface Seg {
  from: 'c' | 's';
  flags: string;
  /** Offset of the first payload byte in the sender's stream (SYN is -1). */
  off: number;
  data?: string;
}

/** Frames for the segment list, with real headers built by lib/layers. */
function frames(v6: boolean, segs: Seg[]): Uint8Array[] {
  const isn = { c: 0xfffffff0, s: 123456 }; // the client's numbers wrap past 2^32
  const addr = v6 ? { c: 'fd00:0:0:99::1', s: 'fd00:0:0:99::2' } : { c: '198.18.99.1', s: '198.18.99.2' };
  const port = { c: 40001, s: 8080 };
  const acked = { c: 0, s: 0 };
  return segs.map((g) => {
    const peer = g.from === 'c' ? 's' : 'c';
    const seq = (isn[g.from] + 1 + g.off) >>> 0;
    const ack = g.flags.includes('A') ? (isn[peer] + 1 + acked[peer]) >>> 0 : 0;
    if (g.from === 'c') acked.c = Math.max(acked.c, g.off + (g.data?.length ?? 0));
    else acked.s = Math.max(acked.s, g.off + (g.data?.length ?? 0));
    const net = v6 ? IPv6({ src: addr[g.from], dst: addr[peer] }) : IP({ src: addr[g.from], dst: addr[peer] });
    let pkt = Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
      .div(net)
      .div(TCP({ sport: port[g.from], dport: port[peer], seq, ack, flags: g.flags, window: 1000 }));
    if (g.data) pkt = pkt.div(Raw({ load: g.data }));
    return pkt.toBytes();
  });
}

const c = (off: number, end: number): Seg => ({ from: 'c', flags: 'PA', off, data: CLIENT_TEXT.slice(off, end) });
const s = (off: number, end: number): Seg => ({ from: 's', flags: 'PA', off, data: SERVER_TEXT.slice(off, end) });

const SEGMENTS: Seg[] = [
  { from: 'c', flags: 'S', off: -1 },
  { from: 's', flags: 'SA', off: -1 },
  { from: 'c', flags: 'A', off: 0 },
  c(20, 45), // ahead of a hole
  c(0, 10),
  c(5, 30), // overlaps both neighbours
  c(0, 10), // a plain retransmission
  c(40, CLIENT_TEXT.length),
  s(10, SERVER_TEXT.length), // the response's tail first
  s(0, 12),
  s(0, SERVER_TEXT.length), // everything again
  { from: 'c', flags: 'FA', off: CLIENT_TEXT.length },
  { from: 's', flags: 'FA', off: SERVER_TEXT.length },
  { from: 'c', flags: 'A', off: CLIENT_TEXT.length + 1 },
];

for (const v6 of [false, true]) {
  test(`--follow reassembles overlapping, repeated, reordered segments exactly (${v6 ? 'IPv6' : 'IPv4'})`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-follow-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'crafted.pcap');
    const w = openWriter(file, { linkType: 1 });
    frames(v6, SEGMENTS).forEach((f, i) => w.write(f, { tsSec: 1_700_000_000, tsNsec: i * 1000 }));
    await w.close();

    const r = await runCli(['read', file, '--follow']);
    assert.equal(r.code, 0, r.stderr);
    const [f] = parseFollow(r.stdout);
    assert.ok(f);
    assert.equal(f.client.toString('latin1'), CLIENT_TEXT);
    assert.equal(f.server.toString('latin1'), SERVER_TEXT);
    assert.equal(f.missing, 0);

    // tshark's Follow TCP Stream agrees.
    const z = await runOk(null, 'tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
    const body = z.stdout.split('Node 1: ')[1]!.split('\n').slice(1).filter((l) => /^\t?[0-9a-f]+$/.test(l));
    const side = (server: boolean): string =>
      Buffer.from(body.filter((l) => l.startsWith('\t') === server).map((l) => l.trim()).join(''), 'hex').toString('latin1');
    assert.equal(side(false), CLIENT_TEXT);
    assert.equal(side(true), SERVER_TEXT);

    // The text output labels what happened to the segments.
    const text = (await runCli(['read', file])).stdout.toString();
    assert.match(text, /\(data; previous segment not captured\)/);
    assert.match(text, /\(out-of-order\)/);
    assert.match(text, /\(retransmission\)/);
  });
}
