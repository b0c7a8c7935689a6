/**
 * Turns what the user hands to send/sendp/sr into bytes: copies each packet,
 * fills the fields Scapy fills from the system (IP/IPv6 source from the route,
 * Ether and ARP hardware source from the interface, ARP protocol source from
 * the route) and builds it. The user's packet objects are never modified.
 */
import { argError, ruleError } from '../args';
import { ARPLayer } from '../layers/arp';
import { EtherLayer } from '../layers/ether';
import { IPerrorLayer, IPLayer } from '../layers/ip';
import { IPerror6Layer, IPv6Layer } from '../layers/ipv6';
import { Layer, MAX_SET_PACKETS, type LayerKind } from '../layers/layer';
import { parse } from '../layers/parse';
import type { SocketKind } from '../binding';
import type { RouteCache } from './route';

/** A packet as send functions accept it: layers, or bytes already built. */
export type PacketLike = Layer | Uint8Array;

/** One or several packets. */
export type PacketInput = PacketLike | readonly PacketLike[];

/** A packet ready to leave: the filled copy, its bytes, and the same bytes parsed back (every field concrete). */
export interface PreparedPacket {
  /** The packet as sent: the user's layers with the filled fields (or the bytes parsed, when bytes were given). */
  readonly sent: Layer;
  readonly bytes: Uint8Array;
  /** `bytes` dissected again, for matching answers (no automatic fields left). */
  readonly parsed: Layer;
  readonly kind: SocketKind;
  /** IP destination, when the packet has one at its network layer. */
  readonly dst?: string;
}

/**
 * Parses lazily: sendpfast of many frames given as bytes never pays for a
 * dissection it does not use; sr() asks for `parsed` once per packet.
 */
function prepared(bytes: Uint8Array, kind: SocketKind, first: LayerKind, sent?: Layer): PreparedPacket {
  let parsedCache: Layer | undefined;
  let sentCache = sent;
  const parsed = (): Layer => (parsedCache ??= parse(bytes, { first }));
  return {
    bytes,
    kind,
    get parsed() {
      return parsed();
    },
    get sent() {
      return (sentCache ??= parse(bytes, { first }));
    },
    get dst() {
      return networkDst(sentCache ?? parsed());
    },
  };
}

/** The packets of `input` as an array, each checked to be a Layer or bytes. */
export function packetList(input: PacketInput, fn: string): PacketLike[] {
  const list = Array.isArray(input) ? (input as readonly PacketLike[]) : [input as PacketLike];
  if (list.length === 0) throw ruleError(fn, 'expected at least one packet but received an empty array');
  let total = 0;
  list.forEach((p, i) => {
    if (!(p instanceof Layer) && !(p instanceof Uint8Array)) {
      throw argError('a packet (layers such as IP(...).div(TCP(...)), or a Uint8Array)', `${fn} packet ${i}`, p);
    }
    total += p instanceof Layer ? p.countPackets() : 1;
  });
  if (total > MAX_SET_PACKETS)
    throw ruleError(fn, `the packets stand for ${total} packets, more than ${MAX_SET_PACKETS}`);
  // Packet sets (fields given as lists, ranges, networks) are sent as each of their packets, as Scapy does.
  return list.flatMap((p) => (p instanceof Layer && p.isPacketSet() ? [...p.packets()] : [p]));
}

/** True for the network layers the user builds (not the copies quoted inside ICMP errors). */
function isIPv4(l: Layer): l is IPLayer {
  return l instanceof IPLayer && !(l instanceof IPerrorLayer);
}
function isIPv6(l: Layer): l is IPv6Layer {
  return l instanceof IPv6Layer && !(l instanceof IPerror6Layer);
}

/** Fills the unset sources of every layer above the link (stopping at ICMP error quotes). */
function fillNetwork(top: Layer, routes: RouteCache): void {
  for (let l: Layer | undefined = top; l; l = l.payload) {
    if (l instanceof IPerrorLayer || l instanceof IPerror6Layer) return;
    if ((isIPv4(l) || isIPv6(l)) && !l.isSet('src')) {
      const src = routes.sourceFor(l.dst);
      if (src) l.setFields({ src });
    }
    if (l instanceof ARPLayer && !l.isSet('psrc')) {
      const src = routes.sourceFor(l.pdst);
      if (src) l.setFields({ psrc: src });
    }
  }
}

/** The packet's first IP destination (for routes and filters). */
function networkDst(top: Layer): string | undefined {
  for (let l: Layer | undefined = top; l; l = l.payload) {
    if (isIPv4(l) || isIPv6(l)) return l.dst;
    if (l instanceof ARPLayer) return l.pdst;
  }
  return undefined;
}

/**
 * Prepares packets for an L3 socket (send, sr): each must start with IP or
 * IPv6. Unset sources come from the kernel's route to the destination.
 */
export function prepareL3(input: PacketInput, routes: RouteCache, fn: string): PreparedPacket[] {
  return packetList(input, fn).map((p, i) => {
    if (p instanceof Uint8Array) {
      const v = p.length > 0 ? p[0] >> 4 : 0;
      // The native sender takes the destination from the header: it must be all there.
      if ((v !== 4 || p.length < 20) && (v !== 6 || p.length < 40)) {
        throw ruleError(fn, `packet ${i} is ${p.length} bytes that do not start with an IPv4 or IPv6 header`);
      }
      return prepared(p, v === 4 ? 'ip4' : 'ip6', v === 4 ? IPLayer : IPv6Layer);
    }
    if (!isIPv4(p) && !isIPv6(p)) {
      throw ruleError(
        fn,
        `packet ${i} starts with ${p.layerName}; send() and sr() take IP or IPv6 packets (use sendp()/srp() for ${p.layerName})`,
      );
    }
    const sent = p.copy();
    fillNetwork(sent, routes);
    return prepared(sent.toBytes(), isIPv4(p) ? 'ip4' : 'ip6', isIPv4(p) ? IPLayer : IPv6Layer, sent);
  });
}

/** The interface an L2 call uses: the given one, else the route of the first packet's IP/ARP destination. */
export function l2Interface(list: PacketLike[], iface: string | undefined, routes: RouteCache, fn: string): string {
  if (iface !== undefined) return iface;
  for (const p of list) {
    const dst = p instanceof Layer ? networkDst(p) : undefined;
    const via = dst ? routes.ifaceFor(dst) : undefined;
    if (via) return via;
  }
  throw ruleError(fn, "give the interface ({ iface: 'eth0' }): no packet has an IP or ARP destination to route by");
}

/**
 * Prepares frames for an AF_PACKET socket on `iface` (sendp, srp): Ether and
 * ARP hardware sources from the interface's MAC, IP sources from the routes.
 * Bytes are sent as given.
 */
export function prepareL2(list: PacketLike[], iface: string, routes: RouteCache): PreparedPacket[] {
  const mac = routes.iface(iface).mac;
  return list.map((p) => {
    if (p instanceof Uint8Array) return prepared(p, 'l2', EtherLayer);
    const sent = p.copy();
    for (let l: Layer | undefined = sent; l; l = l.payload) {
      if (l instanceof EtherLayer && !l.isSet('src') && mac) l.setFields({ src: mac });
      if (l instanceof ARPLayer && !l.isSet('hwsrc') && mac) l.setFields({ hwsrc: mac });
    }
    fillNetwork(sent, routes);
    // Frames that do not start with Ethernet are parsed from their own first layer.
    return prepared(sent.toBytes(), 'l2', sent.cls, sent);
  });
}
