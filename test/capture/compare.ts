/**
 * Puts pktkit's packets and tshark's reading of the same traffic into one
 * canonical form, so capture tests can compare them key by key.
 */
import { tsharkFields } from '../helpers/tshark';

/** tshark fields that {@link tsharkKey} reads. */
export const TSHARK_FIELDS = [
  'frame.len',
  'frame.cap_len',
  'ip.src',
  'ip.dst',
  'ip.ttl',
  'ipv6.src',
  'ipv6.dst',
  'ipv6.hlim',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.flags',
  'tcp.window_size_value',
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
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
  'vlan.id',
] as const;

type Json = Record<string, string | number | boolean | undefined>;

const first = (v: string): string => v.split(',')[0];
const num = (v: string): string => (v === '' ? '' : String(Number(first(v))));

/** Canonical key of one tshark row: the outermost headers only (ICMP errors quote more). */
export function tsharkKey(r: Record<string, string>): string {
  // tshark also reports the transport fields of the packet an ICMP error
  // quotes; the record describes the outer packet only.
  const icmpError =
    ['3', '4', '5', '11', '12'].includes(first(r['icmp.type'])) ||
    ['1', '2', '3', '4'].includes(first(r['icmpv6.type']));
  const parts = [`len=${r['frame.len']}`, `cap=${r['frame.cap_len']}`];
  if (r['arp.opcode']) parts.push(`arp ${num(r['arp.opcode'])} ${r['arp.src.proto_ipv4']}>${r['arp.dst.proto_ipv4']}`);
  if (r['ip.src']) parts.push(`ip ${first(r['ip.src'])}>${first(r['ip.dst'])} ttl=${num(r['ip.ttl'])}`);
  if (r['ipv6.src']) parts.push(`ip6 ${first(r['ipv6.src'])}>${first(r['ipv6.dst'])} hlim=${num(r['ipv6.hlim'])}`);
  if (r['tcp.srcport'] && !icmpError) {
    parts.push(
      `tcp ${num(r['tcp.srcport'])}>${num(r['tcp.dstport'])} seq=${num(r['tcp.seq_raw'])} ack=${num(r['tcp.ack_raw'])} ` +
        `flags=${num(r['tcp.flags'])} win=${num(r['tcp.window_size_value'])}`,
    );
  }
  if (r['udp.srcport'] && !icmpError)
    parts.push(`udp ${num(r['udp.srcport'])}>${num(r['udp.dstport'])} len=${num(r['udp.length'])}`);
  if (r['icmp.type']) {
    const echo = ['0', '8'].includes(first(r['icmp.type']));
    parts.push(
      `icmp ${num(r['icmp.type'])}/${num(r['icmp.code'])}${echo ? ` id=${num(r['icmp.ident'])} seq=${num(r['icmp.seq'])}` : ''}`,
    );
  }
  if (r['icmpv6.type']) {
    const echo = ['128', '129'].includes(first(r['icmpv6.type']));
    parts.push(
      `icmp ${num(r['icmpv6.type'])}/${num(r['icmpv6.code'])}` +
        (echo ? ` id=${num(r['icmpv6.echo.identifier'])} seq=${num(r['icmpv6.echo.sequence_number'])}` : ''),
    );
  }
  return parts.join(' ');
}

/** Canonical key of one packet reported by `packetJson()`. */
export function pktkitKey(p: Json): string {
  const parts = [`len=${p.len}`, `cap=${p.caplen}`];
  if (p.arpOp !== undefined) parts.push(`arp ${p.arpOp} ${p.arpSrc}>${p.arpDst}`);
  if (p.ipSrc !== undefined) parts.push(`ip ${p.ipSrc}>${p.ipDst} ttl=${p.ipTtl}`);
  if (p.ip6Src !== undefined) parts.push(`ip6 ${p.ip6Src}>${p.ip6Dst} hlim=${p.ip6Hlim}`);
  if (p.tcpSport !== undefined) {
    parts.push(`tcp ${p.tcpSport}>${p.tcpDport} seq=${p.tcpSeq} ack=${p.tcpAck} flags=${p.tcpFlags} win=${p.tcpWin}`);
  }
  if (p.udpSport !== undefined) parts.push(`udp ${p.udpSport}>${p.udpDport} len=${p.udpLen}`);
  if (p.icmpType !== undefined) {
    const echo =
      p.ipSrc !== undefined ? [0, 8].includes(p.icmpType as number) : [128, 129].includes(p.icmpType as number);
    parts.push(`icmp ${p.icmpType}/${p.icmpCode}${echo ? ` id=${p.icmpId} seq=${p.icmpSeq}` : ''}`);
  }
  return parts.join(' ');
}

/** tshark's canonical keys for every packet of `file` that `displayFilter` keeps. */
export async function tsharkKeys(file: string, displayFilter?: string): Promise<string[]> {
  const rows = await tsharkFields(file, TSHARK_FIELDS, { filter: displayFilter });
  return rows.map(tsharkKey);
}

/** Sorted copy, for comparing two captures as multisets. */
export function sorted(keys: readonly string[]): string[] {
  return [...keys].sort();
}
