/**
 * Bidirectional flows from packets, the way NetFlow/IPFIX exporters keep
 * them: one entry per 5-tuple (both directions in one entry), exported when
 * it closes (TCP FIN both ways, RST), when it has been idle for
 * `idleTimeout`, every `activeTimeout` while it lasts, or when the table is
 * full and it is the least recently used (an eviction, counted).
 *
 * The table itself is native (native/export/flow_table.cc): keys are built
 * from the record's numbers (addresses as words, ports, ICMP type/id), a
 * packet of a known flow allocates nothing, and the Community ID is computed
 * once per flow. This class checks the options and turns ended flows into
 * {@link FlowRecord}s; the ClickHouse sink uses the same native table and
 * writes ended flows as rows without making records. TCP/UDP flows are keyed by ports; ICMP/ICMPv6 messages with a
 * counterpart (echo ↔ reply, ...) by the pair and the echo id; other ICMP
 * messages (errors) by type and code, one direction only, as the
 * Community ID treats them. IP packets without a transport header (non-first
 * fragments, other protocols) form flows keyed by addresses and protocol.
 */
import { addon, type NativeExporter } from '../binding';
import { getIPv4, getIPv6 } from '../layers/addr';
import { argError } from '../args';
import type { Batch } from '../capture';
import type { Packet } from '../packet';

/** How a flow record began. */
export type FlowOpen =
  /** TCP: SYN, then SYN-ACK from the other side. */
  | 'handshake'
  /** TCP: a SYN without an answer (yet). */
  | 'syn'
  /** TCP: the first packet seen was not a SYN (the connection began before the capture, or after an eviction). */
  | 'midstream'
  /** Not TCP: the first packet. */
  | 'packet'
  /** The flow's previous record was exported by the active timeout; this one continues it. */
  | 'continued';

/** Why a flow record was exported. */
export type FlowClose =
  /** TCP: FIN in both directions. */
  | 'fin'
  /** TCP: a reset. */
  | 'rst'
  /** No packet for `idleTimeout` seconds. */
  | 'idle-timeout'
  /** Lasted `activeTimeout` seconds; the flow continues in a new record. */
  | 'active-timeout'
  /** The table was full and this was the least recently used flow. */
  | 'evicted'
  /** The capture ended (or {@link FlowTable.flush} was called). */
  | 'end';

/** One exported flow: the initiator is `src`, the responder `dst`. */
export interface FlowRecord {
  /** Community ID v1 of the flow (seed from the table's options). */
  communityId: string;
  /** 4 or 6. */
  ipVersion: 4 | 6;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  proto: number;
  /** Initiator address (text). */
  src: string;
  /** Responder address (text). */
  dst: string;
  /** Initiator address as four big-endian 32-bit words of 16 bytes (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d). */
  srcWords: readonly [number, number, number, number];
  /** Responder address, the same way. */
  dstWords: readonly [number, number, number, number];
  /** TCP/UDP initiator port; 0 for other protocols. */
  sport: number;
  /** TCP/UDP responder port; 0 for other protocols. */
  dport: number;
  /** ICMP/ICMPv6: type of the first packet, else undefined. */
  icmpType?: number;
  /** ICMP/ICMPv6: code of the first packet. */
  icmpCode?: number;
  /** ICMP/ICMPv6 echo identifier (0 for messages without one). */
  icmpId?: number;
  /** Outer VLAN id of the first packet, when tagged. */
  vlan?: number;
  /** Time of the first packet, ns since the epoch. */
  firstNs: bigint;
  /** Time of the last packet, ns since the epoch. */
  lastNs: bigint;
  /** Packets from src to dst. */
  packetsToDst: number;
  /** Bytes (on the wire, link header included) from src to dst. */
  bytesToDst: number;
  /** Packets from dst to src. */
  packetsToSrc: number;
  /** Bytes from dst to src. */
  bytesToSrc: number;
  /** TCP flags seen from src (OR of all; FIN 0x01 ... CWR 0x80, NS 0x100). */
  tcpFlagsToDst: number;
  /** TCP flags seen from dst. */
  tcpFlagsToSrc: number;
  /** TCP segments from src that resent sequence space already seen. */
  retransToDst: number;
  /** TCP segments from dst that resent sequence space already seen. */
  retransToSrc: number;
  /** How the record began. */
  open: FlowOpen;
  /** Why it was exported. */
  close: FlowClose;
}

