/**
 * DNS fields for `--json` (Wireshark's `dns.*` names and tshark's way of
 * printing them), for DNS over UDP port 53 / 5353 and over TCP port 53 when a
 * segment holds the whole length-prefixed message. The message is parsed by
 * lib/layers' DNS layer; a message that does not parse adds no fields.
 */
import { DNSLayer, DNSRRLayer } from '../layers/dns';
import type { Packet } from '../packet';

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
/** tshark prints names without the final dot, and the root as `<Root>`. */
const shownName = (name: string): string => (name === '.' || name === '' ? '<Root>' : name.replace(/\.$/, ''));

/** Adds the DNS fields of `p`, if it carries a DNS message. */
export function dnsFields(p: Packet, add: (name: string, value: string | number | undefined) => void): void {
  const message = dnsMessage(p);
  if (message === undefined) return;
  let dns: DNSLayer;
  try {
    dns = DNSLayer.dissect(message, 0, message.length).layer as DNSLayer;
  } catch {
    return;
  }
  const flags = (message[2]! << 8) | message[3]!;
  add('dns.id', hex4(dns.id));
  add('dns.flags', hex4(flags));
  add('dns.flags.response', dns.qr);
  // Wireshark shows the reply code only in responses.
  if (dns.qr) add('dns.flags.rcode', dns.rcode);
  add('dns.count.queries', dns.qd.length);
  add('dns.count.answers', dns.an.length);
  add('dns.count.auth_rr', dns.ns.length);
  add('dns.count.add_rr', dns.ar.length);
  for (const q of dns.qd) {
    add('dns.qry.name', shownName(q.qname));
    add('dns.qry.type', q.qtype);
    add('dns.qry.class', hex4(q.qclass));
  }
  for (const rr of [...dns.an, ...dns.ns, ...dns.ar]) {
    if (!(rr instanceof DNSRRLayer)) continue;
    add('dns.resp.name', shownName(rr.rrname));
    add('dns.resp.type', rr.type);
    add('dns.resp.ttl', rr.ttl);
    if (rr.type === 1) add('dns.a', String(rr.rdata));
    else if (rr.type === 28) add('dns.aaaa', String(rr.rdata));
    else if (rr.type === 5) add('dns.cname', shownName(String(rr.rdata)));
  }
}

/** The DNS message bytes of a packet, or undefined. */
function dnsMessage(p: Packet): Uint8Array | undefined {
  const udp = p.udp;
  if (udp !== undefined) {
    const ports = [udp.sport, udp.dport];
    if (!ports.includes(53) && !ports.includes(5353)) return undefined;
    const payload = p.payload;
    return payload.length >= 12 ? payload : undefined;
  }
  const tcp = p.tcp;
  if (tcp !== undefined && (tcp.sport === 53 || tcp.dport === 53)) {
    const payload = p.payload;
    if (payload.length < 14) return undefined;
    const len = (payload[0]! << 8) | payload[1]!;
    return payload.length >= 2 + len ? payload.subarray(2, 2 + len) : undefined;
  }
  return undefined;
}
