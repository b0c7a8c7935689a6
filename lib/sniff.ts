/**
 * Scapy's sniff(), rdpcap() and wrpcap() over pktkit's capture and writers.
 * sniff() gives Scapy-style layers with `.time` (the capture timestamp), so
 * what it returns can be kept, shown and compared as in Scapy; for high rates
 * use a capture's `for await` / `batches()` and the Packet views instead.
 */
import { basename } from 'node:path';
import { openFile, openLive, type Capture } from './capture';

import { CookedLinuxLayer, CookedLinuxV2Layer, EtherLayer, LoopbackLayer } from './layers/ether';
import { IPLayer } from './layers/ip';
import { IPv6Layer } from './layers/ipv6';
import { Layer } from './layers/layer';
import { Packet } from './packet';
import { PacketList } from './packet-list';
import { openWriter, type TimestampPrecision } from './pcap-writer';
import { argError, booleanOption, checkKeys, ifaceOption, numberOption, ruleError, signalOption } from './args';
import {
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_NULL,
  LINK_RAW_FILE,
} from './constants';

/** Options of {@link sniff}. Scapy's names; times are in milliseconds. */
export interface SniffOptions {
  /** Interface to capture on (default `any`). Exclusive with `offline`. */
  iface?: string;
  /** Read this pcap/pcapng file instead of an interface (Scapy's `offline`). */
  offline?: string;
  /** BPF filter (tcpdump syntax), applied by libpcap. */
  filter?: string;
  /** Stop after this many packets that passed `lfilter` (0 or unset: no limit). */
  count?: number;
  /** Stop after this many milliseconds (Scapy's `timeout`, which is in seconds). */
  timeout?: number;
  /** Called with each packet that passed `lfilter`; a returned value other than undefined/null is printed, as in Scapy. */
  prn?: (packet: Layer) => unknown;
  /** Packets for which this returns false are skipped (not counted, stored or given to `prn`). */
  lfilter?: (packet: Layer) => boolean;
  /** Stop after the first packet for which this returns true (that packet is kept). Scapy's `stop_filter`. */
  stopFilter?: (packet: Layer) => boolean;
  /** Keep the packets in the returned list (default true; false returns an empty list, for `prn`-only use). */
  store?: boolean;
  /** Aborting stops the sniff; what was kept so far is returned. */
  signal?: AbortSignal;
  /** Promiscuous mode on a live interface (default true, as Scapy's conf.sniff_promisc and tcpdump). */
  promisc?: boolean;
}

const SNIFF_KEYS = [
  'iface',
  'offline',
  'filter',
  'count',
  'timeout',
  'prn',
  'lfilter',
  'stopFilter',
  'store',
  'signal',
  'promisc',
] as const;

function fnOption<T extends (...a: never[]) => unknown>(fn: string, name: string, v: unknown): T | undefined {
  if (v !== undefined && typeof v !== 'function') throw argError('a function', `${fn} ${name}`, v);
  return v as T | undefined;
}

/**
 * Captures packets as Scapy's sniff() does and resolves with them as a
 * {@link PacketList} named 'Sniffed' (printing `<Sniffed: TCP:n UDP:n ICMP:n Other:n>`).
 * Without `count`, `timeout`, `stopFilter` or `signal` a live sniff runs until
 * its capture fails; a file is read to its end.
 */
export async function sniff(options: SniffOptions = {}): Promise<PacketList> {
  return run('sniff()', options, 'Sniffed');
}

