/**
 * Sensor mode end to end: `pktkit capture --to clickhouse://...` on a veth of
 * the test's own namespaces while HTTP, DNS (dnsmasq), ping and UDP run
 * across it, into a clickhouse-server started inside namespace A. The rows
 * in ClickHouse equal pktkit's own counters, and per-flow packet/byte sums
 * equal tshark's conversation tables of a reference tcpdump capture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { startDnsmasq } from '../helpers/dnsmasq';
import { canCreateNamespaces, createNetPair } from '../helpers/netns';
import { startTcpdump } from '../helpers/tcpdump';
import { CLICKHOUSE_SERVER, startClickHouse } from '../helpers/clickhouse';
import { assertSameAsTshark, flowRows, tsharkConversations } from '../helpers/flows';
import { cliCommand, ROOT } from './run-cli';

const TSX = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

test(
  'capture --to clickhouse: live HTTP, DNS, ping and UDP in our namespaces; rows equal pktkit counters and tshark conv,tcp/udp',
  {
    skip:
      (!canCreateNamespaces() && 'needs root (network namespaces)') ||
      (!CLICKHOUSE_SERVER && 'clickhouse-server not installed'),
  },
  async (t) => {
    const net = await createNetPair({ t, prefix: 'sens' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pktkit-sensor-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const refFile = path.join(dir, 'tcpdump.pcap');
    const ch = await startClickHouse({ ns: net.nsA, t });
    const name = 'host.pktkit.test';

    await startDnsmasq(net, {
      [name]: [net.host4(77), net.host6(0x77)],
      [`tcp.${name}`]: [net.host4(78)],
    });
    const server = net.spawn(
      net.nsB,
      process.execPath,
      ['--import', TSX, path.join(__dirname, 'children', 'http-server.ts'), net.ipB, '8080'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));

    // Only the veth: ClickHouse's own traffic is on lo.
    const tcpdump = await startTcpdump({ ns: net.nsA, iface: net.ifA, file: refFile });
    const [cmd, ...rest] = cliCommand([
      'capture',
      '-i',
      net.ifA,
      '--to',
      `clickhouse://127.0.0.1:${ch.httpPort}/live`,
      '--sensor',
      'sensor-1',
      '--spool',
      path.join(dir, 'spool'),
    ]);
    const ours = net.spawn(net.nsA, cmd!, rest, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    ours.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const closed = new Promise<number | null>((resolve) => ours.on('close', (code) => resolve(code)));
    for (let i = 0; i < 200 && !/listening on/.test(err); i++) await sleep(50);
    assert.match(err, /listening on/);

    await net.execOk(net.nsA, process.execPath, [
      '--import',
      TSX,
      path.join(__dirname, 'children', 'http-client.ts'),
      net.ipB,
      '8080',
    ]);
    await net.execOk(net.nsA, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', net.ipB]);
    await net.execOk(net.nsA, 'ping', ['-6', '-c', '2', '-i', '0.2', '-W', '2', net.ip6B]);
    await net.execOk(
      net.nsA,
      process.execPath,
      ['--import', TSX, path.join(__dirname, 'children', 'mixed-traffic.ts'), net.ipB, net.ip6B, name],
      { cwd: ROOT },
    );

    await sleep(300);
    await tcpdump.stop({ settleMs: 200 });
    ours.kill('SIGINT');
    const code = await closed;
    assert.equal(code, 0, err);

    // pktkit's own counters: captured packets, and the summary line of the sink.
    const captured = Number(/\n(\d+) packets captured\n/.exec(err)?.[1]);
    const summary =
      /pktkit: (\d+) packets, (\d+) flows, (\d+) packet rows and (\d+) flow rows sent, (\d+) rows spooled, (\d+) dropped\n\d+ packets captured/.exec(
        err,
      );
    assert.ok(summary, err);
    const [packets, flows, packetRows, flowRows_, spooled, dropped] = summary.slice(1).map(Number);
    assert.deepEqual([packets, packetRows, flowRows_, spooled, dropped], [captured, captured, flows, 0, 0]);
    assert.equal(
      Number((await ch.query("SELECT count() FROM live.packets WHERE sensor = 'sensor-1'")).trim()),
      captured,
    );
    assert.equal(Number((await ch.query('SELECT count() FROM live.flows')).trim()), flows);
    assert.equal((await ch.query(`SELECT DISTINCT interface FROM live.packets`)).trim(), net.ifA);
    // Every IP packet is in exactly one flow.
    const ipPackets = Number((await ch.query('SELECT count() FROM live.packets WHERE ip_version != 0')).trim());
    assert.equal(
      Number((await ch.query('SELECT sum(packets_to_dst + packets_to_src) FROM live.flows')).trim()),
      ipPackets,
    );

    // Per-flow sums against tshark on the reference capture (the same interface, the same time).
    const rows = await flowRows(ch, 'live');
    const tcp = await tsharkConversations(refFile, 'tcp');
    const udp = await tsharkConversations(refFile, 'udp');
    assert.ok(tcp.length >= 2, 'HTTP and DNS over TCP');
    assert.ok(udp.length >= 3, 'DNS over UDP and UDP to a closed port');
    assertSameAsTshark(rows, tcp, 6);
    assertSameAsTshark(rows, udp, 17);
    // ping: one echo flow each way counted.
    assert.equal(
      (
        await ch.query(
          `SELECT packets_to_dst, packets_to_src FROM live.flows WHERE proto = 1 AND icmp_type = 8 FORMAT TSV`,
        )
      ).trim(),
      '3\t3',
    );
  },
);