/** Options of a {@link FlowTable}. */
export interface FlowOptions {
  /** Seconds without a packet after which a flow is exported (NetFlow's inactive timeout). Default 15. */
  idleTimeout?: number;
  /** Seconds after which a long flow is exported and continues in a new record. Default 1800. */
  activeTimeout?: number;
  /** Most flows kept at once; a new flow beyond it evicts the least recently used. Default 100000. */
  maxFlows?: number;
  /** Community ID seed (0..65535). Default 0. */
  seed?: number;
}

/** Counters of a {@link FlowTable}. */
export interface FlowStats {
  /** Packets given to {@link FlowTable.add}. */
  packets: number;
  /** Packets that belonged to no flow (not IPv4/IPv6). */
  nonIp: number;
  /** Flows currently held. */
  active: number;
  /** Flow records exported so far. */
  exported: number;
  /** Flows exported early because the table was full. */
  evicted: number;
}

function checkOption(v: unknown, min: number, max: number, what: string, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
    throw argError(`${integer ? 'an integer' : 'a number'} ${min}..${max}`, what, v);
  }
  return v;
}

/** The native table's options from {@link FlowOptions}, checked. */
export function nativeFlowOptions(options: FlowOptions): {
  idleNs: number;
  activeNs: number;
  maxFlows: number;
  seed: number;
} {
  if (options === null || typeof options !== 'object') throw argError('an options object', 'options', options);
  const idle = checkOption(options.idleTimeout, 0.001, 86400 * 365, 'idleTimeout') ?? 15;
  const active = checkOption(options.activeTimeout, 0.001, 86400 * 365, 'activeTimeout') ?? 1800;
  return {
    idleNs: Math.round(idle * 1e9),
    activeNs: Math.round(active * 1e9),
    maxFlows: checkOption(options.maxFlows, 1, 2 ** 26, 'maxFlows', true) ?? 100_000,
    seed: checkOption(options.seed, 0, 65535, 'seed', true) ?? 0,
  };
}

/** The records a batch's packets live in: its slots are consecutive from offset 0 of the first packet's memory. */
export function batchRecords(batch: Batch): { buffer: ArrayBuffer; byteOffset: number; count: number } | undefined {
  const count = batch.count;
  if (count === 0) return undefined;
  const first = batch[Symbol.iterator]().next().value as Packet;
  const u8 = first.mem.u8;
  return { buffer: u8.buffer as ArrayBuffer, byteOffset: u8.byteOffset + first.base, count };
}

/**
 * A table of live flows. Give it every packet with {@link add} (or whole
 * batches with {@link addBatch}); it calls `onFlow` with each record as it is
 * exported. Call {@link expire} with the current time when no packets come
 * (live captures), and {@link flush} at the end.
 *
 * ```ts
 * const table = new FlowTable((f) => console.log(f.communityId, f.packetsToDst), { idleTimeout: 30 });
 * for await (const p of openFile('x.pcap')) table.add(p);
 * table.flush();
 * ```
 */
export class FlowTable {
  readonly #onFlow: (flow: FlowRecord) => void;
  readonly #native: NativeExporter;

  /**
   * @param onFlow called with every exported record (synchronously, from add/addBatch/expire/flush)
   * @param options timeouts, bound and seed
   */
  constructor(onFlow: (flow: FlowRecord) => void, options: FlowOptions = {}) {
    if (typeof onFlow !== 'function') throw argError('a function', 'onFlow', onFlow);
    this.#onFlow = onFlow;
    const a = addon();
    this.#native = new a.NativeExporter({ flows: true, ...nativeFlowOptions(options) });
  }

  /** Counters so far. */
  stats(): FlowStats {
    return this.#native.stats();
  }

  /**
   * Accounts one packet. Returns the flow's Community ID when the packet
   * belongs to a flow (computed once per flow), else undefined.
   */
  add(p: Packet): string | undefined {
    const u8 = p.mem.u8;
    const id = this.#native.addOne(u8.buffer as ArrayBuffer, u8.byteOffset + p.base);
    this.#deliver();
    return id;
  }

