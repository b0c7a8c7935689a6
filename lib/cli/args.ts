/**
 * Command-line parsing for `pktkit`. Small on purpose: the options are
 * tcpdump's where tcpdump has one (same letters, same long spellings), values
 * are checked exactly, and every mistake is a {@link UsageError} with one line
 * that says what was expected and what came.
 */

import { isIPv4, normalizeIPv6 } from '../layers/addr';

/** The subcommands. */
export type Command = 'ifaces' | 'capture' | 'read' | 'demo' | 'schema' | 'help' | 'version';

/** Everything the command line can say. */
export interface CliOptions {
  /** Which subcommand. */
  command: Command;
  /** `read`: the capture file. */
  file?: string;
  /** `-i`, `--interface`. */
  interface?: string;
  /** `-f FILTER`, or the words after the options as tcpdump takes them. */
  filter?: string;
  /** `-c`: stop after this many packets. */
  count?: number;
  /** `-s`, `--snapshot-length`. */
  snaplen?: number;
  /** `-w FILE`: pcap, or pcapng when the name ends in `.pcapng`. */
  write?: string;
  /** `-C`: rotate the `-w` file once it exceeds this many millions of bytes (tcpdump's unit). */
  fileSize?: number;
  /** `-W`: keep at most this many rotated files, reusing names in a ring. */
  fileCount?: number;
  /** `-x` (hex) or `-X` (hex and ASCII), tcpdump's layouts, from the network header. */
  hex?: 'x' | 'X';
  /** `-v`: direction, seq/ack, TCP options and an escaped hexdump of the payload. */
  verbose: boolean;
  /** `--json`: one JSON object per packet with Wireshark's field names. */
  json: boolean;
  /** `--follow`: print every TCP stream reassembled, at the end. */
  follow: boolean;
  /** `-q`: short lines (tcpdump's quick output) and no conversation table. */
  quiet: boolean;
  /** `--print`: print packets even while writing them with -w (tcpdump's --print). */
  print: boolean;
  /** `-S`, `--absolute`, `--absolute-tcp-sequence-numbers`: raw seq/ack instead of relative. */
  absolute: boolean;
  /** `-p`, `--no-promiscuous-mode`. */
  promisc: boolean;
  /** `--immediate-mode`. */
  immediate: boolean;
  /** `-B`, `--buffer-size`, in KiB as tcpdump. */
  bufferSize?: number;
  /** `-Q`, `--direction`. */
  direction?: 'in' | 'out' | 'inout';
  /** `--local ADDR` (repeatable): addresses that count as this host for `-v` directions. */
  local: string[];
  /** `-Z USER`, `--relinquish-privileges USER`: once the capture is open, become USER and drop every capability. */
  user?: string;
  /** `--flows`: print flow records (with --json: ECS JSON lines) instead of packets. */
  flows: boolean;
  /** `--ecs`: ECS JSON lines of packets (with their flow's community_id) and of flows as they end, in one stream. */
  ecs: boolean;
  /** `--to URL`: send packets and flows to ClickHouse (`clickhouse://host:port/db`). */
  to?: string;
  /** `--flows-only`: with --to, store flows but no packet rows. */
  flowsOnly: boolean;
  /** `--spool DIR`: capture --to: where batches wait while the server is away. */
  spool?: string;
  /** `--spool-size MB`: most the spool holds, in millions of bytes (default 256). */
  spoolSize?: number;
  /** `--sensor NAME`: the sensor name stored in every row (default: host name). */
  sensor?: string;
  /** `schema`: the database name the printed SQL uses. */
  database?: string;
}

/** A mistake on the command line; exits with status 2 and the usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface OptionSpec {
  key: keyof CliOptions;
  short?: string;
  long: string[];
  /** Takes a value. */
  value?: (raw: string, shown: string) => unknown;
  /** Sets this constant when present (flags). */
  flag?: unknown;
  /** May be given more than once (values collect in an array). */
  repeat?: boolean;
}

function integer(min: number, max: number, what: string): (raw: string, shown: string) => number {
  return (raw, shown) => {
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new UsageError(`Expected ${what} (${min}..${max}) for ${shown} but received '${raw}'`);
    }
    return Number(raw);
  };
}

