/**
 * batch.column(): the columns the native dissector writes (frame.len, ip.proto, TCP/UDP ports,
 * tcp.flags; from the first batch whose column is asked for) are views of arrays of their own,
 * and every column holds, packet by packet, what the Packet views read and what tshark reads,
 * across batches, with a filter, and on pcapng.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generate } from '../../bench/gen/generate';
import { openFile, type Batch, type Packet } from '../../lib/index';
import { COLUMN_NAMES } from '../../lib/columns';
import { makeTempDir } from '../helpers/loopback';
import { tsharkFields } from '../helpers/tshark';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pcap');
const NATIVE = ['frame.len', 'ip.proto', 'tcp.sport', 'tcp.dport', 'tcp.flags', 'udp.sport', 'udp.dport'] as const;
const ALIASES = {
  'tcp.srcport': 'tcp.sport',
  'tcp.dstport': 'tcp.dport',
  'udp.srcport': 'udp.sport',
  'udp.dstport': 'udp.dport',
  wireLen: 'frame.len',
} as const;

/** What a Packet view reads for the native columns: the reference the columns must equal. */
function viewValue(p: Packet, name: (typeof NATIVE)[number]): number {
  switch (name) {
    case 'frame.len':
      return p.length;
    case 'ip.proto':
      return p.ip?.proto ?? p.ipv6?.nh ?? 0;
    case 'tcp.sport':
      return p.tcp?.sport ?? 0;
    case 'tcp.dport':
      return p.tcp?.dport ?? 0;
    case 'tcp.flags':
      return p.tcp?.flags ?? 0;
    case 'udp.sport':
      return p.udp?.sport ?? 0;
    case 'udp.dport':
      return p.udp?.dport ?? 0;
  }
}

interface Read {
  /** Per column name, every packet's value in file order. */
  columns: Map<string, number[]>;
  /** Per native column, the Packet views' values. */
  views: Map<string, number[]>;
  batches: number;
}

/** Reads a file batch by batch, keeping every column (each one checked against the views as it goes). */
async function readColumns(file: string, filter?: string): Promise<Read> {
  const columns = new Map<string, number[]>(COLUMN_NAMES.map((n) => [n, []]));
  const views = new Map<string, number[]>(NATIVE.map((n) => [n, []]));
  let batches = 0;
  for await (const batch of openFile(file, { filter }).batches()) {
    batches++;
    for (const name of COLUMN_NAMES) {
      const col = batch.column(name as Parameters<Batch['column']>[0]);
      assert.equal(col.length, batch.count, `${name}: one value per packet`);
      columns.get(name)!.push(...col);
    }
    for (const p of batch) for (const name of NATIVE) views.get(name)!.push(viewValue(p, name));
  }
  return { columns, views, batches };
}

