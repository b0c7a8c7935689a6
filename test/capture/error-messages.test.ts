/**
 * The one error path, capture side: native code reports facts, lib/errors.ts
 * words them. Each condition is produced for real (a missing interface, one
 * that is down, a filter libpcap refuses, missing and wrong files, an engine
 * that cannot serve the options) through the real addon, and the whole
 * message is checked, so a message cannot drift when it moves or be worded
 * twice. libpcap's own reasons are compared with what tcpdump prints.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  FileError,
  FilterError,
  InterfaceError,
  openFile,
  openLive,
  PcapError,
  PermissionError,
  PktkitError,
} from '../../lib/index';
import { INTERFACE_HINT, PRIVILEGE_HINT } from '../../lib/errors';
import { makeTempDir } from '../helpers/loopback';
import { createNetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';
import { run, runScriptAsNobody } from '../helpers/processes';

const MISSING = 'pktkitnope0';

/** The error `fn` throws (the test fails if it throws none). */
function thrown(fn: () => unknown): Error & { code?: string; pcapStatus?: string } {
  try {
    const c = fn() as { close?: () => unknown };
    c.close?.();
  } catch (e) {
    return e as Error & { code?: string; pcapStatus?: string };
  }
  assert.fail('nothing was thrown');
}

/** libpcap's reason for refusing `filter`, as tcpdump prints it (without "tcpdump: "). */
async function tcpdumpSays(filter: string): Promise<string> {
  const r = await run(null, 'tcpdump', ['-d', '-y', 'EN10MB', filter]);
  assert.notEqual(r.code, 0, `tcpdump accepted ${filter}`);
  return r.stderr
    .trim()
    .split('\n')
    .pop()!
    .replace(/^tcpdump: /, '');
}

