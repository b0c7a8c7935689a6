/**
 * Columns of a batch: one field of every record, gathered into a typed array,
 * for analytics that sum, count or histogram a field over millions of packets
 * without a Packet view per packet. Names follow Wireshark's display filter
 * fields where one exists (`tcp.dport`, `ip.ttl`, `frame.len`); a protocol's
 * column holds 0 for packets without that protocol. Every record field is also
 * a column under its record.def name (`wireLen`, `tcpFlags`, ...).
 */
import { Field, FieldType, LAYER_ICMP, LAYER_ICMPV6, LAYER_IPV4, LAYER_IPV6, LAYER_TCP, LAYER_UDP, RECORD_SIZE } from './record.gen';
import type { RecordMemory } from './packet';

type RecordField = keyof typeof Field;
/** What a column gathers: a record field, and the layers one of which must be present. */
interface ColumnSpec {
  readonly field: RecordField;
  readonly layers: number;
}

const IP = (1 << LAYER_IPV4) | (1 << LAYER_IPV6);
const ANY = 0;
const NAMED = {
  'frame.len': { field: 'wireLen', layers: ANY },
  'frame.cap_len': { field: 'capLen', layers: ANY },
  'frame.time_sec': { field: 'tsSec', layers: ANY },
  'frame.time_nsec': { field: 'tsNsec', layers: ANY },
  'ip.version': { field: 'ipVersion', layers: IP },
  'ip.proto': { field: 'ipProto', layers: IP },
  'ip.ttl': { field: 'ipTtl', layers: IP },
  'ip.len': { field: 'ipTotalLen', layers: IP },
  'ip.id': { field: 'ipId', layers: 1 << LAYER_IPV4 },
  'ip.dsfield': { field: 'ipTos', layers: IP },
  'tcp.srcport': { field: 'sport', layers: 1 << LAYER_TCP },
  'tcp.dstport': { field: 'dport', layers: 1 << LAYER_TCP },
  'tcp.sport': { field: 'sport', layers: 1 << LAYER_TCP },
  'tcp.dport': { field: 'dport', layers: 1 << LAYER_TCP },
  'tcp.flags': { field: 'tcpFlags', layers: 1 << LAYER_TCP },
  'tcp.seq': { field: 'tcpSeq', layers: 1 << LAYER_TCP },
  'tcp.ack': { field: 'tcpAck', layers: 1 << LAYER_TCP },
  'tcp.window_size_value': { field: 'tcpWindow', layers: 1 << LAYER_TCP },
  'udp.srcport': { field: 'sport', layers: 1 << LAYER_UDP },
  'udp.dstport': { field: 'dport', layers: 1 << LAYER_UDP },
  'udp.sport': { field: 'sport', layers: 1 << LAYER_UDP },
  'udp.dport': { field: 'dport', layers: 1 << LAYER_UDP },
  'udp.length': { field: 'udpLen', layers: 1 << LAYER_UDP },
  'icmp.type': { field: 'icmpType', layers: (1 << LAYER_ICMP) | (1 << LAYER_ICMPV6) },
  'icmp.code': { field: 'icmpCode', layers: (1 << LAYER_ICMP) | (1 << LAYER_ICMPV6) },
} as const satisfies Record<string, ColumnSpec>;

/** A column's name: a Wireshark-style field (`tcp.dport`) or a record field (`wireLen`). */
export type ColumnName = keyof typeof NAMED | Exclude<RecordField, 'ipSrc' | 'ipDst'>;

function specOf(name: string): ColumnSpec | undefined {
  if (Object.hasOwn(NAMED, name)) return NAMED[name as keyof typeof NAMED];
  if (Object.hasOwn(Field, name) && FieldType[name as RecordField] !== 'b16') return { field: name as RecordField, layers: ANY };
  return undefined;
}

/** Every column name, for help texts and checks. */
export const COLUMN_NAMES: readonly string[] = [...Object.keys(NAMED), ...Object.keys(Field).filter((f) => specOf(f))];

/** The typed array each storage type gathers into. */
export type Column = Uint32Array | Uint16Array | Uint8Array;

/** Gathers columns of one batch; its arrays are reused from batch to batch. */
export class ColumnGatherer {
  readonly #mem: RecordMemory;
  readonly #arrays = new Map<string, Column>();

  constructor(mem: RecordMemory) {
    this.#mem = mem;
  }

  gather(name: string, count: number): Column {
    const spec = specOf(name);
    if (!spec) throw new TypeError(`Unknown column '${String(name)}': expected one of ${COLUMN_NAMES.join(', ')}`);
    const type = FieldType[spec.field];
    let out = this.#arrays.get(name);
    if (!out || out.length < count) {
      const size = Math.max(count, 2048);
      out = type === 'u32' ? new Uint32Array(size) : type === 'u16' ? new Uint16Array(size) : new Uint8Array(size);
      this.#arrays.set(name, out);
    }
    const offset = Field[spec.field];
    const layersAt = Field.layers >>> 2;
    const u32 = this.#mem.u32;
    // Stride loops per storage type, each monomorphic: the fast way through fixed slots.
    if (type === 'u32') {
      const src = u32;
      const stride = RECORD_SIZE >>> 2;
      for (let i = 0, at = offset >>> 2, l = layersAt; i < count; i++, at += stride, l += stride) {
        out[i] = spec.layers === ANY || u32[l] & spec.layers ? src[at] : 0;
      }
    } else if (type === 'u16') {
      const src = this.#mem.u16;
      const stride = RECORD_SIZE >>> 1;
      for (let i = 0, at = offset >>> 1, l = layersAt; i < count; i++, at += stride, l += RECORD_SIZE >>> 2) {
        out[i] = spec.layers === ANY || u32[l] & spec.layers ? src[at] : 0;
      }
    } else {
      const src = this.#mem.u8;
      for (let i = 0, at = offset, l = layersAt; i < count; i++, at += RECORD_SIZE, l += RECORD_SIZE >>> 2) {
        out[i] = spec.layers === ANY || u32[l] & spec.layers ? src[at] : 0;
      }
    }
    return out.subarray(0, count);
  }
}
