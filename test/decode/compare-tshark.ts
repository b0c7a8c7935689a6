/**
 * Compares a dissected record with tshark's reading of the same packet, field
 * by field. tshark is the reference; the allowances below are the places where
 * the record deliberately says less than tshark:
 * - an ICMP error quotes a packet: tshark decodes the quote's TCP/UDP header,
 *   the record describes only the outer packet (FLAG_ICMP_QUOTE);
 * - a record that stopped early (stopLayer set) has nothing for the layers
 *   after it, while tshark may carry on or show part of the broken header;
 * - the record's IPv4 total length is as on the wire, also when it is 0
 *   (segmentation offload), where tshark shows the length it assumed.
 * The first occurrence of a tshark field is the outermost header's.
 */
import {
  FLAG_FRAGMENT,
  FLAG_ICMP_QUOTE,
  FLAG_TOO_DEEP,
  LAYER_ARP,
  LAYER_ETHERNET,
  LAYER_ICMP,
  LAYER_ICMPV6,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_LOOPBACK,
  LAYER_NONE,
  LAYER_SLL,
  LAYER_SLL2,
  LAYER_TCP,
  LAYER_UDP,
  LAYER_VLAN,
} from '../../lib/record.gen';
import type { DissectedRecord } from './harness';

type Row = Record<string, string>;
const num = (r: DissectedRecord, f: string) => r[f] as number;
const has = (r: DissectedRecord, layer: number) => (num(r, 'layers') & (1 << layer)) !== 0;
const first = (v: string | undefined) => (v ?? '').split(',')[0];
const all = (v: string | undefined) => (v ? v.split(',') : []);

/** One record field checked against one tshark field. */
interface FieldCheck {
  /** LAYER_x that the tshark field belongs to. */
  layer: number;
  tshark: string;
  ours: (r: DissectedRecord) => number | string;
  /** When the record should have this field; default: the layer was decoded. */
  present?: (r: DissectedRecord) => boolean;
  /** tshark may show the field where the record has none (it knows more message types). */
  optional?: boolean;
  /** Turns tshark's text into the record's value; default Number() (which reads 0x... too). */
  theirs?: (text: string) => number;
}

const isEcho4 = (r: DissectedRecord) => has(r, LAYER_ICMP) && (num(r, 'icmpType') === 0 || num(r, 'icmpType') === 8);
const isEcho6 = (r: DissectedRecord) =>
  has(r, LAYER_ICMPV6) && (num(r, 'icmpType') === 128 || num(r, 'icmpType') === 129);
const isFrag6 = (r: DissectedRecord) => has(r, LAYER_IPV6) && (num(r, 'flags') & FLAG_FRAGMENT) !== 0;

