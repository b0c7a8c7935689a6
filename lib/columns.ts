/**
 * Columns of a batch: one field of every record as a typed array, for
 * analytics that sum, count or histogram a field over millions of packets
 * without a Packet view per packet. The hottest fields (frame.len, ip.proto,
 * TCP and UDP ports, tcp.flags) are written by the native dissector into
 * arrays of their own as it decodes (native/engine/columns.h), from the batch
 * in which one of them is first asked for: their column is a view of those
 * values, no copy. The others are gathered from the record slots. Names follow
 * Wireshark's display filter fields where one exists (`tcp.dport`, `ip.ttl`,
 * `frame.len`); a protocol's column holds 0 for packets without that protocol.
 * Every record field is also a column under its record.def name (`wireLen`,
 * `tcpFlags`, ...).
 */
import {
  Field,
  FieldType,
  LAYER_ICMP,
  LAYER_ICMPV6,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_TCP,
  LAYER_UDP,
  RECORD_SIZE,
} from './record.gen';
import type { RecordMemory } from './packet';
import { ruleError } from './args';

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
  if (Object.hasOwn(Field, name) && FieldType[name as RecordField] !== 'b16')
    return { field: name as RecordField, layers: ANY };
  return undefined;
}

/** Every column name, for help texts and checks. */
export const COLUMN_NAMES: readonly string[] = [...Object.keys(NAMED), ...Object.keys(Field).filter((f) => specOf(f))];

const WIDTH: Record<string, number> = { u8: 1, u16: 2, u32: 4 };

/** The typed array each storage type gathers into. */
export type Column = Uint32Array | Uint16Array | Uint8Array;

/** Where the native side writes columns: name → [byte offset in the record buffer, bytes per value]. */
export type NativeColumns = Readonly<Record<string, readonly [number, 1 | 2 | 4]>>;

/** One native column: the typed array over all of its values. */
type NativeColumn = Uint32Array | Uint16Array | Uint8Array;

/** Gathers columns of one batch; its arrays are reused from batch to batch. */
export class ColumnGatherer {
  readonly #mem: RecordMemory;
  readonly #arrays = new Map<string, Column>();
  /** Every name (aliases and record field names included) that a native column serves. */
  readonly #native = new Map<string, NativeColumn>();
  /** Asks the capture to write its native columns (for the batch it holds and every later one). */
  #wantColumns: (() => void) | undefined;

  constructor(mem: RecordMemory, native: NativeColumns = {}, wantColumns?: () => void) {
    this.#mem = mem;
    this.#wantColumns = wantColumns;
    const buffer = mem.u8.buffer;
    const served: { spec: ColumnSpec; array: NativeColumn }[] = [];
    for (const [name, [offset, width]] of Object.entries(native)) {
      const spec = specOf(name);
      // A column this side does not know, or whose type differs from the record field's, is not used.
      if (!spec || WIDTH[FieldType[spec.field]] !== width) continue;
      const length = (buffer.byteLength - offset) / width;
      const array =
        width === 4
          ? new Uint32Array(buffer, offset, length)
          : width === 2
            ? new Uint16Array(buffer, offset, length)
            : new Uint8Array(buffer, offset, length);
      served.push({ spec, array });
    }
    for (const name of COLUMN_NAMES) {
      const spec = specOf(name) as ColumnSpec;
      const hit = served.find((s) => s.spec.field === spec.field && s.spec.layers === spec.layers);
      if (hit) this.#native.set(name, hit.array);
    }
  }

  /** The column `name` of the first `count` records: a view of a native column, or gathered. */
  column(name: string, count: number): Column {
    const native = this.#native.get(name);
    if (native === undefined) return this.gather(name, count);
    if (this.#wantColumns !== undefined) {
      this.#wantColumns();
      this.#wantColumns = undefined;
    }
    return native.subarray(0, count);
  }

  /** The column gathered from the record slots, whether or not the native side writes it. */
  gather(name: string, count: number): Column {
    const spec = specOf(name);
    if (!spec) throw ruleError('', `Unknown column '${String(name)}': expected one of ${COLUMN_NAMES.join(', ')}`);
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