function positiveNumber(what: string): (raw: string, shown: string) => number {
  return (raw, shown) => {
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(raw) || Number(raw) <= 0) {
      throw new UsageError(`Expected ${what} for ${shown} but received '${raw}'`);
    }
    return Number(raw);
  };
}

const text = (raw: string, shown: string): string => {
  if (raw === '') throw new UsageError(`Expected a non-empty value for ${shown}`);
  return raw;
};

/** An IPv4 or IPv6 address, in the form packets print it (RFC 5952 for IPv6). */
const address = (raw: string, shown: string): string => {
  const v6 = raw.includes(':') ? normalizeIPv6(raw) : undefined;
  if (v6 !== undefined) return v6;
  if (isIPv4(raw)) return raw;
  throw new UsageError(`Expected an IPv4 or IPv6 address for ${shown} but received '${raw}'`);
};

const OPTIONS: OptionSpec[] = [
  { key: 'interface', short: 'i', long: ['interface'], value: text },
  { key: 'filter', short: 'f', long: ['filter'], value: text },
  { key: 'count', short: 'c', long: [], value: integer(1, Number.MAX_SAFE_INTEGER, 'a positive integer') },
  { key: 'snaplen', short: 's', long: ['snapshot-length'], value: integer(0, 262144, 'a snap length') },
  { key: 'write', short: 'w', long: [], value: text },
  { key: 'fileSize', short: 'C', long: [], value: positiveNumber('a positive size in millions of bytes') },
  { key: 'fileCount', short: 'W', long: [], value: integer(1, 1_000_000, 'a file count') },
  { key: 'hex', short: 'x', long: [], flag: 'x' },
  { key: 'hex', short: 'X', long: [], flag: 'X' },
  { key: 'verbose', short: 'v', long: ['verbose'], flag: true },
  { key: 'json', long: ['json'], flag: true },
  { key: 'follow', long: ['follow'], flag: true },
  { key: 'quiet', short: 'q', long: ['quiet'], flag: true },
  { key: 'print', long: ['print'], flag: true },
  { key: 'absolute', short: 'S', long: ['absolute', 'absolute-tcp-sequence-numbers'], flag: true },
  { key: 'promisc', short: 'p', long: ['no-promiscuous-mode'], flag: false },
  { key: 'immediate', long: ['immediate-mode'], flag: true },
  { key: 'bufferSize', short: 'B', long: ['buffer-size'], value: integer(1, 2 ** 21, 'a buffer size in KiB') },
  {
    key: 'direction',
    short: 'Q',
    long: ['direction'],
    value: (raw, shown) => {
      if (raw !== 'in' && raw !== 'out' && raw !== 'inout') {
        throw new UsageError(`Expected 'in', 'out' or 'inout' for ${shown} but received '${raw}'`);
      }
      return raw;
    },
  },
  { key: 'local', long: ['local'], value: address, repeat: true },
  { key: 'user', short: 'Z', long: ['relinquish-privileges'], value: text },
  { key: 'flows', long: ['flows'], flag: true },
  { key: 'ecs', long: ['ecs'], flag: true },
  { key: 'to', long: ['to'], value: text },
  { key: 'flowsOnly', long: ['flows-only'], flag: true },
  { key: 'spool', long: ['spool'], value: text },
  { key: 'spoolSize', long: ['spool-size'], value: positiveNumber('a positive size in millions of bytes') },
  { key: 'sensor', long: ['sensor'], value: text },
];

/** tcpdump letters we accept and ignore because pktkit already behaves that way. */
const NO_OPS = new Set(['n', 'l', 'U']);

/** Which options each command takes. */
const ALLOWED: Record<Command, ReadonlySet<keyof CliOptions>> = {
  ifaces: new Set(['json']),
  capture: new Set(OPTIONS.map((o) => o.key)),
  read: new Set<keyof CliOptions>([
    'filter', 'count', 'write', 'fileSize', 'fileCount', 'hex', 'verbose', 'json', 'follow', 'quiet', 'print', 'absolute', 'local',
    'flows', 'ecs', 'to', 'flowsOnly', 'sensor',
  ]),
  demo: new Set<keyof CliOptions>(['hex', 'verbose', 'json', 'follow', 'quiet', 'absolute']),
  schema: new Set(),
  help: new Set(),
  version: new Set(),
};