const CHECKS: FieldCheck[] = [
  { layer: LAYER_IPV4, tshark: 'ip.src', ours: (r) => r.src },
  { layer: LAYER_IPV4, tshark: 'ip.dst', ours: (r) => r.dst },
  { layer: LAYER_IPV4, tshark: 'ip.proto', ours: (r) => num(r, 'ipProto') },
  { layer: LAYER_IPV4, tshark: 'ip.ttl', ours: (r) => num(r, 'ipTtl') },
  { layer: LAYER_IPV4, tshark: 'ip.id', ours: (r) => num(r, 'ipId') },
  { layer: LAYER_IPV4, tshark: 'ip.hdr_len', ours: (r) => num(r, 'ipHdrLen') },
  { layer: LAYER_IPV4, tshark: 'ip.dsfield', ours: (r) => num(r, 'ipTos') },
  { layer: LAYER_IPV4, tshark: 'ip.flags', ours: (r) => num(r, 'ipFrag') >> 13 },
  { layer: LAYER_IPV4, tshark: 'ip.frag_offset', ours: (r) => num(r, 'ipFrag') & 0x1fff },
  { layer: LAYER_IPV4, tshark: 'ip.len', ours: (r) => num(r, 'ipTotalLen') || num(r, 'wireLen') - num(r, 'l3Off') },
  { layer: LAYER_IPV6, tshark: 'ipv6.src', ours: (r) => r.src },
  { layer: LAYER_IPV6, tshark: 'ipv6.dst', ours: (r) => r.dst },
  { layer: LAYER_IPV6, tshark: 'ipv6.plen', ours: (r) => num(r, 'ipTotalLen') - 40 },
  { layer: LAYER_IPV6, tshark: 'ipv6.hlim', ours: (r) => num(r, 'ipTtl') },
  { layer: LAYER_IPV6, tshark: 'ipv6.tclass', ours: (r) => num(r, 'ipTos') },
  { layer: LAYER_IPV6, tshark: 'ipv6.fraghdr.offset', ours: (r) => num(r, 'ipFrag') >> 3, present: isFrag6 },
  { layer: LAYER_IPV6, tshark: 'ipv6.fraghdr.more', ours: (r) => num(r, 'ipFrag') & 1, present: isFrag6 },
  // the record keeps the low 16 bits of the 32-bit identification
  {
    layer: LAYER_IPV6,
    tshark: 'ipv6.fraghdr.ident',
    ours: (r) => num(r, 'ipId'),
    present: isFrag6,
    theirs: (t) => Number(t) & 0xffff,
  },
  { layer: LAYER_TCP, tshark: 'tcp.srcport', ours: (r) => num(r, 'sport') },
  { layer: LAYER_TCP, tshark: 'tcp.dstport', ours: (r) => num(r, 'dport') },
  { layer: LAYER_TCP, tshark: 'tcp.seq_raw', ours: (r) => num(r, 'tcpSeq') },
  { layer: LAYER_TCP, tshark: 'tcp.ack_raw', ours: (r) => num(r, 'tcpAck') },
  { layer: LAYER_TCP, tshark: 'tcp.flags', ours: (r) => num(r, 'tcpFlags') },
  { layer: LAYER_TCP, tshark: 'tcp.window_size_value', ours: (r) => num(r, 'tcpWindow') },
  { layer: LAYER_TCP, tshark: 'tcp.hdr_len', ours: (r) => num(r, 'tcpHdrLen') },
  {
    layer: LAYER_TCP,
    tshark: 'tcp.len',
    ours: (r) => num(r, 'payloadLen'),
    present: (r) => has(r, LAYER_TCP) && num(r, 'stopLayer') === LAYER_NONE && !(num(r, 'flags') & FLAG_FRAGMENT),
    optional: true,
  },
  { layer: LAYER_UDP, tshark: 'udp.srcport', ours: (r) => num(r, 'sport') },
  { layer: LAYER_UDP, tshark: 'udp.dstport', ours: (r) => num(r, 'dport') },
  { layer: LAYER_UDP, tshark: 'udp.length', ours: (r) => num(r, 'udpLen') },
  { layer: LAYER_ICMP, tshark: 'icmp.type', ours: (r) => num(r, 'icmpType') },
  { layer: LAYER_ICMP, tshark: 'icmp.code', ours: (r) => num(r, 'icmpCode') },
  { layer: LAYER_ICMP, tshark: 'icmp.ident', ours: (r) => num(r, 'icmpId'), present: isEcho4, optional: true },
  { layer: LAYER_ICMP, tshark: 'icmp.seq', ours: (r) => num(r, 'icmpSeq'), present: isEcho4, optional: true },
  { layer: LAYER_ICMPV6, tshark: 'icmpv6.type', ours: (r) => num(r, 'icmpType') },
  { layer: LAYER_ICMPV6, tshark: 'icmpv6.code', ours: (r) => num(r, 'icmpCode') },
  { layer: LAYER_ICMPV6, tshark: 'icmpv6.echo.identifier', ours: (r) => num(r, 'icmpId'), present: isEcho6 },
  { layer: LAYER_ICMPV6, tshark: 'icmpv6.echo.sequence_number', ours: (r) => num(r, 'icmpSeq'), present: isEcho6 },
  { layer: LAYER_ARP, tshark: 'arp.opcode', ours: (r) => num(r, 'arpOp') },
  { layer: LAYER_ARP, tshark: 'arp.src.proto_ipv4', ours: (r) => r.src },
  { layer: LAYER_ARP, tshark: 'arp.dst.proto_ipv4', ours: (r) => r.dst },
  {
    layer: LAYER_SLL,
    tshark: 'sll.pkttype',
    ours: (r) => num(r, 'pktType'),
    present: (r) => has(r, LAYER_SLL) || has(r, LAYER_SLL2),
  },
];

/** Every tshark field the comparison reads; pass these to tsharkFields(). */
export const TSHARK_FIELDS = [
  'frame.len',
  'frame.cap_len',
  'eth.type',
  'eth.len',
  'sll.etype',
  'null.family',
  'vlan.id',
  'vlan.etype',
  'ieee8021ad.id',
  ...new Set(CHECKS.map((c) => c.tshark)),
];

