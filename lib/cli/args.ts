/**
 * Command-line parsing for `pktkit`. Small on purpose: the options are
 * tcpdump's where tcpdump has one (same letters, same long spellings), values
 * are checked exactly, and every mistake is a {@link UsageError} with one line
 * that says what was expected and what came.
 */

import { isIPv4, normalizeIPv6 } from '../layers/addr';

/** The subcommands. */
export type Command = 'ifaces' | 'capture' | 'read' | 'demo' | 'schema' | 'help' | 'version';

/** tcpdump's timestamp styles: none of -t (0) up to -ttttt (5). */
export type TimeStyle = 0 | 1 | 2 | 3 | 4 | 5;

/** Everything the command line can say. */
export interface CliOptions {
  /** Which subcommand. */
  command: Command;
  /** `read`: the capture file (`read FILE`, or `-r FILE` as tcpdump). */
  file?: string;
  /** `-D`, `--list-interfaces`: `ifaces` as tcpdump -D prints it (numbered names and flags only). */
  listInterfaces: boolean;
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
  /** How many times -v was given (`-vv` 2, `-vvv` 3): -vv adds checksums, -vvv the link header. */
  verbosity: number;
  /** `-A`: each packet's bytes from the network header in ASCII, as tcpdump -A (-x/-X win when both are given). */
  ascii: boolean;
  /** `-e`: the link-level header on each line (MAC addresses, ethertype; interface and direction on `any`). */
  linkHeader: boolean;
  /** `-t` .. `-ttttt`: timestamp style (0 = tcpdump's default `HH:MM:SS.frac`). */
  timeStyle: TimeStyle;
  /** `--time-stamp-precision`, `--micro`, `--nano`: digits of the printed fraction. */
  precision: 'micro' | 'nano';
  /** `-#`, `--number`: a packet number before each line. */
  number: boolean;
  /** `-F FILE`: the filter expression read from FILE (`#` starts a comment to the end of the line). */
  filterFile?: string;
  /** `-y`, `--linktype`: link type of a live capture (libpcap's name, e.g. LINUX_SLL2, or a DLT number). */
  linkType?: string;
  /** `-G SECONDS`: start a new -w file every SECONDS; the -w name is a strftime pattern. */
  rotateSeconds?: number;
  /** `--follow N`: only TCP stream N (tshark's `-z follow,tcp,ascii,N`). */
  followStream?: number;
  /** `--json`: one JSON object per packet with Wireshark's field names. */
  json: boolean;
  /**
   * `--json=STYLE`: `flat` (default: one object of `field: value`), `ek` (tshark -T ek's
   * `{"index":...}` + `{"timestamp":...,"layers":{...}}` line pairs) or `json` (tshark -T json's array).
   */
  jsonStyle: 'flat' | 'ek' | 'json';
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
  /** Counts how often it is given (-v, -vv; -t .. -ttttt). */
  count?: boolean;
  /** Takes a value only when the next word has this shape (`--follow` or `--follow 3`). */
  optionalValue?: RegExp;
  /** The optional value is only taken as `--name=value` (the next word stays a filter word). */
  onlyAfterEquals?: boolean;
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
  { key: 'verbosity', short: 'v', long: ['verbose'], count: true },
  { key: 'ascii', short: 'A', long: [], flag: true },
  { key: 'linkHeader', short: 'e', long: [], flag: true },
  { key: 'timeStyle', short: 't', long: [], count: true },
  {
    key: 'precision',
    long: ['time-stamp-precision'],
    value: (raw, shown) => {
      if (raw !== 'micro' && raw !== 'nano')
        throw new UsageError(`Expected 'micro' or 'nano' for ${shown} but received '${raw}'`);
      return raw;
    },
  },
  { key: 'precision', long: ['micro'], flag: 'micro' },
  { key: 'precision', long: ['nano'], flag: 'nano' },
  { key: 'number', short: '#', long: ['number'], flag: true },
  { key: 'file', short: 'r', long: [], value: text },
  { key: 'listInterfaces', short: 'D', long: ['list-interfaces'], flag: true },
  { key: 'filterFile', short: 'F', long: [], value: text },
  {
    key: 'linkType',
    short: 'y',
    long: ['linktype'],
    value: (raw, shown) => {
      if (!/^[A-Za-z0-9_]+$/.test(raw))
        throw new UsageError(
          `Expected a link type name such as LINUX_SLL2 or EN10MB, or a DLT number, for ${shown} but received '${raw}'`,
        );
      return raw;
    },
  },
  { key: 'rotateSeconds', short: 'G', long: [], value: integer(1, 31_536_000, 'a rotation interval in seconds') },
  { key: 'json', long: ['json'], flag: true, optionalValue: /^(flat|ek|json)$/, onlyAfterEquals: true },
  { key: 'follow', long: ['follow'], flag: true, optionalValue: /^\d+$/ },
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

/**
 * tcpdump letters we accept and ignore because pktkit already behaves that way:
 * -n/-nn (pktkit never resolves names or ports), -l and -U (output is flushed
 * within milliseconds, -w files once a second), -K (pktkit does not verify
 * checksums before printing; -vv shows them).
 */
const NO_OPS = new Set(['n', 'l', 'U', 'K']);
const NO_OP_LONG = new Set(['dont-verify-checksums', 'packet-buffered']);

/**
 * Options of tcpdump and tshark that pktkit spells differently: an unknown
 * flag with an equivalent says which.
 */
const EQUIVALENTS: Record<string, string> = {
  '-T': "for tshark's -T ek / -T json use --json=ek or --json=json; tcpdump's -T (packet types) has no equivalent",
  '-Y': 'pktkit filters with BPF: give the filter after the options, or with -f',
  '-P': '--print (print packets while writing them with -w)',
  '-z': "--follow N (tshark's -z follow,tcp,ascii,N)",
  '-V': '-v, -vv or -vvv',
  '-L': "pktkit ifaces lists the interfaces; -y picks a link type ('any' offers LINUX_SLL and LINUX_SLL2)",
  '-R': 'give a BPF filter after the options (read filters are BPF in pktkit)',
};

/** Which options each command takes. */
const SHOWN: Array<keyof CliOptions> = [
  'hex',
  'verbosity',
  'ascii',
  'linkHeader',
  'timeStyle',
  'precision',
  'number',
  'json',
  'follow',
  'quiet',
  'absolute',
];
const ALLOWED: Record<Command, ReadonlySet<keyof CliOptions>> = {
  ifaces: new Set(['json', 'listInterfaces']),
  capture: new Set(OPTIONS.map((o) => o.key).filter((k) => k !== 'file')),
  read: new Set<keyof CliOptions>([
    ...SHOWN,
    'file',
    'filter',
    'filterFile',
    'count',
    'write',
    'fileSize',
    'fileCount',
    'rotateSeconds',
    'print',
    'local',
    // tcpdump takes -s when reading and keeps every captured byte (the file's snapshot length rules).
    'snaplen',
    'flows',
    'ecs',
    'to',
    'flowsOnly',
    'sensor',
  ]),
  demo: new Set<keyof CliOptions>(SHOWN),
  schema: new Set(),
  help: new Set(),
  version: new Set(),
};

const COMMANDS = new Set<Command>(['ifaces', 'capture', 'read', 'demo', 'schema', 'help', 'version']);

/**
 * Parses `argv` (without node and the script). Throws {@link UsageError}.
 *
 * Besides the subcommands, tcpdump's own shape works: `pktkit -r FILE ...`
 * reads, `pktkit -D` lists, and `pktkit -i eth0 ...` (any first word that is
 * an option) captures.
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {
    command: 'help',
    listInterfaces: false,
    verbose: false,
    verbosity: 0,
    ascii: false,
    linkHeader: false,
    timeStyle: 0,
    precision: 'micro',
    number: false,
    json: false,
    jsonStyle: 'flat',
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
  /** Each option given, with the spelling used (for messages). */
  const seen = new Map<keyof CliOptions, string>();
  const words: string[] = [];
  const args = [...argv];
  if (args.length === 0) return opts;
  const first = args[0]!;
  if (first === '-h' || first === '--help') return opts;
  if (first === '--version') return { ...opts, command: 'version' };
  // tcpdump's shape: options first, no subcommand. -r and -D decide below.
  const tcpdumpShape = first.startsWith('-') && first !== '-' && first !== '--';
  if (!tcpdumpShape) {
    if (!COMMANDS.has(first as Command)) {
      throw new UsageError(
        `Unknown command '${first}': expected one of ifaces, capture, read, demo, schema, help (or tcpdump's options, e.g. pktkit -r FILE)`,
      );
    }
    args.shift();
  }
  opts.command = tcpdumpShape ? 'capture' : (first as Command);