describe('batch.column', () => {
  const dir = makeTempDir('columns');
  let mix = '';
  before(() => {
    // A seeded mix of every kind the generator makes (TCP, UDP, DNS, ICMP errors, ARP, IPv6,
    // 802.1Q): more than two batches of 2048.
    mix = generate({ outDir: dir.path, count: 5000, kind: 'mix' }).path;
  });
  after(() => dir.remove());

  it('native columns are views of the records buffer, aliases the same arrays, others gathered', async () => {
    for await (const batch of openFile(mix).batches()) {
      const dport = batch.column('tcp.dport');
      const records = dport.buffer;
      for (const name of NATIVE)
        assert.equal(batch.column(name).buffer, records, `${name} is a view of the native columns`);
      for (const [alias, name] of Object.entries(ALIASES)) {
        const a = batch.column(alias as keyof typeof ALIASES);
        const b = batch.column(name);
        assert.equal(a.buffer, b.buffer);
        assert.equal(a.byteOffset, b.byteOffset, `${alias} is ${name}`);
      }
      assert.notEqual(batch.column('ip.ttl').buffer, records, 'ip.ttl is gathered');
      assert.throws(
        () => batch.column('tcp.nope' as 'tcp.dport'),
        (err: unknown) =>
          err instanceof TypeError && /Unknown column 'tcp\.nope': expected one of .*tcp\.dport/.test(err.message),
      );
      break;
    }
  });

  for (const [label, file, filter] of [
    ['a generated mix over three batches', () => mix, undefined],
    ['the same mix with a filter (no holes where packets were filtered out)', () => mix, 'udp or icmp6'],
    ['a veth capture with VLAN tags', () => path.join(FIXTURES, 'veth-vlan.pcap'), undefined],
    ['a pcapng file', () => path.join(FIXTURES, 'http-lo.pcapng'), undefined],
    ['an SLL2 capture on any', () => path.join(FIXTURES, 'any-sll2.pcap'), undefined],
  ] as const) {
    it(`holds what the Packet views read: ${label}`, async () => {
      const read = await readColumns(file(), filter);
      const n = read.columns.get('frame.len')!.length;
      assert.ok(n > 0, 'packets were read');
      for (const name of NATIVE) assert.deepEqual(read.columns.get(name), read.views.get(name), name);
      for (const [alias, name] of Object.entries(ALIASES))
        assert.deepEqual(read.columns.get(alias), read.columns.get(name), alias);
      if (file() === mix && filter === undefined) {
        assert.equal(n, 5000);
        assert.ok(read.batches >= 3, `${read.batches} batches`);
        // Every native column has values in this mix (none is all zeros).
        for (const name of NATIVE)
          assert.ok(
            read.columns.get(name)!.some((v) => v !== 0),
            `${name} has values`,
          );
      }
      if (filter !== undefined)
        assert.ok(
          read.columns.get('tcp.dport')!.every((v) => v === 0),
          'no TCP passed the filter',
        );
    });
  }

  it('asked for first in a later batch, holds what the views read in that batch and every one after', async () => {
    // The sink writes the native columns only once a reader has asked for one: the batch in hand
    // then gets them at once, and every later batch as it is dissected.
    let batches = 0;
    let checked = 0;
    for await (const batch of openFile(mix).batches()) {
      if (++batches < 2) continue;
      for (const name of NATIVE) {
        const col = batch.column(name);
        let i = 0;
        for (const p of batch) assert.equal(col[i++], viewValue(p, name), `batch ${batches}, packet ${i}: ${name}`);
        checked += i;
      }
    }
    assert.ok(batches >= 3, `${batches} batches`);
    assert.equal(checked, (5000 - 2048) * NATIVE.length);
  });

  it("equals tshark's frame.len, tcp/udp ports, tcp.flags and ip.proto on the mix", async () => {
    const fields = [
      'frame.len',
      'tcp.srcport',
      'tcp.dstport',
      'tcp.flags',
      'udp.srcport',
      'udp.dstport',
      'ip.proto',
      'ipv6.nxt',
      'icmp.type',
      'icmpv6.type',
    ];
    const rows = await tsharkFields(mix, fields);
    const read = await readColumns(mix);
    assert.equal(rows.length, read.columns.get('frame.len')!.length);
    const first = (v: string): number => (v === '' ? 0 : Number(v.split(',')[0]));
    let tcp = 0;
    let udp = 0;
    rows.forEach((row, i) => {
      const col = (name: string): number => read.columns.get(name)![i];
      assert.equal(col('frame.len'), first(row['frame.len']), `packet ${i + 1} frame.len`);
      // An ICMP error quotes a datagram: tshark decodes the quote's ports, the record (and so the
      // columns) only the outer packet.
      if (row['icmp.type'] === '' && row['icmpv6.type'] === '') {
        for (const [ours, theirs] of [
          ['tcp.sport', 'tcp.srcport'],
          ['tcp.dport', 'tcp.dstport'],
          ['tcp.flags', 'tcp.flags'],
          ['udp.sport', 'udp.srcport'],
          ['udp.dport', 'udp.dstport'],
        ]) {
          assert.equal(col(ours), first(row[theirs]), `packet ${i + 1} ${ours}`);
        }
        if (row['tcp.dstport'] !== '') tcp++;
        if (row['udp.dstport'] !== '') udp++;
      }
      // The outer IPv4 protocol; for IPv6 the record gives the header after any extension headers,
      // which is tshark's last ipv6.nxt.
      const proto =
        row['ip.proto'] !== ''
          ? first(row['ip.proto'])
          : row['ipv6.nxt'] !== ''
            ? Number(row['ipv6.nxt'].split(',').at(-1))
            : 0;
      assert.equal(col('ip.proto'), proto, `packet ${i + 1} ip.proto`);
    });
    assert.ok(tcp > 1000 && udp > 100, `compared ${tcp} TCP and ${udp} UDP packets`);
  });
});