  /** Accounts every packet of a batch in one call (no per-packet Community IDs). */
  addBatch(batch: Batch): void {
    const r = batchRecords(batch);
    if (r === undefined) return;
    this.#native.add(r.buffer, r.byteOffset, r.count);
    this.#deliver();
  }

  /**
   * Exports the flows idle since before `now - idleTimeout` (seconds since the
   * epoch). `add` does it with each packet's time; live captures also call
   * it from a timer so that quiet flows still end.
   */
  expire(now: number): void {
    if (typeof now !== 'number' || !(now >= 0)) throw argError('seconds since the epoch', 'now', now);
    this.#native.expire(now);
    this.#deliver();
  }

  /** Exports every flow still held (reason `end`), oldest first. */
  flush(): void {
    this.#native.flush();
    this.#deliver();
  }

  #deliver(): void {
    const ended = this.#native.takeEnded();
    if (ended === undefined) return;
    for (const f of decodeFlows(ended)) this.#onFlow(f);
  }
}

const OPEN_NAMES: readonly FlowOpen[] = ['handshake', 'syn', 'midstream', 'packet', 'continued'];
const CLOSE_NAMES: readonly FlowClose[] = ['fin', 'rst', 'idle-timeout', 'active-timeout', 'evicted', 'end'];

/** Ended flows from the native layout (native/export/exporter.cc's FLOW_LAYOUT, offsets by name from the addon). */
function decodeFlows(buffer: ArrayBuffer): FlowRecord[] {
  const L = addon().flowLayout;
  const dv = new DataView(buffer);
  const u8 = new Uint8Array(buffer);
  const out: FlowRecord[] = [];
  const u64 = (at: number): number => dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 0x1_0000_0000;
  const words = (at: number): readonly [number, number, number, number] => [
    dv.getUint32(at),
    dv.getUint32(at + 4),
    dv.getUint32(at + 8),
    dv.getUint32(at + 12),
  ];
  for (let o = 0; o + L.size <= buffer.byteLength; o += L.size) {
    const v4 = u8[o + L.ipVersion!] === 4;
    const rec: FlowRecord = {
      communityId: '1:' + String.fromCharCode(...u8.subarray(o + L.communityId!, o + L.communityId! + 28)),
      ipVersion: v4 ? 4 : 6,
      proto: u8[o + L.proto!]!,
      src: v4 ? getIPv4(u8, o + L.src! + 12) : getIPv6(u8, o + L.src!),
      dst: v4 ? getIPv4(u8, o + L.dst! + 12) : getIPv6(u8, o + L.dst!),
      srcWords: words(o + L.src!),
      dstWords: words(o + L.dst!),
      sport: dv.getUint16(o + L.sport!, true),
      dport: dv.getUint16(o + L.dport!, true),
      firstNs: dv.getBigUint64(o + L.firstNs!, true),
      lastNs: dv.getBigUint64(o + L.lastNs!, true),
      packetsToDst: u64(o + L.packetsToDst!),
      bytesToDst: u64(o + L.bytesToDst!),
      packetsToSrc: u64(o + L.packetsToSrc!),
      bytesToSrc: u64(o + L.bytesToSrc!),
      tcpFlagsToDst: dv.getUint16(o + L.tcpFlagsToDst!, true),
      tcpFlagsToSrc: dv.getUint16(o + L.tcpFlagsToSrc!, true),
      retransToDst: dv.getUint32(o + L.retransToDst!, true),
      retransToSrc: dv.getUint32(o + L.retransToSrc!, true),
      open: OPEN_NAMES[u8[o + L.open!]!]!,
      close: CLOSE_NAMES[u8[o + L.close!]!]!,
    };
    if (u8[o + L.isIcmp!] === 1) {
      rec.icmpType = u8[o + L.icmpType!]!;
      rec.icmpCode = u8[o + L.icmpCode!]!;
      rec.icmpId = dv.getUint16(o + L.icmpId!, true);
    }
    const vlan = dv.getUint16(o + L.vlan!, true);
    if (vlan !== 0xffff) rec.vlan = vlan;
    out.push(rec);
  }
  return out;
}
