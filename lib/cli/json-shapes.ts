/**
 * `--json=ek` and `--json=json`: the flat fields of each packet (json-fields.ts)
 * in the two shapes tshark writes when asked for fields with `-e`:
 *
 * - `-T ek` (Elasticsearch bulk): per packet an `{"index":{"_index":"packets-YYYY-MM-DD","_type":"doc"}}`
 *   line, then `{"timestamp":"<epoch ms>","layers":{"ip_src":["198.18.0.1"],...}}`
 *   (dots in names become underscores);
 * - `-T json`: one array of `{"_index":...,"_type":"doc","_score":null,"_source":{"layers":{"ip.src":["198.18.0.1"],...}}}`.
 *
 * Values are typed as tshark types them there: every field an array of
 * strings, as `-T fields` prints each occurrence (so `"tcp.srcport":["54602"]`,
 * `"ip.id":["0xf299"]`).
 */
import type { PacketFields } from './json-fields';

/** The shapes of --json. */
export type JsonStyle = 'flat' | 'ek' | 'json';

const two = (n: number): string => String(n).padStart(2, '0');

/** tshark's index name: the packet's local date. */
function indexName(tsSec: number): string {
  const d = new Date(tsSec * 1000);
  return `packets-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** Every value as tshark's array of strings. */
function layers(fields: PacketFields, key: (name: string) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, v] of Object.entries(fields)) out[key(name)] = (Array.isArray(v) ? v : [v]).map(String);
  return out;
}

/** Writes packets in one of the shapes; `begin`/`end` frame the whole output (the array of -T json). */
export class JsonShaper {
  private count = 0;

  constructor(readonly style: JsonStyle) {}

  /** Text before the first packet. */
  begin(): string {
    return '';
  }

  /** The text of one packet. */
  packet(fields: PacketFields, tsSec: number, tsNsec: number): string {
    this.count++;
    if (this.style === 'flat') return JSON.stringify(fields) + '\n';
    const index = indexName(tsSec);
    if (this.style === 'ek') {
      const ms = BigInt(tsSec) * 1000n + BigInt(Math.floor(tsNsec / 1_000_000));
      return `{"index":{"_index":"${index}","_type":"doc"}}\n${JSON.stringify({ timestamp: String(ms), layers: layers(fields, (n) => n.replace(/\./g, '_')) })}\n`;
    }
    const doc = { _index: index, _type: 'doc', _score: null, _source: { layers: layers(fields, (n) => n) } };
    const text = JSON.stringify(doc, null, 2).replace(/^/gm, '  ');
    return `${this.count === 1 ? '[\n' : ',\n'}${text}`;
  }

  /** Text after the last packet: the end of -T json's array (`[]` when there was no packet). */
  end(): string {
    if (this.style !== 'json') return '';
    return this.count === 0 ? '[\n]\n' : '\n]\n';
  }
}
