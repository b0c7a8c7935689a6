// Every packet of the shared capture fixtures (Ethernet on lo and veth, VLAN
// and QinQ, Linux SLL and SLL2, IPv6 with MLD and neighbor discovery, HTTP,
// DNS, ICMP errors) parsed by pktkit reads exactly as Scapy 2.5 reads it:
// summary(), show(), and the bytes rebuilt from the layers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { linkLayerClass, parse, RawLayer } from '../../lib/layers';
import { readPcap } from '../helpers/pcap-file';
import { scapyUnavailable } from './scapy-oracle';

const DIR = path.join(__dirname, '..', 'fixtures', 'pcap');
const FILES = [
  'http-lo.pcap',
  'http-lo-snap96.pcap',
  'veth-mixed.pcap',
  'veth-vlan.pcap',
  'any-sll.pcap',
  'any-sll2.pcap',
  'http-lo-truncated.pcap',
];

const SCRIPT = String.raw`
import json, sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import rdpcap
print(json.dumps([[p.summary(), p.show(dump=True)] for p in rdpcap(sys.argv[1])]))
`;

describe('fixture captures read as Scapy reads them', { skip: scapyUnavailable() }, () => {
  for (const file of FILES) {
    it(file, () => {
      const full = path.join(DIR, file);
      const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, full], { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, r.stderr);
      const scapy = JSON.parse(r.stdout) as [string, string][];
      const pcap = readPcap(full);
      // The truncated file ends inside a record: Scapy reads that part as a packet too, the reader does not.
      assert.ok(scapy.length >= pcap.records.length && scapy.length <= pcap.records.length + 1);
      assert.ok(pcap.records.length > 0);
      pcap.records.forEach((rec, i) => {
        const bytes = new Uint8Array(rec.data);
        const first = linkLayerClass(pcap.header.linkType, bytes, 0) ?? RawLayer;
        const p = parse(bytes, { first });
        assert.equal(p.summary(), scapy[i][0], `${file} packet ${i + 1}: summary()`);
        assert.equal(p.showString(), scapy[i][1], `${file} packet ${i + 1}: show()`);
        assert.equal(
          Buffer.from(p.toBytes()).toString('hex'),
          Buffer.from(bytes).toString('hex'),
          `${file} packet ${i + 1}: rebuilt bytes`,
        );
      });
    });
  }
});
