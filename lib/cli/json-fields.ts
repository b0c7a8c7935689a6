/**
 * `--json`: one object per packet whose keys are Wireshark display-filter
 * field names and whose values are written as `tshark -T fields` writes them
 * (hex fields as `0x` strings of tshark's width, decimal fields as numbers,
 * epoch time with nanoseconds). A field that occurs more than once in the
 * packet (the outer and the quoted header of an ICMP error, several DNS
 * answers) is an array, in tshark's order: `tshark -E occurrence=a` joins the
 * same values with commas.
 */
import { dissect } from '../dissect';
import type { Packet } from '../packet';
import { TCP_FLAG_LETTERS } from '../constants';
import { ETYPE_QINQ, LINK_RAW_FILE } from '../record.gen';
import { ipv6Header, outerEtherType } from './record-layers';
import type { SegmentAnalysis } from '../tcp/conversations';
import type { TCPOption } from '../layers/tcp';

/** The JSON value of one field. */
export type FieldValue = string | number | Array<string | number>;

/** Field name → value, in insertion order. */
export type PacketFields = Record<string, FieldValue>;

/** Collects fields; a repeated name turns into an array. */
class Fields {
  readonly out: PacketFields = {};
  add(name: string, value: string | number | undefined): void {
    if (value === undefined) return;
    const had = this.out[name];
    if (had === undefined) this.out[name] = value;
    else if (Array.isArray(had)) had.push(value);
    else this.out[name] = [had, value];
  }
}

const bytesHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;

/** tshark's `tcp.flags.str` letters, high bit first: three reserved bits, then Scapy's letters reversed (NCEUAPRSF). */
const TSHARK_FLAG_LETTERS = '···' + [...TCP_FLAG_LETTERS].reverse().join('');

/** tshark's `tcp.flags.str`: 12 positions, reserved bits first, `·` when clear. */
export function tcpFlagsString(flags: number): string {
  const letters = TSHARK_FLAG_LETTERS;
  let s = '';
  for (let i = 0; i < 12; i++) {
    const bit = 11 - i;
    s += flags & (1 << bit) ? (i < 3 ? 'R' : letters[i]!) : '·';
  }
  return s;
}

/** Context the fields need beyond the packet itself. */
export interface JsonContext {
  /** 1-based frame number. */
  number: number;
  /** The conversation tracker's analysis, for TCP. */
  tcp?: SegmentAnalysis;
  /** Decoded TCP options, for TCP. */
  tcpOptions?: readonly TCPOption[];
  /** Fields from application-layer decoders (DNS), added after the transport. */
  extra?: (p: Packet, add: (name: string, value: string | number | undefined) => void) => void;
}

/** The fields of one packet. */
export function packetFields(p: Packet, ctx: JsonContext): PacketFields {
  const f = new Fields();
  const add = f.add.bind(f);
  add('frame.number', ctx.number);
  add('frame.time_epoch', `${p.tsSec}.${String(p.tsNsec).padStart(9, '0')}`);
  add('frame.len', p.length);
  add('frame.cap_len', p.caplen);
  const eth = p.eth;
  if (eth !== undefined) {
    add('eth.dst', eth.dst);
    add('eth.src', eth.src);
    // tshark's eth.type is the type field of the Ethernet header itself (0x8100 before a VLAN tag).
    const type = outerEtherType(p);
    if (type !== undefined) add('eth.type', hex(type, 4));
  }
  const vlan = p.vlan;
  if (vlan !== undefined) {
    // An 802.1ad (0x88a8) outer tag is Wireshark's ieee8021ad protocol; 802.1Q tags are vlan.
    const outerIsAd = outerEtherType(p) === ETYPE_QINQ;
    add(outerIsAd ? 'ieee8021ad.id' : 'vlan.id', vlan.id);
    if (!outerIsAd) add('vlan.priority', vlan.prio);
    if (vlan.innerId !== undefined) add('vlan.id', vlan.innerId);
  }
  const arp = p.arp;
  if (arp !== undefined) {
    add('arp.opcode', arp.op);
    add('arp.src.hw_mac', arp.hwsrc);
    add('arp.src.proto_ipv4', arp.psrc);
    add('arp.dst.hw_mac', arp.hwdst);
    add('arp.dst.proto_ipv4', arp.pdst);
  }
  networkAndTransport(p, f, ctx);
  const icmp = p.icmp;
  const icmp6 = p.icmpv6;
  const quoteOff = icmp?.quoteOff ?? icmp6?.quoteOff;
  if (quoteOff !== undefined && quoteOff < p.caplen) {
    // The quoted header is decoded by the same native dissector, as a raw IP packet.
    const quoted = p.data.subarray(quoteOff);
    networkAndTransport(dissect(quoted, LINK_RAW_FILE), f, { number: ctx.number });
  }
  ctx.extra?.(p, add);
  return f.out;
}

