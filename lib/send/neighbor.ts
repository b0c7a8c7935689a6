/**
 * The Ethernet destination of an IP frame whose `dst` was left unset, found
 * as Scapy finds it (getmacbyip / neighsol): multicast and broadcast addresses
 * map to their group MAC; a unicast next hop (the route's gateway, else the
 * destination) is asked with an ARP who-has or an ICMPv6 neighbor
 * solicitation, and the answer is kept for two minutes. When nobody answers,
 * the frame goes to the broadcast MAC, with a warning, as in Scapy.
 */
import { ARP, ARPLayer } from '../layers/arp';
import { Ether, EtherLayer } from '../layers/ether';
import { ICMPv6ND_NALayer, ICMPv6ND_NS, ICMPv6NDOptDstLLAddrLayer, ICMPv6NDOptSrcLLAddr } from '../layers/icmpv6';
import { IPerrorLayer, IPLayer } from '../layers/ip';
import { IPerror6Layer, IPv6, IPv6Layer } from '../layers/ipv6';
import { parseIPv6 } from '../layers/addr';
import type { Layer } from '../layers/layer';
import type { PacketLike } from './prepare';
import type { RouteCache } from './route';

/** Sends one frame on `iface` and resolves with its first answer (srp1). */
export type AskFn = (frame: Layer, iface: string) => Promise<Layer | undefined>;

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const CACHE_MS = 120_000;
const cache = new Map<string, { mac: string; expires: number }>();

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** The group MAC of a multicast or broadcast destination, or undefined for unicast. */
function groupMac(dst: string, v6: boolean, routes: RouteCache): string | undefined {
  if (v6) {
    const b = parseIPv6(dst);
    return b && b[0] === 0xff ? `33:33:${[...b.subarray(12)].map(hex).join(':')}` : undefined;
  }
  const [a, b, c, d] = dst.split('.').map(Number);
  if (a >= 224 && a <= 239) return `01:00:5e:${hex(b & 0x7f)}:${hex(c)}:${hex(d)}`;
  if (dst === '255.255.255.255' || routes.route(dst).type === 'broadcast') return BROADCAST;
  return undefined;
}

/** Asks the link who has `hop` (ARP for IPv4, neighbor solicitation for IPv6). */
async function ask(
  hop: string,
  v6: boolean,
  iface: string,
  routes: RouteCache,
  askFn: AskFn,
): Promise<string | undefined> {
  if (!v6) {
    const reply = await askFn(Ether({ dst: BROADCAST }).div(ARP({ pdst: hop })), iface);
    return reply?.get(ARPLayer)?.hwsrc ?? undefined;
  }
  const b = parseIPv6(hop)!;
  const group = `ff02::1:ff${hex(b[13])}:${hex(b[14])}${hex(b[15])}`;
  const mine = routes.iface(iface).mac;
  const ns = Ether({ dst: `33:33:ff:${hex(b[13])}:${hex(b[14])}:${hex(b[15])}` })
    .div(IPv6({ src: routes.sourceFor(hop), dst: group, hlim: 255 }))
    .div(ICMPv6ND_NS({ tgt: hop }))
    .div(ICMPv6NDOptSrcLLAddr({ lladdr: mine }));
  const reply = await askFn(ns, iface);
  if (!reply?.get(ICMPv6ND_NALayer)) return undefined;
  return reply.get(ICMPv6NDOptDstLLAddrLayer)?.lladdr ?? reply.get(EtherLayer)?.src ?? undefined;
}

/** The MAC to send `dst` to on `iface`, asking the link when it is not cached. */
async function macFor(dst: string, v6: boolean, iface: string, routes: RouteCache, askFn: AskFn): Promise<string> {
  const group = groupMac(dst, v6, routes);
  if (group) return group;
  const hop = routes.route(dst).gateway ?? dst;
  const key = `${iface} ${hop}`;
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return hit.mac;
  const mac = await ask(hop, v6, iface, routes, askFn);
  if (!mac) {
    process.emitWarning(`no answer from ${hop} on ${iface}: sending to the broadcast MAC`, {
      code: 'PKTKIT_NO_NEIGHBOR',
    });
    return BROADCAST;
  }
  cache.set(key, { mac, expires: Date.now() + CACHE_MS });
  return mac;
}

/**
 * Copies of the frames whose Ether `dst` is unset and whose payload is IP or
 * IPv6, with the destination MAC filled; other frames are returned as they are.
 */
export async function fillEtherDestinations(
  list: PacketLike[],
  iface: string,
  routes: RouteCache,
  askFn: AskFn,
): Promise<PacketLike[]> {
  if (!routes.iface(iface).mac) return list; // not an Ethernet-like link
  const out: PacketLike[] = [];
  for (const p of list) {
    const ip = p instanceof EtherLayer && !p.isSet('dst') ? p.payload : undefined;
    const v4 = ip instanceof IPLayer && !(ip instanceof IPerrorLayer);
    const v6 = ip instanceof IPv6Layer && !(ip instanceof IPerror6Layer);
    if (!(v4 || v6)) {
      out.push(p);
      continue;
    }
    const mac = await macFor((ip as IPLayer | IPv6Layer).dst, v6, iface, routes, askFn);
    out.push((p as EtherLayer).copy({ dst: mac }));
  }
  return out;
}
