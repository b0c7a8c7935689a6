/**
 * Hostile bytes never make the tcpdump-style printers throw: random frames of
 * every link type the CLI prints (Ethernet, cooked v1/v2, raw IP), and real
 * UDP/53 headers carrying random "DNS" (compression loops, counts far beyond
 * the message), cut at every length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describePacket } from '../../lib/cli/format-line';
import { asciiText, checksumText, Clock, dnsText, interfacePrefix, linkHeaderText } from '../../lib/cli/tcpdump-style';
import { dissect } from '../../lib/dissect';
import { Ether, IP, Raw, UDP } from '../../lib/layers';

function printAll(bytes: Uint8Array, linkType: number): void {
  const p = dissect(bytes, linkType);
  interfacePrefix(p);
  linkHeaderText(p);
  dnsText(p);
  checksumText(p);
  asciiText(p.data.subarray(p.l3Off ?? 0));
  describePacket(p, undefined, { absolute: false, quiet: false });
  new Clock(3, 'nano').stamp(p.tsSec, p.tsNsec);
}

test('random frames of every printed link type', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.constantFrom(1, 113, 276, 101, 12), (bytes, lt) => {
      printAll(bytes, lt);
    }),
    { numRuns: 3000 },
  );
});

test('random DNS over real UDP/53 headers, cut anywhere', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.nat(200), (dns, cut) => {
      const frame = Ether()
        .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
        .div(UDP({ sport: 40000, dport: 53 }))
        .div(Raw({ load: dns }))
        .toBytes();
      printAll(frame, 1);
      printAll(frame.subarray(0, Math.min(frame.length, cut)), 1);
    }),
    { numRuns: 2000 },
  );
  // A message that points at itself: no answer, no hang.
  const loop = Uint8Array.from([0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  const frame = Ether()
    .div(IP({ src: '198.18.0.1', dst: '198.18.0.2' }))
    .div(UDP({ sport: 53, dport: 40000 }))
    .div(Raw({ load: loop }))
    .toBytes();
  assert.equal(dnsText(dissect(frame, 1)), undefined);
});
