/**
 * Issue 11 items 4, 5 and 7: strings bound for libpcap never lose their tail at
 * a NUL byte (C would stop there: 'a.pcap\0x' opened a.pcap, 'icmp\0 or tcp'
 * acted as 'icmp', 'lo\0x' opened lo), arrays are not taken for options, a
 * second reader gets a PktkitError with a code, and a huge bad filter is quoted
 * by a bounded prefix only.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FilterError, openFile, openLive, PktkitError, sr, send, sendp } from '../../lib/index';
import { IP, ICMP } from '../../lib/layers';

const HTTP = path.join(__dirname, '..', 'fixtures', 'pcap', 'http-lo.pcap');
const isRoot = process.getuid?.() === 0;

/** A TypeError like fs gives for a NUL byte, naming the argument and showing the byte escaped. */
function nulError(name: string): (err: unknown) => boolean {
  return (err: unknown) =>
    err instanceof TypeError &&
    (err as TypeError & { code?: string }).code === 'ERR_INVALID_ARG_VALUE' &&
    err.message.includes(`without NUL bytes for ${name} but received`) &&
    err.message.includes('\\x00') &&
    !err.message.includes('\0');
}

describe('NUL bytes in strings bound for native code', () => {
  it('openFile path', () => {
    // The path up to the NUL is a real capture file: before the fix it opened.
    assert.throws(() => openFile(`${HTTP}\0x`), nulError('path'));
    assert.throws(() => openFile(`${HTTP}\0`), nulError('path'));
  });

  it('filter, on a file', () => {
    assert.throws(() => openFile(HTTP, { filter: 'icmp\0 or tcp' }), nulError('filter'));
    assert.throws(
      () => openFile(HTTP, { access: 'mmap' as never }),
      (e: unknown) =>
        e instanceof TypeError &&
        e.message === "Expected 'auto', 'map' or 'read' for access but received 'mmap' of type string",
    );
  });

  it('openLive device and filter', () => {
    // Argument checks come before any privilege or interface check: no root needed.
    assert.throws(() => openLive('lo\0x'), nulError('device'));
    assert.throws(() => openLive('lo', { filter: 'icmp\0 or tcp' }), nulError('filter'));
  });

  it('send, sendp and sr: interface and filter', async () => {
    const pkt = IP({ dst: '127.0.0.1' }).div(ICMP());
    await assert.rejects(send(pkt, { iface: 'lo\0x' }), nulError('send() iface'));
    await assert.rejects(sendp(pkt, { iface: 'lo\0x' }), nulError('sendp() iface'));
    await assert.rejects(sr(pkt, { iface: 'lo\0x', timeout: 10 }), nulError('sr() iface'));
    await assert.rejects(sr(pkt, { filter: 'icmp\0 or tcp', timeout: 10 }), nulError('sr() filter'));
  });
});

describe('long strings stay out of messages', () => {
  it('send and sr: an interface name longer than Linux allows is refused with a bounded message', async () => {
    const pkt = IP({ dst: '127.0.0.1' }).div(ICMP());
    for (const call of [
      () => send(pkt, { iface: 'x'.repeat(5000) }),
      () => sendp(pkt, { iface: 'x'.repeat(16) }),
      () => sr(pkt, { iface: 'x'.repeat(5000), timeout: 10 }),
    ]) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(
          e.message,
          /^Expected an interface name of at most 15 bytes \(Linux's IFNAMSIZ\) for (send|sendp|sr)\(\) iface but received 'x+(\.\.\.' \(5000 characters\))?'? of type string$/,
        );
        assert.ok(e.message.length < 250, `${e.message.length} characters`);
        return true;
      });
    }
  });
});

describe('unclear errors made clear', () => {
  it('an array is not an options object (its .filter is a method)', async () => {
    assert.throws(() => openLive('lo', [] as never), /Expected an options object for options but received an array/);
    assert.throws(() => openFile(HTTP, [] as never), /Expected an options object for options but received an array/);
    await assert.rejects(
      sr(IP({ dst: '127.0.0.1' }), [] as never),
      /Expected an options object for sr\(\) options but received an array/,
    );
  });

  it('a second reader of one capture is a PktkitError with code EBUSY', async () => {
    const cap = openFile(HTTP);
    try {
      const it1 = cap[Symbol.asyncIterator]();
      assert.equal((await it1.next()).done, false);
      for (const second of [() => cap[Symbol.asyncIterator](), () => cap.batches().next()]) {
        let caught: unknown;
        try {
          await second();
        } catch (e) {
          caught = e;
        }
        assert.ok(caught instanceof PktkitError, `a PktkitError, got ${String(caught)}`);
        assert.equal((caught as PktkitError).code, 'EBUSY');
        assert.match((caught as Error).message, /already being iterated/);
      }
    } finally {
      cap.close();
    }
  });
});

describe('a huge bad filter', () => {
  const huge = `tcp and ${'x'.repeat(1 << 20)}`;

  function bounded(err: unknown): boolean {
    assert.ok(err instanceof FilterError, String(err));
    assert.equal(err.code, 'EFILTER');
    assert.ok(err.message.length < 400, `message of ${err.message.length} characters`);
    assert.match(err.message, /^bad filter 'tcp and x+\.\.\.' \(1048584 characters\): .+/);
    return true;
  }

  it('on a file: the FilterError quotes a bounded prefix and says how long it was', () => {
    assert.throws(() => openFile(HTTP, { filter: huge }), bounded);
  });

  it('live', { skip: !isRoot && 'needs root to open lo' }, () => {
    assert.throws(() => openLive('lo', { filter: huge }), bounded);
  });

  it('a short bad filter is still quoted whole', () => {
    assert.throws(
      () => openFile(HTTP, { filter: 'tcp and' }),
      (e: unknown) => e instanceof FilterError && /^bad filter 'tcp and': .+/.test(e.message),
    );
  });
});
