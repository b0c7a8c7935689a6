/**
 * A ClickHouse sink for packets and flows: rows are staged column by column by
 * the addon (native/export/exporter.cc), straight from the record slots, one
 * N-API call per batch of packets: each record goes through the native flow
 * table and its values are staged as a packet row with its flow's Community
 * ID; flows that end are staged as flow rows, with no JS object per row. A
 * full batch is encoded natively as one block of ClickHouse's columnar Native
 * format, its rows in the table's sorting-key order (the server then finds the
 * block sorted and skips its own sort), and sent with the official client
 * (`@clickhouse/client`) as `INSERT ... FORMAT Native`, one insert in flight
 * while the next batch is staged (the server inserts on the other core).
 *
 * - Deduplication: every row carries its batch's id (`sensor`, `batch_id`).
 *   When an insert fails without an answer from the server (connection
 *   reset, timeout, server killed), it may still have been stored; before
 *   sending it again the sink asks how many rows of that batch the table
 *   has, and sends it only when none. A batch is one insert block (batches are
 *   at most 1,000,000 rows, below `max_insert_block_size`), which ClickHouse
 *   stores whole or not at all.
 * - Backpressure: at most `maxPending` batches wait in memory. Beyond that,
 *   without a spool, {@link ClickHouseSink.full} turns true and
 *   {@link ClickHouseSink.ready} waits (reading a file slows down); with a
 *   spool (live captures) further batches are written to files in the spool
 *   directory, up to `spool.maxBytes`, and sent once the server takes them
 *   again; what does not fit is dropped and counted.
 * - A spool directory left by an earlier run is sent first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { argError } from '../args';
import { PktkitError } from '../errors';
import { addon, type NativeExporter } from '../binding';
import type { Batch } from '../capture';
import { batchRecords, nativeFlowOptions, type FlowOptions, type FlowStats } from '../flow/table';
import type { Packet } from '../packet';
import { RECORD_SIZE } from '../record.gen';
import { createTableSql, quoteIdent, TABLES, type TableName } from './schema';

/** Where to send: parsed from `clickhouse://[user[:password]@]host[:port]/database` (or http://, https://). */
export interface ClickHouseTarget {
  /** HTTP(S) URL of the server's HTTP interface. */
  url: string;
  database: string;
  username: string;
  password: string;
}

/** Parses a sink URL; the port defaults to 8123 (HTTP), the database to `pktkit`. */
export function parseClickHouseUrl(text: string): ClickHouseTarget {
  if (typeof text !== 'string') throw argError('a clickhouse:// URL', 'url', text);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw argError('a URL like clickhouse://127.0.0.1:8123/db', 'url', text);
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!['clickhouse', 'http', 'https'].includes(scheme))
    throw argError('a clickhouse://, http:// or https:// URL', 'url', text);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'pktkit';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw argError('a database name of letters, digits and _', 'url', text);
  const port = u.port === '' ? (scheme === 'https' ? '8443' : '8123') : u.port;
  return {
    url: `${scheme === 'https' ? 'https' : 'http'}://${u.hostname}:${port}`,
    database,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password) || process.env.PKTKIT_CLICKHOUSE_PASSWORD || '',
  };
}

/** Options of {@link ClickHouseSink.open}. */
export interface ClickHouseSinkOptions {
  /** Store a row per packet (default true; false: flows only). */
  packets?: boolean;
  /** Store flow records (default true), with these flow-table options. */
  flows?: boolean | FlowOptions;
  /** Sensor name stored in every row (default: the host name). */
  sensor?: string;
  /** Interface name stored in packet rows (default ''). */
  iface?: string;
  /** Rows per insert (default 100,000; at most 1,000,000). */
  batchRows?: number;
  /** Send a partial batch after this many ms (default 1000); also drives flow timeouts on the wall clock when `live`. */
  flushIntervalMs?: number;
  /** Batches waiting in memory before backpressure or spooling (default 4). */
  maxPending?: number;
  /** Live capture: expire flows on the wall clock even when no packets come. */
  live?: boolean;
  /** A disk spool for batches the server cannot take now (live captures). */
  spool?: { dir: string; maxBytes: number };
  /** Give up (the sink fails) when one batch could not be sent for this long (default: 60 s without spool, never with one). */
  retryForMs?: number;
  /** Per-request timeout in ms (default 30,000). */
  requestTimeoutMs?: number;
}