function networkAndTransport(p: Packet, f: Fields, ctx: JsonContext): void {
  const add = f.add.bind(f);
  const ip = p.ip;
  if (ip !== undefined) {
    add('ip.version', 4);
    add('ip.hdr_len', ip.ihl * 4);
    add('ip.dsfield', hex(ip.tos, 2));
    add('ip.len', ip.len);
    add('ip.id', hex(ip.id, 4));
    add('ip.flags', hex(ip.flags, 2));
    // tshark 4.0 prints the offset field itself, in 8-byte units.
    add('ip.frag_offset', ip.frag);
    add('ip.ttl', ip.ttl);
    add('ip.proto', ip.proto);
    add('ip.src', ip.src);
    add('ip.dst', ip.dst);
    // Wireshark's either-direction fields: `ip.addr == X` matches both ways.
    add('ip.addr', ip.src);
    add('ip.addr', ip.dst);
  }
  const ip6 = p.ipv6;
  if (ip6 !== undefined) {
    // The record's IPv6 fields answer unless there are extension headers (its next header is then the
    // transport's, tshark's ipv6.nxt the fixed header's) or the payload length saturated its u16.
    const fixed = ip6.extLen > 0 || ip6.plen >= 0xffff - 40 ? ipv6Header(p) : undefined;
    add('ip.version', 6);
    add('ipv6.version', 6);
    add('ipv6.plen', fixed?.plen ?? ip6.plen);
    add('ipv6.nxt', fixed?.nh ?? ip6.nh);
    add('ipv6.hlim', ip6.hlim);
    add('ipv6.src', ip6.src);
    add('ipv6.dst', ip6.dst);
    add('ipv6.addr', ip6.src);
    add('ipv6.addr', ip6.dst);
  }
  const tcp = p.tcp;
  if (tcp !== undefined) {
    const a = ctx.tcp;
    add('tcp.srcport', tcp.sport);
    add('tcp.dstport', tcp.dport);
    add('tcp.port', tcp.sport);
    add('tcp.port', tcp.dport);
    if (a !== undefined) add('tcp.stream', a.stream);
    add('tcp.len', p.payloadLength);
    if (a !== undefined) add('tcp.seq', a.relSeq);
    add('tcp.seq_raw', tcp.seq);
    if (a !== undefined) add('tcp.nxtseq', a.nextRelSeq);
    if (a !== undefined) add('tcp.ack', a.relAck);
    add('tcp.ack_raw', tcp.ack);
    add('tcp.hdr_len', tcp.dataofs * 4);
    add('tcp.flags', hex(tcp.flags, 4));
    add('tcp.flags.str', tcpFlagsString(tcp.flags));
    add('tcp.window_size_value', tcp.window);
    if (a !== undefined) add('tcp.window_size', a.windowScaled);
    for (const o of ctx.tcpOptions ?? []) {
      if (o[0] === 'MSS') add('tcp.options.mss_val', o[1]);
      else if (o[0] === 'WScale') add('tcp.options.wscale.shift', o[1]);
      else if (o[0] === 'Timestamp') {
        add('tcp.options.timestamp.tsval', o[1][0]);
        add('tcp.options.timestamp.tsecr', o[1][1]);
      }
    }
    // The segment's data as captured, as tshark's tcp.payload (hex, no separators).
    const payload = p.payload;
    if (payload.length > 0) add('tcp.payload', bytesHex(payload));
  }
  const udp = p.udp;
  if (udp !== undefined) {
    add('udp.srcport', udp.sport);
    add('udp.dstport', udp.dport);
    add('udp.port', udp.sport);
    add('udp.port', udp.dport);
    add('udp.length', udp.len);
    const payload = p.payload;
    if (payload.length > 0) add('udp.payload', bytesHex(payload));
  }
  const icmp = p.icmp;
  if (icmp !== undefined) {
    add('icmp.type', icmp.type);
    add('icmp.code', icmp.code);
    if (icmp.type === 0 || icmp.type === 8) {
      add('icmp.ident', icmp.id);
      add('icmp.seq', icmp.seq);
    }
  }
  const icmp6 = p.icmpv6;
  if (icmp6 !== undefined) {
    add('icmpv6.type', icmp6.type);
    add('icmpv6.code', icmp6.code);
    if (icmp6.type === 128 || icmp6.type === 129) {
      add('icmpv6.echo.identifier', hex(icmp6.id, 4));
      add('icmpv6.echo.sequence_number', icmp6.seq);
    }
  }
}