describe('capture error messages, worded once in lib/errors.ts', () => {
  it('a missing interface: InterfaceError ENODEV with the hint, from both engines', () => {
    const af = thrown(() => openLive(MISSING, { engine: 'afpacket' }));
    assert.ok(af instanceof InterfaceError);
    assert.deepEqual([af.code, af.pcapStatus], ['ENODEV', 'PCAP_ERROR_NO_SUCH_DEVICE']);
    assert.equal(af.message, `no such interface '${MISSING}': ${INTERFACE_HINT} (No such device)`);
    const lp = thrown(() => openLive(MISSING, { engine: 'libpcap' }));
    assert.ok(lp instanceof InterfaceError);
    assert.deepEqual([lp.code, lp.pcapStatus], ['ENODEV', 'PCAP_ERROR_NO_SUCH_DEVICE']);
    // libpcap's own detail follows the same words.
    assert.ok(lp.message.startsWith(`no such interface '${MISSING}': ${INTERFACE_HINT} (`), lp.message);
    assert.equal(INTERFACE_HINT, 'list them with `pktkit ifaces` or interfaces()');
  });

  it("a bad filter: FilterError 'bad filter ...' with libpcap's reason, as tcpdump reports it, from every engine", async () => {
    const dir = makeTempDir('errmsg');
    try {
      const file = path.join(dir.path, 'empty.pcap');
      // A classic pcap header (Ethernet) and no packet.
      const header = Buffer.alloc(24);
      header.writeUInt32LE(0xa1b2c3d4, 0);
      header.writeUInt16LE(2, 4);
      header.writeUInt16LE(4, 6);
      header.writeUInt32LE(65535, 16);
      header.writeUInt32LE(1, 20);
      fs.writeFileSync(file, header);
      for (const filter of ['tcp port eighty', 'tcp and']) {
        const reason = await tcpdumpSays(filter);
        const expectedMessage = `bad filter '${filter}': ${reason}`;
        for (const [how, open] of [
          ['afpacket', () => openLive('lo', { engine: 'afpacket', filter })],
          ['libpcap', () => openLive('lo', { engine: 'libpcap', filter })],
          ['file', () => openFile(file, { filter })],
        ] as const) {
          const err = thrown(open);
          assert.ok(err instanceof FilterError, `${how}: ${err.name}`);
          assert.equal(err.code, 'EFILTER');
          assert.equal(err.message, expectedMessage, how);
        }
      }
    } finally {
      dir.remove();
    }
  });

  it('files: missing, a directory, not a capture: FileError with the path and the reason', () => {
    const dir = makeTempDir('errmsg');
    try {
      const missing = thrown(() => openFile('/nonexistent/trace.pcap'));
      assert.ok(missing instanceof FileError);
      assert.equal(missing.code, 'ENOENT');
      assert.equal(missing.message, "cannot open capture file '/nonexistent/trace.pcap': No such file or directory");
      const isDir = thrown(() => openFile(dir.path));
      assert.ok(isDir instanceof FileError);
      assert.equal(isDir.code, 'EISDIR');
      assert.match(
        isDir.message,
        new RegExp(`^cannot open capture file '${dir.path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}': `),
      );
      const text = path.join(dir.path, 'notes.txt');
      fs.writeFileSync(text, 'hello, this is no capture file at all\n');
      const notCapture = thrown(() => openFile(text));
      assert.ok(notCapture instanceof FileError);
      assert.equal(notCapture.code, 'EFORMAT');
      assert.match(notCapture.message, new RegExp(`^cannot read capture file '.*notes\\.txt': .*pcap or pcapng`));
    } finally {
      dir.remove();
    }
  });

  it('a fanout group joined in another mode: PcapError naming the group, the reason and the rule', () => {
    // Capture only (nothing is sent): two AF_PACKET sockets on lo in one group, the second in another mode.
    const group = 40000 + (process.pid % 20000);
    const first = openLive('lo', { engine: 'afpacket', fanout: { group, mode: 'hash' } });
    try {
      const err = thrown(() => openLive('lo', { engine: 'afpacket', fanout: { group, mode: 'lb' } }));
      assert.ok(err instanceof PcapError, err.name);
      assert.equal(err.code, 'EPCAP');
      assert.equal(
        err.message,
        `cannot join fanout group ${group}: Invalid argument (every member of a group must use the same mode)`,
      );
    } finally {
      first.close();
    }
  });

  it('an engine that cannot serve the options: PcapError EENGINE naming the interface', () => {
    const fanout = thrown(() => openLive('lo', { engine: 'libpcap', fanout: { group: 4242 } }));
    assert.ok(fanout instanceof PcapError);
    assert.equal(fanout.code, 'EENGINE');
    assert.equal(fanout.message, "fanout needs the AF_PACKET engine, which cannot serve 'lo'");
    const linkType = thrown(() => openLive('lo', { engine: 'afpacket', linkType: 'LINUX_SLL' }));
    assert.ok(linkType instanceof PcapError);
    assert.equal(linkType.code, 'EENGINE');
    assert.equal(
      linkType.message,
      "the AF_PACKET engine cannot capture on 'lo' with these options (its link type or linkType): use engine 'libpcap'",
    );
  });

  it('an interface that is down: InterfaceError EIFDOWN with the command that brings it up; one that goes down under a capture of either engine: the capture stops saying so', async (t) => {
    const net = await createNetPair({ prefix: 'errmsg', t, ipv6: false });
    await net.execOk(net.nsA, 'ip', ['link', 'set', net.ifA, 'down']);
    // A second veth of the test's own, both ends in nsA, that the script takes down while capturing.
    const stopping = `${net.ifA.slice(0, 12)}s`;
    await net.execOk(net.nsA, 'ip', [
      'link',
      'add',
      stopping,
      'type',
      'veth',
      'peer',
      'name',
      `${net.ifA.slice(0, 12)}t`,
    ]);
    const r = await runNodeInNs(
      net.nsA,
      'test/capture/scripts/error-facts.ts',
      [JSON.stringify({ down: net.ifA, stopping })],
      { timeoutMs: 60_000 },
    );
    const m = r.messages[0] as Record<string, { name: string; code: string; pcapStatus: string; message: string }>;
    assert.ok(m?.downAfpacket, r.otherLines.join('\n') + r.stderr);
    for (const key of ['downAfpacket', 'downLibpcap']) {
      const e = m[key];
      assert.equal(e.name, 'InterfaceError', `${key}: ${JSON.stringify(e)}`);
      assert.deepEqual([e.code, e.pcapStatus], ['EIFDOWN', 'PCAP_ERROR_IFACE_NOT_UP'], key);
      assert.equal(e.message, `interface '${net.ifA}' is down: bring it up (ip link set ${net.ifA} up)`, key);
    }
    // The kernel reports ENETDOWN on the packet socket; both engines end the capture with it
    // (not with the 10 s signal the script gives each capture as a bound).
    for (const key of ['stoppedAfpacket', 'stoppedLibpcap']) {
      assert.deepEqual(
        m[key],
        { name: 'PcapError', code: 'EPCAP', message: 'capture stopped: The interface went down' },
        key,
      );
    }
  });

  it('no privilege: PermissionError whose message is the one hint, with what the kernel said', async (t) => {
    const script = `
      const { openLive } = require(${JSON.stringify(path.resolve(__dirname, '../../lib/index.ts'))});
      const out = {};
      for (const engine of ['afpacket', 'libpcap']) {
        try { openLive('lo', { engine }).close(); out[engine] = { opened: true }; }
        catch (e) { out[engine] = { name: e.name, code: e.code, pcapStatus: e.pcapStatus, message: e.message }; }
      }
      console.log(JSON.stringify(out));`;
    const r = await runScriptAsNobody(t, script);
    if (r === undefined) return;
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<
      string,
      { name: string; code: string; pcapStatus: string; message: string }
    >;
    assert.equal(out.afpacket?.name, 'PermissionError', r.stdout + r.stderr);
    assert.deepEqual([out.afpacket.code, out.afpacket.pcapStatus], ['EPERM', 'PCAP_ERROR_PERM_DENIED']);
    assert.equal(
      out.afpacket.message,
      `no permission to capture on 'lo': ${PRIVILEGE_HINT} (socket: Operation not permitted)`,
    );
    assert.equal(out.libpcap?.name, 'PermissionError', JSON.stringify(out.libpcap));
    assert.equal(out.libpcap.code, 'EPERM');
    assert.ok(
      out.libpcap.message.startsWith(`no permission to capture on 'lo': ${PRIVILEGE_HINT} (`),
      out.libpcap.message,
    );
    assert.ok(PermissionError && PktkitError);
  });
});
