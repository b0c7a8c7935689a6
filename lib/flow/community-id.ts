/**
 * Community ID v1 (https://github.com/corelight/community-id-spec): a flow
 * hash that Zeek, Suricata, Arkime and packetbeat compute the same way, so a
 * flow seen by pktkit can be joined with their logs.
 *
 * Hash input, all big-endian: seed (2 bytes), source address, destination
 * address (4 or 16 bytes each), protocol (1 byte), a zero byte, then for
 * TCP/UDP/SCTP/ICMP/ICMPv6 the two ports (2 bytes each). The side with the
 * smaller (address, port) comes first. ICMP and ICMPv6 use the type as the
 * source port and the counterpart type (echo ↔ echo reply, ...) as the
 * destination port; a type without counterpart is one-way: its code is the
 * destination port and the endpoints are never swapped.
 */
import { createHash } from 'node:crypto';
import { argError, ruleError } from '../args';
import { isIPv4, parseIPv6, putIPv4 } from '../layers/addr';

/** IP protocol numbers the Community ID gives ports to. */
const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;
const PROTO_SCTP = 132;

/** ICMP types with a counterpart (Zeek's ICMP4_counterpart), index = type, -1 = none. */
const ICMP4_COUNTERPART = counterparts([
  [8, 0],
  [13, 14],
  [15, 16],
  [10, 9],
  [17, 18],
]);
/** ICMPv6 types with a counterpart (Zeek's ICMP6_counterpart). */
const ICMP6_COUNTERPART = counterparts([
  [128, 129],
  [133, 134],
  [135, 136],
  [130, 131],
  [139, 140],
  [144, 145],
]);

function counterparts(pairs: Array<[number, number]>): Int16Array {
  const t = new Int16Array(256).fill(-1);
  for (const [a, b] of pairs) {
    t[a] = b;
    t[b] = a;
  }
  return t;
}

/**
 * The counterpart of an ICMP (`proto` 1) or ICMPv6 (58) type, or -1 when the
 * type has none (the message is one-way).
 */
export function icmpCounterpart(proto: number, type: number): number {
  const t = proto === PROTO_ICMPV6 ? ICMP6_COUNTERPART : ICMP4_COUNTERPART;
  return t[type & 0xff]!;
}

/** Whether the Community ID hashes ports for this protocol. */
export function hasPorts(proto: number): boolean {
  return (
    proto === PROTO_TCP || proto === PROTO_UDP || proto === PROTO_SCTP || proto === PROTO_ICMP || proto === PROTO_ICMPV6
  );
}

/** One reusable hash input buffer: 2 + 16 + 16 + 2 + 4 bytes at most. */
const input = new Uint8Array(40);

/** Compares two addresses given as 4 words each (IPv4: words 0..2 are 0). */
function compareWords(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function putWord(at: number, w: number): void {
  input[at] = w >>> 24;
  input[at + 1] = (w >>> 16) & 0xff;
  input[at + 2] = (w >>> 8) & 0xff;
  input[at + 3] = w & 0xff;
}

/**
 * Community ID v1 of one packet's (or flow's) tuple, from numbers.
 *
 * @param version 4 or 6
 * @param src source address as four big-endian unsigned words (IPv4: only word 3 is used)
 * @param dst destination address, the same way
 * @param proto IP protocol number
 * @param sport TCP/UDP/SCTP source port; for ICMP/ICMPv6 the type
 * @param dport TCP/UDP/SCTP destination port; for ICMP/ICMPv6 the code
 * @param seed the 16-bit seed (default 0)
 * @returns `1:` and the base64 of the SHA-1 digest
 */
export function communityIdFromWords(
  version: 4 | 6,
  src: ArrayLike<number>,
  dst: ArrayLike<number>,
  proto: number,
  sport: number,
  dport: number,
  seed = 0,
): string {
  let oneWay = false;
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    const other = icmpCounterpart(proto, sport);
    if (other < 0) oneWay = true;
    else dport = other;
  }
  let a = src;
  let b = dst;
  let pa = sport;
  let pb = dport;
  const cmp = compareWords(src, dst);
  if (!oneWay && (cmp > 0 || (cmp === 0 && sport > dport))) {
    a = dst;
    b = src;
    pa = dport;
    pb = sport;
  }
  let n = 0;
  input[n++] = (seed >>> 8) & 0xff;
  input[n++] = seed & 0xff;
  for (const addr of [a, b]) {
    if (version === 4) {
      putWord(n, addr[3]!);
      n += 4;
    } else {
      for (let i = 0; i < 4; i++, n += 4) putWord(n, addr[i]!);
    }
  }
  input[n++] = proto & 0xff;
  input[n++] = 0;
  if (hasPorts(proto)) {
    input[n++] = (pa >>> 8) & 0xff;
    input[n++] = pa & 0xff;
    input[n++] = (pb >>> 8) & 0xff;
    input[n++] = pb & 0xff;
  }
  return '1:' + createHash('sha1').update(input.subarray(0, n)).digest('base64');
}