/** tshark options for the comparison: no reassembly, so each frame stands alone as in the record. */
export const TSHARK_ARGS = [
  '-o',
  'ip.defragment:FALSE',
  '-o',
  'ipv6.defragment:FALSE',
  '-o',
  'tcp.desegment_tcp_streams:FALSE',
];

const L4 = new Set([LAYER_TCP, LAYER_UDP, LAYER_ICMP, LAYER_ICMPV6]);

function same(c: FieldCheck, ours: number | string, theirs: string): boolean {
  if (typeof ours === 'string') return ours === theirs;
  return (c.theirs ?? Number)(theirs) === ours;
}

/** Differences between a record and tshark's row for the same packet; empty when they agree. */
export function compareWithTshark(r: DissectedRecord, row: Row): string[] {
  const out: string[] = [];
  const flags = num(r, 'flags');
  const stopped = num(r, 'stopLayer') !== LAYER_NONE;
  const quote = (flags & FLAG_ICMP_QUOTE) !== 0;
  const bad = (what: string, ours: unknown, theirs: unknown) =>
    out.push(`${what}: record ${String(ours)}, tshark ${String(theirs)}`);

  if (num(r, 'wireLen') !== Number(row['frame.len'])) bad('frame.len', r.wireLen, row['frame.len']);
  if (num(r, 'capLen') !== Number(row['frame.cap_len'])) bad('frame.cap_len', r.capLen, row['frame.cap_len']);

  for (const c of CHECKS) {
    const theirs = first(row[c.tshark]);
    const present = c.present ? c.present(r) : has(r, c.layer);
    if (present) {
      if (theirs === '') {
        // tshark gives up on a header we flagged and still read the fixed part of
        if (num(r, 'stopLayer') !== c.layer) bad(c.tshark, c.ours(r), '(absent)');
      } else if (!same(c, c.ours(r), theirs)) {
        bad(c.tshark, c.ours(r), theirs);
      }
    } else if (theirs !== '' && !stopped && !(quote && L4.has(c.layer)) && !c.optional) {
      bad(c.tshark, '(absent)', theirs);
    }
  }

  // VLAN tags: 802.1ad tags come out of tshark's ieee8021ad dissector, and in
  // the captures compared here they are the outer ones.
  const tags = [...all(row['ieee8021ad.id']), ...all(row['vlan.id'])].map(Number);
  if (flags & FLAG_TOO_DEEP && num(r, 'stopLayer') === LAYER_VLAN) {
    if (tags.length <= num(r, 'vlanCount')) bad('VLAN tags beyond the limit', r.vlanCount, tags.length);
  } else if (tags.length !== num(r, 'vlanCount')) {
    bad('VLAN tag count', r.vlanCount, tags.length);
  }
  if (tags.length > 0 && (num(r, 'vlanTci0') & 0xfff) !== tags[0])
    bad('outer VLAN id', num(r, 'vlanTci0') & 0xfff, tags[0]);
  if (tags.length > 1 && (num(r, 'vlanTci1') & 0xfff) !== tags[1])
    bad('inner VLAN id', num(r, 'vlanTci1') & 0xfff, tags[1]);

  // The final EtherType: after the last tag, else the link header's.
  // (tshark has no field for what follows an 802.1ad tag; in the captures
  // compared here an 802.1Q tag always does.)
  const types = all(row['vlan.etype']);
  const family = Number(first(row['null.family']));
  const linkType =
    types.length > 0
      ? types[types.length - 1]
      : first(row['eth.type']) || first(row['sll.etype']) || first(row['eth.len']);
  let expected: number | undefined = linkType ? Number(linkType) : undefined;
  if (row['null.family']) expected = family === 2 ? 0x0800 : [10, 24, 28, 30].includes(family) ? 0x86dd : 0;
  // a link header cut short is not decoded at all, while tshark reads what is there
  const linkCut = [LAYER_ETHERNET, LAYER_SLL, LAYER_SLL2, LAYER_LOOPBACK].includes(num(r, 'stopLayer'));
  if (expected !== undefined && !(flags & FLAG_TOO_DEEP) && !linkCut && num(r, 'etherType') !== expected) {
    bad('EtherType', num(r, 'etherType'), expected);
  }
  return out;
}