  const set = (spec: OptionSpec, shown: string, raw: string | undefined): void => {
    const record = opts as unknown as Record<string, unknown>;
    if (spec.value) {
      if (raw === undefined) throw new UsageError(`Option ${shown} needs a value`);
      const v = spec.value(raw, shown);
      if (spec.repeat) (record[spec.key] as unknown[]).push(v);
      else record[spec.key] = v;
    } else if (spec.count) {
      record[spec.key] = (record[spec.key] as number) + 1;
    } else {
      record[spec.key] = spec.flag;
    }
    if (!seen.has(spec.key)) seen.set(spec.key, shown);
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
    if (arg === '--version') return { ...opts, command: 'version' };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (NO_OP_LONG.has(name)) continue;
      const spec = OPTIONS.find((o) => o.long.includes(name));
      if (!spec) throw unknownOption(`--${name}`);
      if (spec.optionalValue) {
        const next =
          eq >= 0
            ? arg.slice(eq + 1)
            : !spec.onlyAfterEquals && spec.optionalValue.test(args[0] ?? '')
              ? args.shift()
              : undefined;
        if (next !== undefined) setOptional(opts, spec, `--${name}`, next);
        set({ ...spec, value: undefined }, `--${name}`, undefined);
        continue;
      }
      if (!spec.value && eq >= 0) throw new UsageError(`Option --${name} takes no value`);
      set(spec, `--${name}`, spec.value ? (eq >= 0 ? arg.slice(eq + 1) : args.shift()) : undefined);
      continue;
    }
    // Short options cluster like tcpdump's getopt: -vX, -c5, -i eth0, -nn, -ttt.
    for (let i = 1; i < arg.length; i++) {
      const letter = arg[i]!;
      if (NO_OPS.has(letter)) continue;
      const spec = OPTIONS.find((o) => o.short === letter);
      if (!spec) throw unknownOption(`-${letter}`);
      if (spec.value) {
        const rest = arg.slice(i + 1);
        set(spec, `-${letter}`, rest !== '' ? rest : args.shift());
        break;
      }
      set(spec, `-${letter}`, undefined);
    }
  }

  // tcpdump's -r reads and -D lists, whatever else the command line says.
  if (opts.listInterfaces) {
    const other = [...seen.keys()].find((k) => k !== 'listInterfaces' && k !== 'json');
    if (other !== undefined) throw new UsageError(`Option ${seen.get(other)} does not apply to -D (list interfaces)`);
    opts.command = 'ifaces';
  } else if (opts.file !== undefined && opts.command === 'capture') {
    opts.command = 'read';
  }
  for (const [key, shown] of seen) {
    if (!ALLOWED[opts.command].has(key)) {
      const how =
        opts.command === 'read' && seen.has('file') && !COMMANDS.has(first as Command)
          ? "'read' (-r)"
          : `'${opts.command}'`;
      throw new UsageError(`Option ${shown} does not apply to ${how}`);
    }
  }
  opts.verbose = opts.verbosity > 0;
  if ((opts.timeStyle as number) > 5)
    throw new UsageError('Expected at most 5 t (-t, -tt, -ttt, -tttt or -ttttt) but received ' + `${opts.timeStyle}`);

  if (opts.command === 'read' && opts.file === undefined) {
    const file = words.shift();
    if (file === undefined)
      throw new UsageError("'read' needs a capture file: pktkit read FILE [options] [filter], or pktkit -r FILE");
    opts.file = file;
  }
  if (opts.command === 'schema' && words.length > 0) {
    const db = words.shift()!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(db))
      throw new UsageError(`Expected a database name of letters, digits and _ for 'schema' but received '${db}'`);
    opts.database = db;
  }
  if (words.length > 0) {
    if (opts.command !== 'capture' && opts.command !== 'read') {
      throw new UsageError(`Unexpected argument '${words[0]}' for '${opts.command}'`);
    }
    if (seen.has('filter'))
      throw new UsageError(`Give the filter either with -f or after the options, not both ('${words.join(' ')}')`);
    if (seen.has('filterFile'))
      throw new UsageError(`Give the filter either with -F FILE or after the options, not both ('${words.join(' ')}')`);
    opts.filter = words.join(' ');
  }
  if (seen.has('filter') && seen.has('filterFile'))
    throw new UsageError('Give the filter either with -f or with -F FILE, not both');
  if ((seen.has('fileSize') || seen.has('fileCount') || seen.has('rotateSeconds')) && !seen.has('write')) {
    throw new UsageError('-C and -W apply to the file written with -w (as does -G)');
  }
  if (seen.has('fileCount') && !seen.has('fileSize') && !seen.has('rotateSeconds')) {
    throw new UsageError('-W needs -C (rotation by size) or -G (rotation by time)');
  }
  if (opts.json && (opts.hex || opts.verbose || opts.ascii || opts.linkHeader)) {
    throw new UsageError('--json cannot be combined with -v, -x, -X, -A or -e');
  }
  if (opts.followStream !== undefined) opts.follow = true;
  checkSensorOptions(opts, seen);
  return opts;
}

