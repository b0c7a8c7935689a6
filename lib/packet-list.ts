/**
 * Scapy's packet lists: what sniff() and rdpcap() return (PacketList) and
 * what sr() answers (SndRcvList, pairs of sent and received). They are
 * arrays, and print as Scapy prints them: `<Sniffed: TCP:2 UDP:0 ICMP:1 Other:0>`,
 * `summary()` one line per packet, a pair as `sent ==> received`.
 */
import { inspect } from 'node:util';
import { ICMPLayer } from './layers/icmp';
import { Layer } from './layers/layer';
import { TCPLayer } from './layers/tcp';
import { UDPLayer } from './layers/udp';
import { Packet } from './packet';
import { argError } from './args';

/** Scapy's conf.stats_classic_protocols: the protocols a list's repr counts. */
const STATS = [
  ['TCP', TCPLayer],
  ['UDP', UDPLayer],
  ['ICMP', ICMPLayer],
] as const;

/** Scapy's haslayer(): a layer of exactly this class (TCPerror inside ICMP is not TCP). */
function hasExactly(p: Layer, cls: unknown): boolean {
  for (let l: Layer | undefined = p; l; l = l.payload) if (l.constructor === cls) return true;
  return false;
}

/** `<name: TCP:n UDP:n ICMP:n Other:n>`, counting each packet once, as Scapy's PacketList repr does. */
function statsLine(name: string, packets: Iterable<Layer>): string {
  const counts = [0, 0, 0];
  let other = 0;
  for (const p of packets) {
    const i = STATS.findIndex(([, cls]) => hasExactly(p, cls));
    if (i >= 0) counts[i]++;
    else other++;
  }
  return `<${name}: ${STATS.map(([n], i) => `${n}:${counts[i]}`).join(' ')} Other:${other}>`;
}

const index4 = (i: number): string => String(i).padStart(4, '0');

/** A list of packets (Scapy's PacketList): an array of layers that prints as Scapy's does. */
export class PacketList extends Array<Layer> {
  /** The list's name in its printed form ('Sniffed', 'Unanswered', 'PacketList' ...). */
  listName: string;

  /** A list of these packets, named as Scapy names it in the printed form. */
  constructor(packets: Iterable<Layer> = [], name = 'PacketList') {
    super();
    this.listName = name;
    for (const p of packets) this.push(p);
  }

  /** map/filter/slice give plain arrays (an Array subclass would otherwise be constructed with a length). */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Scapy's repr: `<Sniffed: TCP:1 UDP:0 ICMP:0 Other:2>`. */
  override toString(): string {
    return statsLine(this.listName, this);
  }

  /** What console.log prints (Scapy's repr). */
  [inspect.custom](): string {
    return this.toString();
  }

  /** One summary line per packet (Scapy's `summary()`), joined by newlines. */
  summary(): string {
    return this.map((p) => p.summary()).join('\n');
  }

  /** Numbered summary lines, `0000 Ether / IP / ...` (Scapy's `nsummary()`). */
  nsummary(): string {
    return this.map((p, i) => `${index4(i)} ${p.summary()}`).join('\n');
  }

  /** Prints the numbered summaries (Scapy's `show()` of a list). */
  show(): void {
    console.log(this.nsummary());
  }

  /** The packets that pass `fn`, as a list of the same name (Scapy's `filter()`). */
  where(fn: (p: Layer) => boolean): PacketList {
    return new PacketList(this.filter(fn), this.listName);
  }
}

/** Answers to sent packets (Scapy's SndRcvList): `[sent, received]` pairs that print as summaries. */
export class SndRcvList extends Array<[Layer, Layer]> {
  /** The list's name in its printed form. Default 'Results', as Scapy's. */
  listName: string;

  /** A list of these pairs. */
  constructor(pairs: Iterable<[Layer, Layer]> = [], name = 'Results') {
    super();
    this.listName = name;
    for (const p of pairs) this.push(p);
  }

  /** map/filter/slice give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Scapy's repr, counting the received packets: `<Results: TCP:1 UDP:0 ICMP:0 Other:0>`. */
  override toString(): string {
    return statsLine(
      this.listName,
      this.map(([, r]) => r),
    );
  }

  /** What console.log prints (Scapy's repr, not the layers' internals). */
  [inspect.custom](): string {
    return this.toString();
  }

  /** One `sent ==> received` summary line per pair (Scapy's `summary()`). */
  summary(): string {
    return this.map(([s, r]) => `${s.summary()} ==> ${r.summary()}`).join('\n');
  }

  /** Numbered `0000 sent ==> received` lines (Scapy's `nsummary()`). */
  nsummary(): string {
    return this.map(([s, r], i) => `${index4(i)} ${s.summary()} ==> ${r.summary()}`).join('\n');
  }

  /** Prints the numbered pairs (Scapy's `show()`). */
  show(): void {
    console.log(this.nsummary());
  }

  /** The sent packets, as a list. */
  sent(): PacketList {
    return new PacketList(
      this.map(([s]) => s),
      'Sent',
    );
  }

  /** The received packets, as a list. */
  received(): PacketList {
    return new PacketList(
      this.map(([, r]) => r),
      'Received',
    );
  }
}

/**
 * Scapy's `len(x)`: the bytes of a packet (a layer as built, a captured packet
 * as captured) or the number of packets in a list.
 */
export function len(x: Layer | Packet | ArrayLike<unknown>): number {
  if (x instanceof Layer) return x.toBytes().length;
  if (x instanceof Packet) return x.caplen;
  if (Array.isArray(x) || (typeof x === 'object' && x !== null && typeof (x as ArrayLike<unknown>).length === 'number'))
    return (x as ArrayLike<unknown>).length;
  throw argError('a layer, a captured Packet or a list', 'len() argument', x);
}