/** Counters of a {@link ClickHouseSink}. */
export interface ClickHouseSinkStats {
  /** Packets given to add(). */
  packets: number;
  /** Flow records exported by the flow table. */
  flows: number;
  /** Packet rows the server acknowledged. */
  packetRowsSent: number;
  /** Flow rows the server acknowledged. */
  flowRowsSent: number;
  /** Inserts acknowledged. */
  batchesSent: number;
  /** Native-format bytes sent in acknowledged inserts. */
  bytesSent: number;
  /** Insert attempts that failed and were retried. */
  retries: number;
  /** Batches found already stored when retried (not sent twice). */
  deduplicated: number;
  /** Rows waiting in the spool now. */
  spooledRows: number;
  /** Rows ever written to the spool. */
  spooledTotal: number;
  /** Rows dropped because the spool was full. */
  droppedRows: number;
  /** Rows waiting in memory (batches not yet acknowledged). */
  pendingRows: number;
}

/** The input formats of batches: Native from this encoder; RowBinary only in a spool written by an earlier version. */
type Format = 'Native' | 'RowBinary';

interface Job {
  table: TableName;
  id: bigint;
  rows: number;
  format: Format;
  data?: Buffer;
  file?: string;
  bytes: number;
}

/** Spool file suffix of each format. */
const SPOOL_SUFFIX: Record<Format, string> = { Native: 'native', RowBinary: 'rowbinary' };

const MAX_BATCH_ROWS = 1_000_000;
/** Acknowledged blocks kept for reuse. */
const MAX_SPARES = 2;
/** ClickHouse error codes that mean the credentials were refused (18.x and current). */
const AUTH_CODES = new Set(['192', '193', '194', '516']);
/** Server answers that will not change by retrying: the data or the schema is wrong. */
const FATAL_CODES = new Set([
  '16',
  '27',
  '33',
  '44',
  '47',
  '53',
  '60',
  '62',
  '81',
  '117',
  '192',
  '193',
  '194',
  '497',
  '516',
]);

/** The server's error code: the client parses current servers' errors; 18.x writes `Code: 193, e.displayText() = ...`. */
function serverCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return code;
  const m = /^Code: (\d+)[,.]/.exec(e instanceof Error ? e.message : '');
  return m ? m[1] : undefined;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/\s+/g, ' ').trim();
}

function sqlString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => '\\' + c)}'`;
}

function intOption(v: unknown, min: number, max: number, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw argError(`an integer ${min}..${max}`, name, v);
  return v;
}

/**
 * Sends packets and flows to ClickHouse. Open it with {@link ClickHouseSink.open}
 * (creates the database and tables, or checks them), `add()` every packet,
 * `await ready()` when `full`, and `await close()` at the end.
 *
 * ```ts
 * const sink = await ClickHouseSink.open('clickhouse://127.0.0.1:8123/net');
 * for await (const p of openFile('big.pcapng')) {
 *   sink.add(p);
 *   if (sink.full) await sink.ready();
 * }
 * await sink.close();
 * ```
 */
