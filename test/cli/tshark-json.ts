/**
 * What `pktkit read --json` is compared with: the tshark 4.0 fields it emits,
 * read from the same file by `tshark -T fields`, and the comparison itself.
 */

/** Every field `--json` writes for link, IP and transport headers, in tshark's names. */
export const JSON_FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'eth.dst',
  'eth.src',
  'eth.type',
  'vlan.id',
  'ieee8021ad.id',
  'arp.opcode',
  'arp.src.hw_mac',
  'arp.src.proto_ipv4',
  'arp.dst.hw_mac',
  'arp.dst.proto_ipv4',
  'ip.version',
  'ip.hdr_len',
  'ip.dsfield',
  'ip.len',
  'ip.id',
  'ip.flags',
  'ip.frag_offset',
  'ip.ttl',
  'ip.proto',
  'ip.src',
  'ip.dst',
  'ipv6.version',
  'ipv6.plen',
  'ipv6.nxt',
  'ipv6.hlim',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.stream',
  'tcp.len',
  'tcp.seq',
  'tcp.seq_raw',
  'tcp.nxtseq',
  'tcp.ack',
  'tcp.ack_raw',
  'tcp.hdr_len',
  'tcp.flags',
  'tcp.flags.str',
  'tcp.window_size_value',
  'tcp.window_size',
  'tcp.options.mss_val',
  'tcp.options.wscale.shift',
  'tcp.options.timestamp.tsval',
  'tcp.options.timestamp.tsecr',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
  'icmp.type',
  'icmp.code',
  'icmp.ident',
  'icmp.seq',
  'icmpv6.type',
  'icmpv6.code',
  'icmpv6.echo.identifier',
  'icmpv6.echo.sequence_number',
];

/** The DNS fields `--json` writes, in tshark's names. */
export const DNS_FIELDS = [
  'dns.id',
  'dns.flags',
  'dns.flags.response',
  'dns.flags.rcode',
  'dns.count.queries',
  'dns.count.answers',
  'dns.count.auth_rr',
  'dns.count.add_rr',
  'dns.qry.name',
  'dns.qry.type',
  'dns.qry.class',
  'dns.resp.name',
  'dns.resp.type',
  'dns.resp.ttl',
  'dns.a',
  'dns.aaaa',
];

/** Reassembly would move the ICMP fields to the last fragment; pktkit decodes the first fragment. */
export const NO_DEFRAGMENT = ['-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'];

const shown = (v: unknown): string => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));

/** Each field of each frame where pktkit's JSON object and tshark's row differ, as one line. */
export function differencesFromTshark(
  got: readonly Record<string, unknown>[],
  expected: readonly Record<string, string>[],
  fields: readonly string[],
): string[] {
  const differences: string[] = [];
  got.forEach((obj, i) => {
    for (const f of fields) {
      const want = expected[i]![f]!;
      const have = shown(obj[f]);
      if (want !== have) differences.push(`frame ${i + 1} ${f}: tshark '${want}', pktkit '${have}'`);
    }
  });
  return differences;
}