async function run(fn: string, options: SniffOptions, listName: string): Promise<PacketList> {
  checkKeys(fn, options, SNIFF_KEYS);
  const iface = ifaceOption(fn, options.iface);
  if (options.offline !== undefined && (typeof options.offline !== 'string' || options.offline === '')) {
    throw argError('a file path', `${fn} offline`, options.offline);
  }
  if (iface !== undefined && options.offline !== undefined) throw ruleError(fn, 'give iface or offline, not both');
  if (options.filter !== undefined && typeof options.filter !== 'string')
    throw argError('a BPF filter string', `${fn} filter`, options.filter);
  const count = numberOption(fn, 'count', options.count, 0, 0, 2 ** 53 - 1, true);
  const timeout = numberOption(fn, 'timeout', options.timeout, 0, 0, 2 ** 31 - 1);
  const prn = fnOption<(p: Layer) => unknown>(fn, 'prn', options.prn);
  const lfilter = fnOption<(p: Layer) => boolean>(fn, 'lfilter', options.lfilter);
  const stopFilter = fnOption<(p: Layer) => boolean>(fn, 'stopFilter', options.stopFilter);
  const store = booleanOption(fn, 'store', options.store, true);
  const promisc = booleanOption(fn, 'promisc', options.promisc, true);
  const signal = signalOption(fn, options.signal);

  const list = new PacketList([], listName);
  if (signal?.aborted) return list;
  const cap: Capture =
    options.offline !== undefined
      ? openFile(options.offline, { filter: options.filter, signal })
      : openLive(iface ?? 'any', { filter: options.filter, promisc, signal });
  const timer = timeout > 0 ? setTimeout(() => cap.close(), timeout) : undefined;
  let seen = 0;
  try {
    for await (const p of cap) {
      const pkt = p.layers();
      if (lfilter && !lfilter(pkt)) continue;
      seen++;
      if (store) list.push(pkt);
      if (prn) {
        const out = prn(pkt);
        if (out !== undefined && out !== null) console.log(String(out));
      }
      if ((stopFilter && stopFilter(pkt)) || (count > 0 && seen >= count)) break;
    }
  } finally {
    if (timer) clearTimeout(timer);
    cap.close();
  }
  return list;
}

/** Reads a whole pcap/pcapng file (or its first `count` packets) as Scapy's rdpcap(): a list named after the file. */
export async function rdpcap(path: string, count?: number): Promise<PacketList> {
  if (typeof path !== 'string' || path === '') throw argError('a file path', 'rdpcap() path', path);
  return run('rdpcap()', { offline: path, count }, basename(path));
}

/** Options of {@link wrpcap}. */
export interface WrpcapOptions {
  /** Link type of the file; default from the first packet (Ether 1, IP 228, IPv6 229, Linux SLL 113, SLL2 276, loopback 0). */
  linkType?: number;
  /** Timestamp resolution (default 'micro', as Scapy writes). */
  precision?: TimestampPrecision;
  /** Write pcapng instead of pcap (default: by the file name, `.pcapng` is pcapng). */
  format?: 'pcap' | 'pcapng';
}

/** Scapy's choice of link type for a packet's first layer. */
function linkTypeOf(l: Layer): number {
  if (l instanceof EtherLayer) return LINK_ETHERNET;
  if (l instanceof CookedLinuxV2Layer) return LINK_LINUX_SLL2;
  if (l instanceof CookedLinuxLayer) return LINK_LINUX_SLL;
  if (l instanceof LoopbackLayer) return LINK_NULL;
  if (l instanceof IPLayer) return LINK_IPV4;
  if (l instanceof IPv6Layer) return LINK_IPV6;
  return LINK_RAW_FILE;
}

/**
 * Writes packets to a pcap file as Scapy's wrpcap(): layers as built (their
 * `.time` as the timestamp, now when unset) or captured Packets as captured.
 * Resolves once the file is complete.
 */
export async function wrpcap(
  path: string,
  packets: Layer | Packet | Iterable<Layer | Packet>,
  options: WrpcapOptions = {},
): Promise<void> {
  if (typeof path !== 'string' || path === '') throw argError('a file path', 'wrpcap() path', path);
  checkKeys('wrpcap()', options, ['linkType', 'precision', 'format']);
  const list = packets instanceof Layer || packets instanceof Packet ? [packets] : packets;
  if (list === null || typeof list !== 'object' || typeof (list as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw argError('a layer, a Packet or a list of them', 'wrpcap() packets', packets);
  }
  const all = [...list];
  for (const p of all)
    if (!(p instanceof Layer) && !(p instanceof Packet))
      throw argError('a layer or a captured Packet', 'wrpcap() packet', p);
  const first = all[0];
  const linkType = options.linkType ?? (first instanceof Packet ? first.linkType : first ? linkTypeOf(first) : 1);
  // 65535 is the snap length Scapy writes.
  const w = openWriter(path, {
    linkType,
    snaplen: 65535,
    precision: options.precision ?? 'micro',
    format: options.format,
  });
  try {
    for (const p of all) {
      if (p instanceof Packet) {
        w.writePacket(p);
        continue;
      }
      const t = p.time ?? Date.now() / 1000;
      const sec = Math.floor(t);
      w.write(p.toBytes(), { tsSec: sec, tsNsec: Math.min(999_999_999, Math.round((t - sec) * 1e9)) });
    }
  } finally {
    await w.close();
  }
}
