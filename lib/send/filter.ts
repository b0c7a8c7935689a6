/**
 * The BPF filter an sr call captures with: only what could answer the packets
 * sent (replies from their destinations, ICMP errors from anywhere on the
 * path, ARP), so a busy link does not flood the matcher.
 */
import type { PreparedPacket } from './prepare';

const MAX_HOSTS = 32;

function isBroadcastOrMulticast4(a: string): boolean {
  const first = Number(a.split('.')[0]);
  return (first >= 224 && first <= 239) || a === '255.255.255.255' || a.endsWith('.255');
}

/**
 * A tcpdump-syntax filter for the answers to `packets`, or undefined when
 * anything may answer (frames without IP or ARP, too many destinations).
 */
export function answerFilter(packets: readonly PreparedPacket[]): string | undefined {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  let anyV4 = false;
  let anyV6 = false;
  let arp = false;
  for (const p of packets) {
    const head = p.kind === 'l2' ? p.parsed.payload : p.parsed;
    const name = head?.layerName;
    if (name === 'ARP') arp = true;
    else if (name === 'IP' && p.dst) {
      if (isBroadcastOrMulticast4(p.dst)) anyV4 = true;
      else v4.add(p.dst);
    } else if (name === 'IPv6' && p.dst) {
      if (p.dst.toLowerCase().startsWith('ff')) anyV6 = true;
      else v6.add(p.dst);
    } else return undefined;
  }
  if (v4.size + v6.size > MAX_HOSTS) {
    anyV4 ||= v4.size > 0;
    anyV6 ||= v6.size > 0;
  }
  const parts: string[] = [];
  if (anyV4) parts.push('ip');
  else if (v4.size > 0) parts.push(`(ip and (${[...v4].map((h) => `src host ${h}`).join(' or ')}))`, 'icmp');
  if (anyV6) parts.push('ip6');
  else if (v6.size > 0) parts.push(`(ip6 and (${[...v6].map((h) => `src host ${h}`).join(' or ')}))`, 'icmp6');
  if (arp) parts.push('arp');
  return parts.join(' or ');
}