export class ClickHouseSink {
  readonly target: ClickHouseTarget;
  readonly #client: ClickHouseClient;
  readonly #flowsOn: boolean;
  readonly #native: NativeExporter;
  readonly #sensor: string;
  readonly #batchRows: number;
  readonly #maxPending: number;
  readonly #spool: { dir: string; maxBytes: number } | undefined;
  readonly #retryForMs: number;
  readonly #queue: Job[] = [];
  readonly #spooled: Job[] = [];
  /** Blocks the server acknowledged, whose memory the next batches are encoded into (no fresh pages to fault in). */
  readonly #spares: Uint8Array[] = [];
  #spoolBytes = 0;
  readonly #spoolWrites = new Set<Promise<void>>();
  readonly #stats: ClickHouseSinkStats = {
    packets: 0,
    flows: 0,
    packetRowsSent: 0,
    flowRowsSent: 0,
    batchesSent: 0,
    bytesSent: 0,
    retries: 0,
    deduplicated: 0,
    spooledRows: 0,
    spooledTotal: 0,
    droppedRows: 0,
    pendingRows: 0,
  };
  #timer: NodeJS.Timeout | undefined;
  #pump: Promise<void> | undefined;
  #wakePump: (() => void) | undefined;
  #waiters: Array<() => void> = [];
  #failure: Error | undefined;
  #closing = false;

  private constructor(target: ClickHouseTarget, client: ClickHouseClient, options: ClickHouseSinkOptions) {
    this.target = target;
    this.#client = client;
    this.#sensor = options.sensor ?? os.hostname();
    this.#batchRows = intOption(options.batchRows, 1, MAX_BATCH_ROWS, 'batchRows') ?? 100_000;
    this.#maxPending = intOption(options.maxPending, 1, 1024, 'maxPending') ?? 4;
    this.#spool = options.spool;
    this.#retryForMs = options.retryForMs ?? (options.spool ? Infinity : 60_000);
    const flowOptions = options.flows ?? true;
    this.#flowsOn = flowOptions !== false;
    const columns = (t: TableName): Array<[string, string]> => TABLES[t].columns.map((c) => [c.name, c.type]);
    this.#native = new (addon().NativeExporter)({
      flows: this.#flowsOn,
      ...nativeFlowOptions(typeof flowOptions === 'object' ? flowOptions : {}),
      packetColumns: (options.packets ?? true) ? columns('packets') : undefined,
      packetKey: TABLES.packets.orderBy,
      flowColumns: this.#flowsOn ? columns('flows') : undefined,
      flowKey: TABLES.flows.orderBy,
      sensor: this.#sensor,
      iface: options.iface ?? '',
      batchBase: BigInt(Date.now()) << 20n,
      batchRows: this.#batchRows,
    });
    const interval = intOption(options.flushIntervalMs, 10, 3_600_000, 'flushIntervalMs') ?? 1000;
    const live = options.live === true;
    this.#timer = setInterval(() => {
      if (live) {
        this.#native.expire(Date.now() / 1000);
        this.#settle();
      }
      this.#cut('packets');
      this.#cut('flows');
    }, interval);
    this.#timer.unref();
  }

  /**
   * Connects, creates the database and the tables `packets` and `flows` when
   * they do not exist, and checks them when they do.
   *
   * @throws PktkitError `ECLICKHOUSE_AUTH` when the credentials are refused,
   *   `ECLICKHOUSE_SCHEMA` when a table exists with other columns,
   *   `ECLICKHOUSE` when the server cannot be reached or refuses otherwise.
   */
  static async open(url: string, options: ClickHouseSinkOptions = {}): Promise<ClickHouseSink> {
    if (options === null || typeof options !== 'object') throw argError('an options object', 'options', options);
    const target = parseClickHouseUrl(url);
    if (options.spool !== undefined) {
      const s = options.spool as unknown;
      if (s === null || typeof s !== 'object' || typeof options.spool.dir !== 'string')
        throw argError('{ dir: string, maxBytes: number }', 'spool', s);
      intOption(options.spool.maxBytes, 0, Number.MAX_SAFE_INTEGER, 'spool.maxBytes');
    }
    if (options.sensor !== undefined && typeof options.sensor !== 'string')
      throw argError('a string', 'sensor', options.sensor);
    if (options.iface !== undefined && typeof options.iface !== 'string')
      throw argError('a string', 'iface', options.iface);
    if (options.flows !== undefined && typeof options.flows !== 'boolean') nativeFlowOptions(options.flows);
    // Loaded here, not with pktkit: only a sink needs the client and its dependencies.
    const { createClient, ClickHouseLogLevel } = require('@clickhouse/client') as typeof import('@clickhouse/client');
    const client = createClient({
      url: target.url,
      username: target.username,
      password: target.password,
      request_timeout: intOption(options.requestTimeoutMs, 100, 3_600_000, 'requestTimeoutMs') ?? 30_000,
      max_open_connections: 2,
      keep_alive: { enabled: false },
      // Failures are the sink's to report (stats, one error), not the client's to print.
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      await ensureSchema(client, target);
    } catch (e) {
      await client.close();
      throw e;
    }
    const sink = new ClickHouseSink(target, client, options);
    if (options.spool !== undefined) sink.#loadSpool();
    sink.#pump = sink.#run();
    return sink;
  }

  /** Counters so far. */
  stats(): ClickHouseSinkStats {
    const flows = this.#flowsOn ? this.#native.stats().exported : 0;
    return {
      ...this.#stats,
      flows,
      pendingRows: this.#queue.reduce((n, j) => n + j.rows, 0) + this.#native.rows(0) + this.#native.rows(1),
    };
  }

  /** Flow-table counters (undefined when flows are off). */
  flowStats(): FlowStats | undefined {
    return this.#flowsOn ? this.#native.stats() : undefined;
  }

  /** True when the caller should `await ready()` before adding more (no spool and too many batches waiting). */
  get full(): boolean {
    return this.#spool === undefined && this.#queue.length >= this.#maxPending;
  }

  /** Resolves when there is room again (or rejects when the sink failed). */
  async ready(): Promise<void> {
    while (this.full && this.#failure === undefined) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#failure) throw this.#failure;
  }

  /** Accounts one packet: its flow, and its row (encoded now: the view may be reused after). */
  add(p: Packet): void {
    if (this.#failure) throw this.#failure;
    this.#stats.packets++;
    const u8 = p.mem.u8;
    while (this.#native.add(u8.buffer as ArrayBuffer, u8.byteOffset + p.base, 1) === 0) this.#settle();
    this.#settle();
  }

  /**
   * Accounts every packet of a batch (from `capture.batches()`) in one native
   * call per filled insert batch: the fast way, no JS per packet.
   */
  addBatch(batch: Batch): void {
    if (this.#failure) throw this.#failure;
    const r = batchRecords(batch);
    if (r === undefined) return;
    this.#stats.packets += r.count;
    for (let done = 0; done < r.count;) {
      done += this.#native.add(r.buffer, r.byteOffset + done * RECORD_SIZE, r.count - done);
      this.#settle();
    }
  }

  /** Cuts the batches that are full, until the ended flows waiting for room are all written. */
  #settle(): void {
    if (this.#native.rows(0) >= this.#batchRows) this.#cut('packets');
    while (this.#native.rows(1) >= this.#batchRows) {
      this.#cut('flows');
      this.#native.drain();
    }
  }

  /**
   * Ends: exports the remaining flows, sends what is left and waits for the
   * server. With a spool, what the server did not take within `timeoutMs`
   * stays in the spool for the next run; without one, a batch that cannot be
   * sent rejects close() with the error.
   */
  async close(timeoutMs = 30_000): Promise<ClickHouseSinkStats> {
    if (this.#closing) {
      await this.#pump;
      return this.stats();
    }
    this.#native.flush();
    this.#settle();
    this.#cut('packets');
    this.#cut('flows');
    this.#closing = true;
    clearInterval(this.#timer);
    this.#wakePump?.();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(r, timeoutMs, 'timeout')));
    try {
      const r = await Promise.race([this.#pump, timedOut]);
      if (r === 'timeout' && this.#spool !== undefined) {
        // The pump stops at its next wait; what is in memory goes to the spool.
        this.#failure ??= new PktkitError('closed', { code: 'ECLOSED' });
        this.#wakePump?.();
        await this.#pump;
        await Promise.all(this.#spoolWrites);
        for (const j of this.#queue.splice(0)) if (j.file === undefined) await this.#toSpool(j);
      } else if (r === 'timeout') {
        throw new PktkitError(
          `ClickHouse at ${this.target.url} did not take the last ${this.stats().pendingRows} rows within ${timeoutMs} ms`,
          { code: 'ECLICKHOUSE' },
        );
      }
    } finally {
      clearTimeout(timer);
      await this.#client.close();
    }
    if (this.#failure && this.#failure.message !== 'closed') throw this.#failure;
    return this.stats();
  }

  /** Closes the batch being filled and queues it (memory, or spool when memory is full and a spool exists). */
  #cut(table: TableName): void {
    const spare = this.#spares.pop();
    const taken = this.#native.take(table === 'packets' ? 0 : 1, spare);
    if (taken === undefined) {
      if (spare !== undefined) this.#spares.push(spare);
      return;
    }
    const [block, rows, id] = taken;
    if (spare !== undefined && block.buffer !== spare.buffer) this.#spares.push(spare);
    const data = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    const job: Job = { table, id, rows, format: 'Native', data, bytes: data.length };
    if (this.#spool !== undefined && this.#queue.length >= this.#maxPending) {
      const write = this.#toSpool(job).then(() => {
        this.#spoolWrites.delete(write);
        this.#wakePump?.();
      });
      this.#spoolWrites.add(write);
      return;
    }
    this.#queue.push(job);
    this.#wakePump?.();
  }

  async #toSpool(job: Job): Promise<void> {
    const spool = this.#spool!;
    if (this.#spoolBytes + job.bytes > spool.maxBytes) {
      this.#stats.droppedRows += job.rows;
      return;
    }
    this.#spoolBytes += job.bytes;
    const name = `${job.id}-${job.table}-${job.rows}.${SPOOL_SUFFIX[job.format]}`;
    const file = path.join(spool.dir, name);
    try {
      await fs.promises.mkdir(spool.dir, { recursive: true });
      await fs.promises.writeFile(file + '.tmp', job.data!);
      await fs.promises.rename(file + '.tmp', file);
    } catch {
      this.#spoolBytes -= job.bytes;
      this.#stats.droppedRows += job.rows;
      return;
    }
    this.#stats.spooledRows += job.rows;
    this.#stats.spooledTotal += job.rows;
    this.#spooled.push({ table: job.table, id: job.id, rows: job.rows, format: job.format, file, bytes: job.bytes });
  }

  /** Batches a previous run left in the spool directory. */
  #loadSpool(): void {
    const dir = this.#spool!.dir;
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const m = /^(\d+)-(packets|flows)-(\d+)\.(native|rowbinary)$/.exec(name);
      if (!m) continue;
      const file = path.join(dir, name);
      const bytes = fs.statSync(file).size;
      const format: Format = m[4] === 'native' ? 'Native' : 'RowBinary';
      this.#spoolBytes += bytes;
      this.#stats.spooledRows += Number(m[3]);
      this.#spooled.push({ table: m[2] as TableName, id: BigInt(m[1]!), rows: Number(m[3]), format, file, bytes });
    }
  }

  /** The one sender: memory first, then the spool; one insert in flight. */
  async #run(): Promise<void> {
    for (;;) {
      if (this.#failure) return;
      const job = this.#queue[0] ?? this.#spooled[0];
      if (job === undefined) {
        if (this.#spoolWrites.size > 0) {
          await Promise.all(this.#spoolWrites);
          continue;
        }
        if (this.#closing) return;
        await new Promise<void>((r) => (this.#wakePump = r));
        this.#wakePump = undefined;
        continue;
      }
      try {
        await this.#send(job);
      } catch (e) {
        this.#failure = e as Error;
        for (const w of this.#waiters.splice(0)) w();
        return;
      }
      if (job.file !== undefined) {
        this.#spooled.shift();
        this.#spoolBytes -= job.bytes;
        this.#stats.spooledRows -= job.rows;
        await fs.promises.rm(job.file, { force: true });
      } else {
        this.#queue.shift();
        // Sent and acknowledged: nothing reads its memory any more.
        if (this.#spares.length < MAX_SPARES) this.#spares.push(new Uint8Array(job.data!.buffer));
      }
      for (const w of this.#waiters.splice(0)) w();
    }
  }

  /** Sends one batch until the server has it exactly once. */
  async #send(job: Job): Promise<void> {
    const table = `${quoteIdent(this.target.database)}.${job.table}`;
    let uncertain = job.file !== undefined; // a spooled batch may have been sent by an earlier run
    let delay = 100;
    const started = Date.now();
    for (;;) {
      if (this.#failure) throw this.#failure;
      try {
        if (uncertain) {
          const rs = await this.#client.query({
            query: `SELECT count() AS n FROM ${table} WHERE sensor = ${sqlString(this.#sensor)} AND batch_id = ${job.id}`,
            format: 'JSONEachRow',
          });
          const [{ n }] = (await rs.json()) as [{ n: string | number }];
          if (Number(n) === job.rows) {
            this.#stats.deduplicated++;
            this.#acknowledge(job);
            return;
          }
          if (Number(n) !== 0)
            throw new PktkitError(
              `ClickHouse holds ${n} of the ${job.rows} rows of batch ${job.id} in ${table}: a partial insert`,
              { code: 'ECLICKHOUSE' },
            );
          uncertain = false;
        }
        const data = job.data ?? (await fs.promises.readFile(job.file!));
        const r = await this.#client.exec({
          query: `INSERT INTO ${table} FORMAT ${job.format}`,
          values: Readable.from([data]),
        });
        r.stream.resume();
        this.#acknowledge(job);
        return;
      } catch (e) {
        if (e instanceof PktkitError) throw e;
        const code = serverCode(e);
        if (code !== undefined && AUTH_CODES.has(code)) throw authError(this.target, e);
        if (code !== undefined && FATAL_CODES.has(code))
          throw new PktkitError(`ClickHouse refused rows for ${table}: ${firstLine(e)}`, { code: 'ECLICKHOUSE' });
        // No answer (or a transient one): the insert may or may not be stored.
        if (code === undefined) uncertain = true;
        this.#stats.retries++;
        if (Date.now() - started > this.#retryForMs)
          throw new PktkitError(
            `ClickHouse at ${this.target.url} did not take a batch for ${Math.round((Date.now() - started) / 1000)} s: ${firstLine(e)}`,
            { code: 'ECLICKHOUSE' },
          );
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  #acknowledge(job: Job): void {
    this.#stats.batchesSent++;
    this.#stats.bytesSent += job.bytes;
    if (job.table === 'packets') this.#stats.packetRowsSent += job.rows;
    else this.#stats.flowRowsSent += job.rows;
  }
}

function authError(target: ClickHouseTarget, e: unknown): PktkitError {
  return new PktkitError(
    `ClickHouse at ${target.url} refused the credentials of user '${target.username}': ${firstLine(e)}`,
    { code: 'ECLICKHOUSE_AUTH' },
  );
}

/** Creates the database and tables when missing; checks the columns of existing ones. */
async function ensureSchema(client: ClickHouseClient, target: ClickHouseTarget): Promise<void> {
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(target.database)}` });
    for (const table of Object.keys(TABLES) as TableName[]) {
      await client.command({ query: createTableSql(target.database, table) });
      const rs = await client.query({
        query: `SELECT name, type FROM system.columns WHERE database = ${sqlString(target.database)} AND table = '${table}'`,
        format: 'JSONEachRow',
      });
      const have = (await rs.json()) as Array<{ name: string; type: string }>;
      const want = TABLES[table].columns;
      for (let i = 0; i < Math.max(have.length, want.length); i++) {
        const h = have[i];
        const w = want[i];
        if (h?.name !== w?.name || h?.type !== w?.type) {
          throw new PktkitError(
            `ClickHouse table ${target.database}.${table} does not have pktkit's schema: column ${i + 1} is ${h ? `${h.name} ${h.type}` : 'missing'}, expected ${w ? `${w.name} ${w.type}` : 'none'} (see pktkit schema)`,
            { code: 'ECLICKHOUSE_SCHEMA' },
          );
        }
      }
    }
  } catch (e) {
    if (e instanceof PktkitError) throw e;
    const code = serverCode(e);
    if (code !== undefined && AUTH_CODES.has(code)) throw authError(target, e);
    throw new PktkitError(`ClickHouse at ${target.url}: ${firstLine(e)}`, { code: 'ECLICKHOUSE' });
  }
}
