/**
 * Bad arguments and refusals: typed errors whose messages say what to do.
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
  PermissionError,
  PktkitError,
} from '../../lib/index';
import { makeTempDir } from '../helpers/loopback';
import { runScriptAsNobody } from '../helpers/processes';

describe('capture errors', () => {
  it('an unknown interface is an InterfaceError that says how to list them', () => {
    assert.throws(
      () => openLive('nosuchif0'),
      (err: unknown) =>
        err instanceof InterfaceError &&
        err instanceof PktkitError &&
        err.code === 'ENODEV' &&
        err.pcapStatus === 'PCAP_ERROR_NO_SUCH_DEVICE' &&
        /no such interface 'nosuchif0'.*pktkit ifaces/.test(err.message),
    );
  });

  it("a bad filter is a FilterError carrying libpcap's reason", () => {
    assert.throws(
      () => openLive('lo', { filter: 'tcp port eighty' }),
      (err: unknown) =>
        err instanceof FilterError && err.code === 'EFILTER' && /bad filter 'tcp port eighty': .+/.test(err.message),
    );
  });

  it('a missing file is a FileError with ENOENT', () => {
    assert.throws(
      () => openFile('/nonexistent/trace.pcap'),
      (err: unknown) =>
        err instanceof FileError && err.code === 'ENOENT' && /\/nonexistent\/trace\.pcap/.test(err.message),
    );
  });

  it('a directory and a file that is not a capture are FileErrors', () => {
    const dir = makeTempDir('errors');
    try {
      assert.throws(
        () => openFile(dir.path),
        (err: unknown) => err instanceof FileError && err.code === 'EISDIR',
      );
      const junk = path.join(dir.path, 'junk.pcap');
      fs.writeFileSync(junk, 'this is not a capture file at all');
      assert.throws(
        () => openFile(junk),
        (err: unknown) => err instanceof FileError && err.code === 'EFORMAT' && /pcap or pcapng/.test(err.message),
      );
    } finally {
      dir.remove();
    }
  });

  it('bad option values are TypeErrors that say what was expected and what came', () => {
    assert.throws(
      () => openLive('lo', { snaplen: -1 }),
      /Expected an integer 1\.\.262144 for snaplen but received -1 of type number/,
    );
    assert.throws(() => openLive('lo', { direction: 'up' as never }), /Expected 'in', 'out' or 'inout' for direction/);
    assert.throws(() => openLive('lo', { promisc: 'yes' as never }), /Expected a boolean for promisc/);
    assert.throws(
      () => openLive('lo', { waitInPlace: 21 }),
      /Expected a number 0\.\.20 for waitInPlace but received 21/,
    );
    assert.throws(() => openLive('lo', { nosuch: 1 } as never), /Unknown option 'nosuch'/);
    assert.throws(() => openLive(''), TypeError);
    assert.throws(() => openFile('x.pcap', { ringSize: 10 }), /ringSize/);
  });

  it('capturing without privilege is a PermissionError with the fix in its message', async (t) => {
    // Run as `nobody`, who has no CAP_NET_RAW: a real refusal by the kernel.
    const script = `
      const { openLive } = require(${JSON.stringify(path.resolve(__dirname, '../../lib/index.ts'))});
      try { openLive('lo'); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`;
    const r = await runScriptAsNobody(t, script);
    if (r === undefined) return;
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      name?: string;
      code?: string;
      message?: string;
    };
    assert.equal(out.name, 'PermissionError', r.stdout + r.stderr);
    assert.equal(out.code, 'EPERM');
    assert.match(out.message ?? '', /run as root, or grant cap_net_raw,cap_net_admin/);
    assert.ok(PermissionError);
  });
});
