/**
 * Sending packets, Scapy's way: `send` at layer 3 (the kernel routes and picks
 * the link), `sendp` at layer 2 on one interface, `sendpfast` for many frames
 * fast (sendmmsg batches, optional pps/Mbps pacing). The syscalls run on a
 * worker thread: the returned promises never block the JS thread.
 */
import { checkKeys, exclusive, ifaceOption, numberOption, signalOption } from '../args';
import { l2Interface, packetList, prepareL2, prepareL3, type PacketInput } from './prepare';
import { fillEtherDestinations } from './neighbor';
import { RouteCache } from './route';
import { askLink } from './sr';
import { transmit } from './transmit';

export type { PacketInput, PacketLike } from './prepare';

/** Options of {@link send}. */
export interface SendOptions {
  /** Send through this interface only (SO_BINDTODEVICE); default: where the kernel routes each packet. */
  iface?: string;
  /** Times to send the whole list. Default 1. */
  count?: number;
  /** Milliseconds between two packets (Scapy's `inter`, which is in seconds). Default 0. */
  inter?: number;
  /** Aborting stops the sending (between two packets, or two batches): the result counts what went out. */
  signal?: AbortSignal;
}

/** Options of {@link sendp}. */
export interface SendpOptions {
  /** Interface to send on. Default: the interface of the route to the first packet's IP or ARP destination. */
  iface?: string;
  /** Times to send the whole list. Default 1. */
  count?: number;
  /** Milliseconds between two frames. Default 0. */
  inter?: number;
  /** Aborting stops the sending: the result counts what went out. */
  signal?: AbortSignal;
}

/** Options of {@link sendpfast}. */
export interface SendpfastOptions {
  /** Interface to send on (as {@link SendpOptions.iface}). */
  iface?: string;
  /** Frames to send in all, cycling through the list. Exclusive with `loop`. */
  count?: number;
  /** Times to send the whole list (Scapy's `loop`). Default 1. */
  loop?: number;
  /** Rate limit in packets per second. Exclusive with `mbps`. Default: as fast as the kernel takes them. */
  pps?: number;
  /** Rate limit in megabits per second (frame bytes). */
  mbps?: number;
  /** Aborting stops the sending (between two batches of at most 4096 frames or a tenth of a second of the rate). */
  signal?: AbortSignal;
}

/** What a send call did. */
export interface SendResult {
  /** Packets the kernel accepted. */
  sent: number;
  /** Bytes of those packets (frames for sendp, IP packets for send). */
  bytes: number;
  /** Seconds from the first to the last syscall. */
  seconds: number;
  /** True when the signal stopped the sending before every packet went out. */
  aborted?: boolean;
}

/** What {@link sendpfast} did, with its rates. */
export interface SendpfastResult extends SendResult {
  /** Packets per second achieved. */
  pps: number;
  /** Megabits per second achieved. */
  mbps: number;
}

const MAX_TOTAL = 2 ** 32;

/**
 * Sends IP / IPv6 packets through raw sockets (the header is ours, the kernel
 * routes and resolves the link). Unset IP sources are filled from the route.
 * The IPv4 header checksum and total length are always recomputed by Linux.
 * @returns what was sent. Rejects with PermissionError without CAP_NET_RAW.
 */
export async function send(packets: PacketInput, options: SendOptions = {}): Promise<SendResult> {
  checkKeys('send()', options, ['iface', 'count', 'inter', 'signal']);
  const signal = signalOption('send()', options.signal);
  const iface = ifaceOption('send()', options.iface);
  const count = numberOption('send()', 'count', options.count, 1, 1, MAX_TOTAL, true);
  const inter = numberOption('send()', 'inter', options.inter, 0, 0, 3_600_000);
  const prepared = prepareL3(packets, new RouteCache(), 'send()');
  return transmit(prepared, { iface, total: prepared.length * count, inter: inter / 1000, what: 'send()', signal });
}

/**
 * Sends link-layer frames (Ether(...).div(...), or bytes) on one interface
 * through an AF_PACKET socket. Unset Ether/ARP hardware sources come from the
 * interface, IP sources from the routes, and an unset Ether destination in
 * front of IP/IPv6 from ARP / neighbor discovery (Scapy's getmacbyip).
 */
export async function sendp(packets: PacketInput, options: SendpOptions = {}): Promise<SendResult> {
  checkKeys('sendp()', options, ['iface', 'count', 'inter', 'signal']);
  const signal = signalOption('sendp()', options.signal);
  const count = numberOption('sendp()', 'count', options.count, 1, 1, MAX_TOTAL, true);
  const inter = numberOption('sendp()', 'inter', options.inter, 0, 0, 3_600_000);
  const routes = new RouteCache();
  const list = packetList(packets, 'sendp()');
  const iface = l2Interface(list, ifaceOption('sendp()', options.iface), routes, 'sendp()');
  const prepared = prepareL2(await fillEtherDestinations(list, iface, routes, askLink), iface, routes);
  return transmit(prepared, {
    iface,
    total: prepared.length * count,
    inter: inter / 1000,
    what: `sendp() on ${iface}`,
    signal,
  });
}

/**
 * Sends frames on one interface as fast as the kernel takes them, or at a
 * given rate: frames are built once, then sent in sendmmsg batches from a
 * worker thread. Resolves with what was sent and how fast.
 */
export async function sendpfast(packets: PacketInput, options: SendpfastOptions = {}): Promise<SendpfastResult> {
  checkKeys('sendpfast()', options, ['iface', 'count', 'loop', 'pps', 'mbps', 'signal']);
  const signal = signalOption('sendpfast()', options.signal);
  exclusive('sendpfast()', options, 'count', 'loop');
  exclusive('sendpfast()', options, 'pps', 'mbps');
  const loop = numberOption('sendpfast()', 'loop', options.loop, 1, 1, MAX_TOTAL, true);
  const pps = numberOption('sendpfast()', 'pps', options.pps, 0, 0.001, 1e9);
  const mbps = numberOption('sendpfast()', 'mbps', options.mbps, 0, 0.001, 1e6);
  const routes = new RouteCache();
  const list = packetList(packets, 'sendpfast()');
  const count = numberOption('sendpfast()', 'count', options.count, list.length * loop, 1, MAX_TOTAL, true);
  const iface = l2Interface(list, ifaceOption('sendpfast()', options.iface), routes, 'sendpfast()');
  const prepared = prepareL2(await fillEtherDestinations(list, iface, routes, askLink), iface, routes);
  const r = await transmit(prepared, {
    iface,
    total: count,
    pps,
    mbps,
    batch: 256,
    what: `sendpfast() on ${iface}`,
    signal,
  });
  const seconds = r.seconds > 0 ? r.seconds : 1e-9;
  return { ...r, pps: r.sent / seconds, mbps: (r.bytes * 8) / seconds / 1e6 };
}