/** The sensor options (--flows, --to and what goes with them) against the rest. */
function checkSensorOptions(opts: CliOptions, seen: ReadonlyMap<keyof CliOptions, string>): void {
  if ((seen.has('flowsOnly') || seen.has('spool') || seen.has('spoolSize') || seen.has('sensor')) && !seen.has('to')) {
    throw new UsageError('--flows-only, --spool, --spool-size and --sensor apply to --to');
  }
  const printing = (['write', 'hex', 'verbosity', 'follow', 'print'] as const).filter((k) => seen.has(k));
  if (seen.has('to')) {
    if (!/^(clickhouse|https?):\/\//.test(opts.to!))
      throw new UsageError(`Expected a URL like clickhouse://127.0.0.1:8123/db for --to but received '${opts.to}'`);
    if (opts.flows) throw new UsageError('--to stores flows already; use --flows-only to store only them');
    if (opts.json || printing.length > 0)
      throw new UsageError('--to cannot be combined with --json, -w, -x, -X, -v, --follow or --print');
  }
  if (opts.ecs && (opts.json || opts.flows || seen.has('to')))
    throw new UsageError('--ecs prints packets and flows already: it takes no --json, --flows or --to');
  if ((opts.flows || opts.ecs) && printing.length > 0)
    throw new UsageError(
      `${opts.ecs ? '--ecs' : '--flows'} cannot be combined with -w, -x, -X, -v, --follow or --print`,
    );
}

/** `--follow N`: the stream number. */
function setOptional(opts: CliOptions, spec: OptionSpec, shown: string, raw: string): void {
  if (!spec.optionalValue!.test(raw)) {
    const want = spec.key === 'follow' ? 'a TCP stream number' : "'flat', 'ek' or 'json'";
    throw new UsageError(`Expected ${want} for ${shown} but received '${raw}'`);
  }
  if (spec.key === 'follow') opts.followStream = integer(0, 2 ** 32 - 1, 'a TCP stream number')(raw, shown);
  else opts.jsonStyle = raw as CliOptions['jsonStyle'];
}

/** An unknown option; one that tcpdump or tshark users know says what pktkit calls it. */
function unknownOption(shown: string): UsageError {
  const hint = EQUIVALENTS[shown];
  return new UsageError(
    hint === undefined ? `Unknown option ${shown}` : `Unknown option ${shown}; pktkit's equivalent: ${hint}`,
  );
}

/** The help text. */
export const USAGE = `Usage:
  pktkit ifaces [--json]                    interfaces with addresses and flags
  pktkit capture [options] [filter]         live capture (default interface as tcpdump picks it)
  pktkit read FILE [options] [filter]       read a pcap or pcapng file
  pktkit demo [-v] [--follow] [--json]      an annotated HTTP exchange, no network needed
  pktkit schema [DATABASE]                  the ClickHouse tables --to creates (SQL)
  pktkit --version                          the version (pktkit X.Y.Z)
  pktkit -h, --help                         this text

tcpdump's shape works too: pktkit -r FILE [options] [filter] reads, pktkit -D lists,
pktkit -i IFACE [options] [filter] (any options first) captures.

Options (tcpdump's letters):
  -i, --interface IFACE      interface to capture on; a number picks from -D's list
  -D, --list-interfaces      numbered interface list, as tcpdump -D
  -r FILE                    read FILE (pcap or pcapng)
  -f, --filter FILTER        BPF filter (or give it after the options, as tcpdump)
  -F FILE                    read the BPF filter from FILE (# starts a comment)
  -c COUNT                   stop after COUNT packets
  -s, --snapshot-length N    bytes kept per packet (0 = 262144); reading: accepted, as tcpdump
  -y, --linktype TYPE        link type of a live capture (EN10MB, LINUX_SLL, LINUX_SLL2, ... or a DLT number)
  -w FILE                    write packets to FILE (.pcapng: pcapng, else pcap); live on a terminal,
                             stderr shows "Got N (dropped D)" once a second
  -C MB  -W N                rotate FILE every MB million bytes, keeping N files
  -G SECONDS                 start a new -w file every SECONDS; FILE is a strftime pattern (cap-%H%M.pcap);
                             with -W N, stop after N files (timed by the packets' timestamps)
  -x | -X | -A               hex (-x), hex and ASCII (-X) or ASCII (-A) of each packet, tcpdump's layout
  -e                         link-level header on each line (MACs, ethertype; on any: interface, direction)
  -t | -tt | -ttt | -tttt | -ttttt
                             no time, epoch seconds, delta to previous, date and time, delta to first
      --time-stamp-precision micro|nano, --micro, --nano
                             digits of the printed time fraction
  -#, --number               number the packets
  -n, -nn, -K, -l, -U        accepted as in tcpdump (pktkit never resolves names, never drops on checksums)
  -v, --verbose              direction, seq/ack, TCP options and an escaped hexdump
  -vv                        also the IP, TCP and UDP checksums, judged as tcpdump -v judges them
  -vvv                       also the link-level header
  -S, --absolute             absolute TCP sequence numbers (default: relative)
  -q, --quiet                short lines, no conversation table; with --follow: only the streams
      --print                print packets even while writing them with -w
  -p, --no-promiscuous-mode  do not put the interface into promiscuous mode
  -B, --buffer-size KiB      kernel capture buffer
  -Q, --direction in|out|inout
      --immediate-mode       deliver packets as they arrive
      --json[=flat|ek|json]  one JSON object per packet, Wireshark's field names (flat, the default);
                             ek / json: tshark -T ek / -T json shapes, values as arrays of strings
      --follow [N]           print each TCP stream reassembled (Follow TCP Stream), or only stream N
                             (tshark's -z follow,tcp,ascii,N); a side's consecutive segments are one block
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
