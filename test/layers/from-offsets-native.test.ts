// fromOffsets() with the offsets the native dissector reports for every packet
// of the shared fixtures: the layers it builds start exactly at those offsets
// (link at l2Off, network at l3Off, transport at l4Off, payload at payloadOff).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ARPLayer, fromOffsets, ICMPLayer, ICMPv6Base, IPLayer, IPv6Layer, TCPLayer, UDPLayer, type Layer, type LayerClass,
} from '../../lib/layers';
import { dissect } from '../../lib/dissect';
import { readPcap } from '../helpers/pcap-file';

const DIR = path.join(__dirname, '..', 'fixtures', 'pcap');
const FILES = ['http-lo.pcap', 'veth-mixed.pcap', 'veth-vlan.pcap', 'any-sll.pcap', 'any-sll2.pcap', 'http-lo-snap96.pcap'];

// The addon loads on first use: find out once whether it is built.
let why: string | undefined;
try {
  dissect(new Uint8Array(60));
} catch (e) {
  why = `the native addon is not available: ${(e as Error).message}`;
}

/** Where each layer of a parsed chain starts, from the sizes its headers rebuild to. */
function layerStarts(first: Layer, firstOff: number): Map<Layer, number> {
  const starts = new Map<Layer, number>();
  let off = firstOff;
  for (const l of first.layers()) {
    starts.set(l, off);
    const own = l.buildWithPayload().length - (l.payload ? l.payload.buildWithPayload().length : 0);
    off += own;
  }
  return starts;
}

const isOne = (l: Layer, classes: unknown[]) => classes.some((c) => l instanceof (c as new () => Layer));

describe('fromOffsets() on the native dissector\'s offsets', { skip: why }, () => {
  for (const file of FILES) {
    it(file, () => {
      const pcap = readPcap(path.join(DIR, file));
      let checked = 0;
      for (const rec of pcap.records) {
        const bytes = new Uint8Array(rec.data);
        const n = dissect(bytes, pcap.header.linkType, rec.wireLen);
        const offs = { linkType: pcap.header.linkType, l2Off: n.l2Off, l3Off: n.l3Off, l4Off: n.l4Off, payloadOff: n.payloadOff };
        const first = fromOffsets(bytes, offs);
        const starts = layerStarts(first, n.l2Off ?? n.l3Off ?? 0);
        const at = (off: number | undefined) => (off === undefined ? undefined : [...starts].find(([, o]) => o === off)?.[0]);
        if (n.l3Off !== undefined) {
          const l3 = at(n.l3Off);
          assert.ok(l3 && isOne(l3, [IPLayer, IPv6Layer, ARPLayer]), `${file}: a network layer starts at l3Off ${n.l3Off} (${first.summary()})`);
        }
        if (n.l4Off !== undefined) {
          const l4 = at(n.l4Off);
          assert.ok(l4 && isOne(l4, [TCPLayer, UDPLayer, ICMPLayer, ICMPv6Base as unknown as LayerClass]), `${file}: a transport layer starts at l4Off ${n.l4Off} (${first.summary()})`);
          // After TCP and UDP the payload starts where the header ends. (For ICMP the native side counts
          // only the first 8 bytes as header; the layers here include e.g. the ND target address.)
          if (n.payloadOff !== undefined && l4.payload && isOne(l4, [TCPLayer, UDPLayer])) {
            assert.equal(starts.get(l4.payload), n.payloadOff, `${file}: payloadOff (${first.summary()})`);
          }
        }
        checked++;
      }
      assert.ok(checked > 0);
    });
  }
});