const COMMANDS = new Set<Command>(['ifaces', 'capture', 'read', 'demo', 'schema', 'help', 'version']);

/** Parses `argv` (without node and the script). Throws {@link UsageError}. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {
    command: 'help',
    verbose: false,
    json: false,
    follow: false,
    quiet: false,
    print: false,
    absolute: false,
    promisc: true,
    immediate: false,
    local: [],
    flows: false,
    ecs: false,
    flowsOnly: false,
  };
  const seen = new Set<keyof CliOptions>();
  const words: string[] = [];
  const args = [...argv];
  if (args.length === 0) return opts;
  const first = args.shift()!;
  if (first === '-h' || first === '--help') return opts;
  if (first === '--version') return { ...opts, command: 'version' };
  if (!COMMANDS.has(first as Command)) {
    throw new UsageError(`Unknown command '${first}': expected one of ifaces, capture, read, demo, schema, help`);
  }
  opts.command = first as Command;

  const set = (spec: OptionSpec, shown: string, raw: string | undefined): void => {
    if (!ALLOWED[opts.command].has(spec.key)) throw new UsageError(`Option ${shown} does not apply to '${opts.command}'`);
    const record = opts as unknown as Record<string, unknown>;
    if (spec.value) {
      if (raw === undefined) throw new UsageError(`Option ${shown} needs a value`);
      const v = spec.value(raw, shown);
      if (spec.repeat) (record[spec.key] as unknown[]).push(v);
      else record[spec.key] = v;
    } else {
      record[spec.key] = spec.flag;
    }
    seen.add(spec.key);
  };

  let onlyWords = false;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (onlyWords || arg === '-' || !arg.startsWith('-')) {
      words.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyWords = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') return { ...opts, command: 'help' };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = OPTIONS.find((o) => o.long.includes(name));
      if (!spec) throw new UsageError(`Unknown option --${name}`);
      if (!spec.value && eq >= 0) throw new UsageError(`Option --${name} takes no value`);
      set(spec, `--${name}`, spec.value ? (eq >= 0 ? arg.slice(eq + 1) : args.shift()) : undefined);
      continue;
    }
    // Short options cluster like tcpdump's getopt: -vX, -c5, -i eth0.
    for (let i = 1; i < arg.length; i++) {
      const letter = arg[i]!;
      if (NO_OPS.has(letter)) continue;
      const spec = OPTIONS.find((o) => o.short === letter);
      if (!spec) throw new UsageError(`Unknown option -${letter}`);
      if (spec.value) {
        const rest = arg.slice(i + 1);
        set(spec, `-${letter}`, rest !== '' ? rest : args.shift());
        break;
      }
      set(spec, `-${letter}`, undefined);
    }
  }

  if (opts.command === 'read') {
    const file = words.shift();
    if (file === undefined) throw new UsageError("'read' needs a capture file: pktkit read FILE [options] [filter]");
    opts.file = file;
  }
  if (opts.command === 'schema' && words.length > 0) {
    const db = words.shift()!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(db)) throw new UsageError(`Expected a database name of letters, digits and _ for 'schema' but received '${db}'`);
    opts.database = db;
  }
  if (words.length > 0) {
    if (opts.command !== 'capture' && opts.command !== 'read') {
      throw new UsageError(`Unexpected argument '${words[0]}' for '${opts.command}'`);
    }
    if (seen.has('filter')) throw new UsageError(`Give the filter either with -f or after the options, not both ('${words.join(' ')}')`);
    opts.filter = words.join(' ');
  }
  if ((seen.has('fileSize') || seen.has('fileCount')) && !seen.has('write')) {
    throw new UsageError('-C and -W apply to the file written with -w');
  }
  if (seen.has('fileCount') && !seen.has('fileSize')) {
    throw new UsageError('-W needs -C (rotation by size)');
  }
  if (opts.json && (opts.hex || opts.verbose)) {
    throw new UsageError('--json cannot be combined with -v, -x or -X');
  }
  checkSensorOptions(opts, seen);
  return opts;
}

/** The sensor options (--flows, --to and what goes with them) against the rest. */
function checkSensorOptions(opts: CliOptions, seen: ReadonlySet<keyof CliOptions>): void {
  if ((seen.has('flowsOnly') || seen.has('spool') || seen.has('spoolSize') || seen.has('sensor')) && !seen.has('to')) {
    throw new UsageError('--flows-only, --spool, --spool-size and --sensor apply to --to');
  }
  const printing = (['write', 'hex', 'verbose', 'follow', 'print'] as const).filter((k) => seen.has(k));
  if (seen.has('to')) {
    if (!/^(clickhouse|https?):\/\//.test(opts.to!)) throw new UsageError(`Expected a URL like clickhouse://127.0.0.1:8123/db for --to but received '${opts.to}'`);
    if (opts.flows) throw new UsageError('--to stores flows already; use --flows-only to store only them');
    if (opts.json || printing.length > 0) throw new UsageError('--to cannot be combined with --json, -w, -x, -X, -v, --follow or --print');
  }
  if (opts.ecs && (opts.json || opts.flows || seen.has('to'))) throw new UsageError('--ecs prints packets and flows already: it takes no --json, --flows or --to');
  if ((opts.flows || opts.ecs) && printing.length > 0) throw new UsageError(`${opts.ecs ? '--ecs' : '--flows'} cannot be combined with -w, -x, -X, -v, --follow or --print`);
}

/** The help text. */
export const USAGE = `Usage:
  pktkit ifaces [--json]                    interfaces with addresses and flags
  pktkit capture [options] [filter]         live capture (default interface as tcpdump picks it)
  pktkit read FILE [options] [filter]       read a pcap or pcapng file
  pktkit demo [-v] [--follow] [--json]      an annotated HTTP exchange, no network needed
  pktkit schema [DATABASE]                  the ClickHouse tables --to creates (SQL)

Options (tcpdump's letters):
  -i, --interface IFACE      interface to capture on
  -f, --filter FILTER        BPF filter (or give it after the options, as tcpdump)
  -c COUNT                   stop after COUNT packets
  -s, --snapshot-length N    bytes kept per packet (0 = 262144)
  -w FILE                    write packets to FILE (.pcapng: pcapng, else pcap)
  -C MB  -W N                rotate FILE every MB million bytes, keeping N files
  -x | -X                    hex (-x) or hex and ASCII (-X) of each packet, tcpdump's layout
  -v, --verbose              direction, seq/ack, TCP options and an escaped hexdump
  -S, --absolute             absolute TCP sequence numbers (default: relative)
  -q, --quiet                short lines, no conversation table
      --print                print packets even while writing them with -w
  -p, --no-promiscuous-mode  do not put the interface into promiscuous mode
  -B, --buffer-size KiB      kernel capture buffer
  -Q, --direction in|out|inout
      --immediate-mode       deliver packets as they arrive
      --json                 one JSON object per packet, Wireshark's field names
      --follow               print each TCP stream reassembled (Follow TCP Stream)
      --local ADDR           treat ADDR as this host for -v directions (read: instead of this host's addresses)
  -Z, --relinquish-privileges USER
                             once the capture is open, become USER and drop every capability (needs root)

Flows and ClickHouse (sensor mode):
      --flows                print flow records instead of packets (--json: ECS JSON lines)
      --ecs                  ECS JSON lines: every packet (with its flow's community_id) and every flow as it ends
      --to URL               send packets and flows to ClickHouse: clickhouse://[user[:pass]@]host:port/db
      --flows-only           with --to: store flows, no packet rows
      --spool DIR            capture --to: batches wait on disk here while the server is away
      --spool-size MB        most the spool holds (default 256)
      --sensor NAME          sensor name stored in every row (default: host name)

Exit status: 0 done, 1 capture or file error, 2 usage, 3 no permission, 4 no such interface, 5 bad filter.
`;