/** The tuple {@link communityId} takes, with addresses as text. */
export interface CommunityIdTuple {
  /** IPv4 dotted quad or IPv6 text. */
  src: string;
  /** IPv4 dotted quad or IPv6 text (the same family as `src`). */
  dst: string;
  /** IP protocol number (0..255). */
  proto: number;
  /** Source port; ICMP/ICMPv6: the type. Ignored for protocols without ports. */
  sport?: number;
  /** Destination port; ICMP/ICMPv6: the code. */
  dport?: number;
}

/**
 * Community ID v1 of a tuple given as text, e.g.
 * `communityId({ src: '1.2.3.4', dst: '5.6.7.8', proto: 6, sport: 1122, dport: 3344 })`
 * is `'1:wCb3OG7yAFWelaUydu0D+125CLM='`. Flows from a capture get theirs
 * from numbers ({@link communityIdFromWords}); this form is for joining with other logs.
 *
 * @throws TypeError when an address is not IPv4/IPv6 text, the families differ,
 *   or a number is out of range.
 */
export function communityId(tuple: CommunityIdTuple, seed = 0): string {
  const src = addressWords(tuple.src, 'src');
  const dst = addressWords(tuple.dst, 'dst');
  if (src.version !== dst.version) {
    throw ruleError(
      '',
      `Expected src and dst of one address family but received IPv${src.version} '${tuple.src}' and IPv${dst.version} '${tuple.dst}'`,
    );
  }
  checkInt(tuple.proto, 0, 255, 'proto');
  const sport = tuple.sport ?? 0;
  const dport = tuple.dport ?? 0;
  checkInt(sport, 0, 65535, 'sport');
  checkInt(dport, 0, 65535, 'dport');
  checkInt(seed, 0, 65535, 'seed');
  return communityIdFromWords(src.version, src.words, dst.words, tuple.proto, sport, dport, seed);
}

function checkInt(v: unknown, min: number, max: number, what: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw argError(`an integer ${min}..${max}`, what, v);
  }
}

/** Parses IPv4 or IPv6 text into four words. */
function addressWords(text: unknown, what: string): { version: 4 | 6; words: number[] } {
  if (typeof text !== 'string') throw argError('an IPv4 or IPv6 address', what, text);
  const bytes = new Uint8Array(16);
  let version: 4 | 6;
  if (isIPv4(text)) {
    putIPv4(bytes, 12, text);
    version = 4;
  } else {
    const v6 = parseIPv6(text);
    if (!v6) throw argError('an IPv4 or IPv6 address', what, text);
    bytes.set(v6);
    version = 6;
  }
  const dv = new DataView(bytes.buffer);
  return { version, words: [0, 4, 8, 12].map((i) => dv.getUint32(i)) };
}
