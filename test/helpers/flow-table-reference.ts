/**
 * THE REFERENCE, for tests only: the flow table as it was written in
 * TypeScript before it became native (native/export/flow_table.cc), kept
 * unchanged so that test/flow/native-vs-reference.test.ts can check that
 * the native table gives the same records on a large generated mix.
 *
 * Bidirectional flows from packets, the way NetFlow/IPFIX exporters keep
 * them: one entry per 5-tuple (both directions in one entry), exported when
 * it closes (TCP FIN both ways, RST), when it has been idle for
 * `idleTimeout`, every `activeTimeout` while it lasts, or when the table is
 * full and it is the least recently used (an eviction, counted).
 *
 * Keys are built from the record's numbers (addresses as words, ports,
 * ICMP type/id), not from strings: a packet of a known flow allocates
 * nothing. TCP/UDP flows are keyed by ports; ICMP/ICMPv6 messages with a
 * counterpart (echo ↔ reply, ...) by the pair and the echo id; other ICMP
 * messages (errors) by type and code, one direction only, as the
 * Community ID treats them. IP packets without a transport header (non-first
 * fragments, other protocols) form flows keyed by addresses and protocol.
 */
import { getIPv4, getIPv6 } from '../../lib/layers/addr';
import { expected } from '../../lib/errors';
import type { Packet } from '../../lib/packet';
import { communityIdFromWords, icmpCounterpart } from '../../lib/flow/community-id';
import type { FlowClose, FlowOpen, FlowOptions, FlowRecord, FlowStats } from '../../lib/flow/table';

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_ICMPV6 = 58;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** One live flow (internal, mutable, reused by nothing: a flow's memory is its own). */
class Entry {
  hash = 0;
  /** Next entry in the same hash bucket. */
  chain: Entry | undefined;
  /** Least-recently-used list, oldest first. */
  older: Entry | undefined;
  newer: Entry | undefined;
  version: 4 | 6 = 4;
  proto = 0;
  oneWay = false;
  // Addresses as words (plain numbers: a typed array per flow costs more than the flow).
  a0 = 0;
  a1 = 0;
  a2 = 0;
  a3 = 0;
  b0 = 0;
  b1 = 0;
  b2 = 0;
  b3 = 0;
  aPort = 0;
  bPort = 0;
  sport = 0;
  dport = 0;
  icmpType = -1;
  icmpCode = 0;
  icmpId = 0;
  vlan = -1;
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;
  pktsAB = 0;
  bytesAB = 0;
  pktsBA = 0;
  bytesBA = 0;
  flagsAB = 0;
  flagsBA = 0;
  retransAB = 0;
  retransBA = 0;
  /** Next sequence number expected from each side; NaN until a segment is seen. */
  nextAB = NaN;
  nextBA = NaN;
  open: FlowOpen = 'packet';
  communityId: string | undefined;
}

const sw = new Uint32Array(4);
const dw = new Uint32Array(4);

function mixWords(w: Uint32Array, port: number): number {
  let h = Math.imul(w[0]! ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w[1]! ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ w[2]! ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ w[3]! ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ port ^ (h >>> 16), 0x27d4eb2f);
  return h ^ (h >>> 15);
}

function isA(e: Entry, w: Uint32Array): boolean {
  return e.a3 === w[3] && e.a2 === w[2] && e.a1 === w[1] && e.a0 === w[0];
}

function isB(e: Entry, w: Uint32Array): boolean {
  return e.b3 === w[3] && e.b2 === w[2] && e.b1 === w[1] && e.b0 === w[0];
}

/** Signed difference of two 32-bit sequence numbers. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

function checkOption(v: unknown, min: number, max: number, what: string, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
    throw new TypeError(expected(`${integer ? 'an integer' : 'a number'} ${min}..${max}`, what, v));
  }
  return v;
}

/**
 * A table of live flows. Give it every packet with {@link add}; it calls
 * `onFlow` with each record as it is exported. Call {@link expire} with the
 * current time when no packets come (live captures), and {@link flush} at
 * the end.
 *
 * ```ts
 * const table = new FlowTable((f) => console.log(f.communityId, f.packetsToDst), { idleTimeout: 30 });
 * for await (const p of openFile('x.pcap')) table.add(p);
 * table.flush();
 * ```
 */
export class ReferenceFlowTable {
  readonly #onFlow: (flow: FlowRecord) => void;
  readonly #idle: number;
  readonly #active: number;
  readonly #max: number;
  readonly #seed: number;
  readonly #buckets = new Map<number, Entry>();
  #oldest: Entry | undefined;
  #newest: Entry | undefined;
  #count = 0;
  #packets = 0;
  #nonIp = 0;
  #exported = 0;
  #evicted = 0;

  /**
   * @param onFlow called with every exported record (synchronously, from add/expire/flush)
   * @param options timeouts, bound and seed
   */
  constructor(onFlow: (flow: FlowRecord) => void, options: FlowOptions = {}) {
    if (typeof onFlow !== 'function') throw new TypeError(expected('a function', 'onFlow', onFlow));
    if (options === null || typeof options !== 'object')
      throw new TypeError(expected('an options object', 'options', options));
    this.#onFlow = onFlow;
    this.#idle = checkOption(options.idleTimeout, 0.001, 86400 * 365, 'idleTimeout') ?? 15;
    this.#active = checkOption(options.activeTimeout, 0.001, 86400 * 365, 'activeTimeout') ?? 1800;
    this.#max = checkOption(options.maxFlows, 1, 2 ** 26, 'maxFlows', true) ?? 100_000;
    this.#seed = checkOption(options.seed, 0, 65535, 'seed', true) ?? 0;
  }

  /** Counters so far. */
  stats(): FlowStats {
    return {
      packets: this.#packets,
      nonIp: this.#nonIp,
      active: this.#count,
      exported: this.#exported,
      evicted: this.#evicted,
    };
  }

  /**
   * Accounts one packet. Returns the flow's Community ID when the packet
   * belongs to a flow (computed once per flow), else undefined.
   */
  add(p: Packet): string | undefined {
    this.#packets++;
    const tsSec = p.tsSec;
    const tsNsec = p.tsNsec;
    const now = tsSec + tsNsec / 1e9;
    this.expire(now);

    let version: 4 | 6;
    let proto: number;
    const ip = p.ip;
    if (ip !== undefined) {
      version = 4;
      proto = ip.proto;
      sw[0] = sw[1] = sw[2] = 0;
      dw[0] = dw[1] = dw[2] = 0;
      sw[3] = ip.srcInt;
      dw[3] = ip.dstInt;
    } else {
      const ip6 = p.ipv6;
      if (ip6 === undefined) {
        this.#nonIp++;
        return undefined;
      }
      version = 6;
      proto = ip6.nh;
      for (let i = 0; i < 4; i++) {
        sw[i] = ip6.srcWord(i);
        dw[i] = ip6.dstWord(i);
      }
    }

    // Key ports, and for ICMP the message's own numbers.
    let sp = 0;
    let dp = 0;
    let oneWay = false;
    let icmpType = -1;
    let icmpCode = 0;
    let icmpId = 0;
    let tcpFlags = -1;
    const tcp = p.tcp;
    if (tcp !== undefined) {
      sp = tcp.sport;
      dp = tcp.dport;
      tcpFlags = tcp.flags;
    } else {
      const udp = p.udp;
      if (udp !== undefined) {
        sp = udp.sport;
        dp = udp.dport;
      } else {
        const icmp = proto === PROTO_ICMP ? p.icmp : proto === PROTO_ICMPV6 ? p.icmpv6 : undefined;
        if (icmp !== undefined) {
          icmpType = icmp.type;
          icmpCode = icmp.code;
          icmpId = icmp.id;
          const other = icmpCounterpart(proto, icmpType);
          if (other < 0) {
            oneWay = true;
            sp = (icmpType << 8) | icmpCode;
          } else {
            // Both directions share the key: the lower type of the pair and the echo id.
            sp = dp = (Math.min(icmpType, other) << 16) | icmpId;
          }
        }
      }
    }

    const hash =
      (Math.imul(proto + 1, 0x01000193) ^
        (version << 9) ^
        (oneWay ? mixWords(sw, sp) * 3 : (mixWords(sw, sp) + mixWords(dw, dp)) | 0)) |
      0;
    let e = this.#buckets.get(hash);
    let forward = true;
    for (; e !== undefined; e = e.chain) {
      if (e.hash !== hash || e.proto !== proto || e.version !== version) continue;
      if (e.aPort === sp && e.bPort === dp && isA(e, sw) && isB(e, dw)) {
        forward = true;
        break;
      }
      if (!e.oneWay && e.aPort === dp && e.bPort === sp && isA(e, dw) && isB(e, sw)) {
        forward = false;
        break;
      }
    }
    // ICMP between an address and itself: the direction is the message type.
    if (e !== undefined && icmpType >= 0 && !oneWay && e.a0 === e.b0 && e.a1 === e.b1 && e.a2 === e.b2 && e.a3 === e.b3)
      forward = icmpType === e.icmpType;

    if (e !== undefined && now - (e.firstSec + e.firstNsec / 1e9) >= this.#active) {
      this.#export(e, 'active-timeout');
      e.pktsAB = e.bytesAB = e.pktsBA = e.bytesBA = e.flagsAB = e.flagsBA = e.retransAB = e.retransBA = 0;
      e.firstSec = tsSec;
      e.firstNsec = tsNsec;
      e.open = 'continued';
    }

    if (e === undefined) {
      if (this.#count >= this.#max) {
        this.#evicted++;
        this.#remove(this.#oldest!, 'evicted');
      }
      e = new Entry();
      // A SYN-ACK seen first: the initiator is its destination.
      const flip = tcpFlags >= 0 && (tcpFlags & (SYN | ACK)) === (SYN | ACK);
      forward = !flip;
      e.hash = hash;
      e.version = version;
      e.proto = proto;
      e.oneWay = oneWay;
      const a = flip ? dw : sw;
      const b = flip ? sw : dw;
      e.a0 = a[0]!;
      e.a1 = a[1]!;
      e.a2 = a[2]!;
      e.a3 = a[3]!;
      e.b0 = b[0]!;
      e.b1 = b[1]!;
      e.b2 = b[2]!;
      e.b3 = b[3]!;
      e.aPort = flip ? dp : sp;
      e.bPort = flip ? sp : dp;
      e.sport = tcpFlags >= 0 || p.udp !== undefined ? e.aPort : 0;
      e.dport = tcpFlags >= 0 || p.udp !== undefined ? e.bPort : 0;
      e.icmpType = icmpType;
      e.icmpCode = icmpCode;
      e.icmpId = icmpId;
      const vlan = p.vlan;
      e.vlan = vlan !== undefined ? vlan.id : -1;
      e.firstSec = tsSec;
      e.firstNsec = tsNsec;
      e.open = tcpFlags < 0 ? 'packet' : (tcpFlags & (SYN | ACK)) === SYN ? 'syn' : 'midstream';
      e.chain = this.#buckets.get(hash);
      this.#buckets.set(hash, e);
      this.#count++;
    } else {
      this.#unlink(e);
    }
    // Newest at the tail of the LRU list.
    e.older = this.#newest;
    e.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = e;
    else this.#oldest = e;
    this.#newest = e;

    e.lastSec = tsSec;
    e.lastNsec = tsNsec;
    const len = p.length;
    if (forward) {
      e.pktsAB++;
      e.bytesAB += len;
    } else {
      e.pktsBA++;
      e.bytesBA += len;
    }
    if (tcpFlags >= 0 && tcp !== undefined) {
      if (forward) e.flagsAB |= tcpFlags;
      else e.flagsBA |= tcpFlags;
      if (!forward && e.open === 'syn' && (tcpFlags & (SYN | ACK)) === (SYN | ACK)) e.open = 'handshake';
      // Sequence space this segment covers: payload, plus one each for SYN and FIN.
      const segLen = p.payloadLength + (tcpFlags & SYN ? 1 : 0) + (tcpFlags & FIN ? 1 : 0);
      if (segLen > 0) {
        const seq = tcp.seq;
        const end = (seq + segLen) >>> 0;
        const next = forward ? e.nextAB : e.nextBA;
        if (!Number.isNaN(next) && seqDiff(seq, next) < 0) {
          if (forward) e.retransAB++;
          else e.retransBA++;
        }
        if (Number.isNaN(next) || seqDiff(end, next) > 0) {
          if (forward) e.nextAB = end;
          else e.nextBA = end;
        }
      }
      if (tcpFlags & RST) {
        const id = this.#id(e);
        this.#remove(e, 'rst');
        return id;
      }
      // Both sides sent FIN: the flow ends with the first packet after both that carries no FIN (the last ACK).
      if (e.flagsAB & FIN && e.flagsBA & FIN && !(tcpFlags & (FIN | SYN))) {
        const id = this.#id(e);
        this.#remove(e, 'fin');
        return id;
      }
    }
    return this.#id(e);
  }

  /**
   * Exports the flows idle since before `now - idleTimeout` (seconds since the
   * epoch). `add` calls it with each packet's time; live captures also call
   * it from a timer so that quiet flows still end.
   */
  expire(now: number): void {
    const limit = now - this.#idle;
    for (let e = this.#oldest; e !== undefined && e.lastSec + e.lastNsec / 1e9 < limit; e = this.#oldest) {
      const finished = e.proto === PROTO_TCP && e.flagsAB & FIN && e.flagsBA & FIN;
      this.#remove(e, finished ? 'fin' : 'idle-timeout');
    }
  }

  /** Exports every flow still held (reason `end`), oldest first. */
  flush(): void {
    while (this.#oldest !== undefined) this.#remove(this.#oldest, 'end');
  }

  #id(e: Entry): string {
    return (e.communityId ??= communityIdFromWords(
      e.version,
      [e.a0, e.a1, e.a2, e.a3],
      [e.b0, e.b1, e.b2, e.b3],
      e.proto,
      e.icmpType >= 0 ? e.icmpType : e.aPort,
      e.icmpType >= 0 ? e.icmpCode : e.bPort,
      this.#seed,
    ));
  }

  #unlink(e: Entry): void {
    if (e.older !== undefined) e.older.newer = e.newer;
    else this.#oldest = e.newer;
    if (e.newer !== undefined) e.newer.older = e.older;
    else this.#newest = e.older;
    e.older = e.newer = undefined;
  }

  #remove(e: Entry, why: FlowClose): void {
    this.#unlink(e);
    let head = this.#buckets.get(e.hash);
    if (head === e) {
      if (e.chain === undefined) this.#buckets.delete(e.hash);
      else this.#buckets.set(e.hash, e.chain);
    } else {
      while (head !== undefined && head.chain !== e) head = head.chain;
      if (head !== undefined) head.chain = e.chain;
    }
    e.chain = undefined;
    this.#count--;
    this.#export(e, why);
  }

  #export(e: Entry, why: FlowClose): void {
    this.#exported++;
    const v4 = e.version === 4;
    const srcWords = [e.a0, e.a1, v4 ? 0xffff : e.a2, e.a3] as const;
    const dstWords = [e.b0, e.b1, v4 ? 0xffff : e.b2, e.b3] as const;
    const rec: FlowRecord = {
      communityId: this.#id(e),
      ipVersion: e.version,
      proto: e.proto,
      src: addressText(srcWords, v4),
      dst: addressText(dstWords, v4),
      srcWords,
      dstWords,
      sport: e.sport,
      dport: e.dport,
      firstNs: BigInt(e.firstSec) * 1_000_000_000n + BigInt(e.firstNsec),
      lastNs: BigInt(e.lastSec) * 1_000_000_000n + BigInt(e.lastNsec),
      packetsToDst: e.pktsAB,
      bytesToDst: e.bytesAB,
      packetsToSrc: e.pktsBA,
      bytesToSrc: e.bytesBA,
      tcpFlagsToDst: e.flagsAB,
      tcpFlagsToSrc: e.flagsBA,
      retransToDst: e.retransAB,
      retransToSrc: e.retransBA,
      open: e.open,
      close: why,
    };
    if (e.icmpType >= 0) {
      rec.icmpType = e.icmpType;
      rec.icmpCode = e.icmpCode;
      rec.icmpId = e.icmpId;
    }
    if (e.vlan >= 0) rec.vlan = e.vlan;
    this.#onFlow(rec);
  }
}

const text16 = new Uint8Array(16);

/** An address as text from its four words (IPv4: the dotted quad of the last word). */
function addressText(w: readonly number[], v4: boolean): string {
  for (let i = 0; i < 4; i++) {
    const x = w[i]!;
    text16[4 * i] = x >>> 24;
    text16[4 * i + 1] = (x >>> 16) & 0xff;
    text16[4 * i + 2] = (x >>> 8) & 0xff;
    text16[4 * i + 3] = x & 0xff;
  }
  return v4 ? getIPv4(text16, 12) : getIPv6(text16, 0);
}
