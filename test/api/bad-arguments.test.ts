// Issue 11 items 5 and 6: nonsense given to the layer API, parse() and
// hexdump() is refused with a TypeError that says what was expected and what
// came, and a packet too long for its 16-bit length field is a BuildError at
// build time instead of a length that quietly says 65535.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildError, hexdump, hexdumpTcpdump, PktkitError } from '../../lib/index';
import { Ether, IP, IPv6, parse, Raw, TCP, UDP } from '../../lib/layers';
import { quote, quoteFilter } from '../../lib/errors';

function typeError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${String(e)}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

describe('layer constructors and div()', () => {
  it('IP(null), IP(5), IP([]), IP(bytes) are refused; IP() and IP({}) are fine', () => {
    typeError(() => IP(null as never), /^Expected an object of IP fields for IP\(\) but received null of type null$/);
    typeError(() => IP(5 as never), /^Expected an object of IP fields for IP\(\) but received 5 of type number$/);
    typeError(
      () => TCP('S' as never),
      /^Expected an object of TCP fields for TCP\(\) but received 'S' of type string$/,
    );
    typeError(() => UDP([] as never), /for UDP\(\) but received an array/);
    typeError(() => Ether(new Uint8Array(14) as never), /for Ether\(\) but received/);
    typeError(() => IP(TCP() as never), /for IP\(\) but received an object \(TCPLayer\)/);
    typeError(() => IP().setFields(7 as never), /for IP\(\) but received 7/);
    assert.equal(IP().toBytes().length, 20);
    assert.equal(IP({}).toBytes().length, 20);
  });

  it('div(5) and div(null) are refused (div(5) made five zero bytes); div(TCP) says to call it', () => {
    typeError(
      () => IP().div(5 as never),
      /^Expected a layer, a Uint8Array or a string for IP\.div\(\) but received 5 of type number$/,
    );
    typeError(() => IP().div(null as never), /for IP\.div\(\) but received null of type null/);
    typeError(() => IP().div(undefined as never), /for IP\.div\(\) but received undefined/);
    typeError(() => IP().div({ load: 'x' } as never), /for IP\.div\(\) but received an object/);
    typeError(() => IP().div(TCP as never), /received function TCP of type function \(call it: TCP\(\)\)/);
    assert.equal(IP().div('abc').toBytes().length, 23);
    assert.equal(IP().div(new Uint8Array(3)).toBytes().length, 23);
  });
});

describe('lengths that do not fit', () => {
  const tooBig = (layer: string, field: string, bytes: number) => (e: unknown) => {
    assert.ok(e instanceof BuildError && e instanceof PktkitError, `expected a BuildError, got ${String(e)}`);
    assert.equal(e.code, 'ETOOBIG');
    assert.match(
      e.message,
      new RegExp(`^${layer}\\.${field}: ${bytes} bytes do not fit the field \\(at most 65535\\)`),
    );
    return true;
  };

  it('IP/TCP with a 70,000-byte payload is a BuildError, not IP.len 65535', () => {
    const pkt = IP({ dst: '198.18.0.1' })
      .div(TCP())
      .div(Raw({ load: new Uint8Array(70_000) }));
    assert.throws(() => pkt.toBytes(), tooBig('IP', 'len', 70_040));
  });

  it('the largest packet that fits still builds, one byte more does not', () => {
    const fits = IP({ dst: '198.18.0.1' })
      .div(TCP())
      .div(new Uint8Array(65_535 - 40))
      .toBytes();
    assert.equal(fits.length, 65_535);
    assert.equal((parse(fits, { first: IP }) as unknown as { len: number }).len, 65_535);
    assert.throws(
      () =>
        IP({ dst: '198.18.0.1' })
          .div(TCP())
          .div(new Uint8Array(65_535 - 39))
          .toBytes(),
      tooBig('IP', 'len', 65_536),
    );
  });

  it('UDP.len and IPv6.plen likewise', () => {
    assert.throws(
      () => IP({ dst: '198.18.0.1' }).div(UDP()).div(new Uint8Array(65_530)).toBytes(),
      tooBig('UDP', 'len', 65_538),
    );
    assert.throws(
      () => IPv6({ dst: 'fd00::1' }).div(TCP()).div(new Uint8Array(65_530)).toBytes(),
      tooBig('IPv6', 'plen', 65_550),
    );
  });

  it('a length set by hand is kept (broken packets on purpose)', () => {
    const b = IP({ dst: '198.18.0.1', len: 40 }).div(TCP()).div(new Uint8Array(70_000)).toBytes();
    assert.equal(b.length, 70_040);
    assert.equal((b[2]! << 8) | b[3]!, 40);
  });
});

describe('parse() and hexdump() arguments', () => {
  it('parse(null), parse(buf, { first: 5 }) and friends are TypeErrors', () => {
    typeError(() => parse(null as never), /^Expected a Uint8Array for parse\(\) bytes but received null of type null$/);
    typeError(() => parse('45000014' as never), /for parse\(\) bytes but received '45000014'/);
    typeError(
      () => parse(new Uint8Array(20), { first: 5 as never }),
      /^Expected a layer type such as Ether or IP for parse\(\) first but received 5 of type number$/,
    );
    typeError(() => parse(new Uint8Array(20), { first: 'IP' as never }), /for parse\(\) first but received 'IP'/);
    typeError(() => parse(new Uint8Array(20), { first: (() => 1) as never }), /for parse\(\) first/);
    typeError(() => parse(new Uint8Array(20), { linkType: -1 }), /for parse\(\) linkType but received -1/);
    typeError(() => parse(new Uint8Array(20), null as never), /for parse\(\) options but received null/);
    // Still fine: a factory, a class, a link type.
    const ip = IP({ dst: '198.18.0.1' }).toBytes();
    assert.equal(parse(ip, { first: IP }).layerName, 'IP');
    assert.equal(parse(ip, { first: IP.layerClass }).layerName, 'IP');
    assert.equal(parse(ip, { linkType: 228 }).layerName, 'IP');
  });

  it('hexdump(null) and hexdumpTcpdump(null) are TypeErrors', () => {
    typeError(
      () => hexdump(null as never),
      /^Expected a Uint8Array for hexdump\(\) data but received null of type null$/,
    );
    typeError(() => hexdump([1, 2] as never), /for hexdump\(\) data but received an array/);
    typeError(() => hexdumpTcpdump(undefined as never), /for hexdumpTcpdump\(\) data but received undefined/);
    typeError(() => hexdumpTcpdump(new Uint8Array(2), -1), /for hexdumpTcpdump\(\) startOffset but received -1/);
    assert.equal(hexdump(Uint8Array.of(0x41)), '0000  41                                               A');
  });
});

describe('quoting in messages', () => {
  it('control characters are escaped and long strings cut, so a message stays one bounded line', () => {
    assert.equal(quote('a\0b\n'), "'a\\x00b\\n'");
    assert.equal(quote('tcp port 80'), "'tcp port 80'");
    const q = quoteFilter('x'.repeat(1 << 20));
    assert.ok(q.length < 150, q);
    assert.match(q, /^'x{100}\.\.\.' \(1048576 characters\)$/);
  });
});
