/**
 * Loads the native addon once, hands it the error composer, and checks that it
 * was built from the same record layout as lib/record.gen.ts. Types the whole
 * addon: capture, interfaces, dissection and sending (native/addon.cc
 * registers every export).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeArgumentError } from './args';
import { nativeError, PktkitError, type NativeErrorFacts } from './errors';
import { LAYOUT_HASH } from './record.gen';
import type { CaptureStats } from './capture';

/** Options handed to the native capture constructor (validated by lib/capture.ts). */
export interface NativeCaptureOptions {
  kind: 'live' | 'file';
  device?: string;
  path?: string;
  filter?: string;
  snaplen?: number;
  promisc?: boolean;
  immediate?: boolean;
  bufferSize?: number;
  timeoutMs?: number;
  direction?: 'in' | 'out' | 'inout';
  ringSize?: number;
  linkType?: number;
  engine?: 'auto' | 'afpacket' | 'libpcap';
  fanoutGroup?: number;
  fanoutMode?: number;
  /** false: records without layers (RecordSink::set_decode). */
  decode?: boolean;
  /** Live: microseconds acquire() may wait in place for the next batch (NativeCapture::wait_in_place); 0 or unset never. */
  waitInPlaceUs?: number;
  /** Files: how a regular file is read (FileReader::Access); unset is 'auto'. */
  access?: 'auto' | 'map' | 'read';
  onWake: () => void;
}

/** The native capture object (native/capture.cc). Every method runs on the JS thread. */
export interface NativeCapture {
  /** Fixed-stride record slots, filled by acquire(), then the columns the dissector writes beside them. */
  readonly records: ArrayBuffer;
  /** Where each native column lies in `records`: name → [byte offset, bytes per value] (native/engine/columns.h). */
  readonly columns: Readonly<Record<string, readonly [number, 1 | 2 | 4]>>;
  /** The byte buffer the last batch's records point into (set when it changes). */
  readonly bytes: ArrayBuffer | undefined;
  readonly engine: 'afpacket' | 'libpcap' | 'file';
  readonly linkType: number;
  readonly linkTypeName: string;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly warning?: string;
  /**
   * Hands back the previous batch and fills the next; returns its packet count (0: nothing now), or
   * -2 without doing either when JS has kept the event loop for 20 ms: it is due a turn first.
   */
  acquire(): number;
  /** Whether JS has kept the event loop to itself for 20 ms (a loop reading packets one by one asks). */
  turnDue(): boolean;
  /** Calls onWake once when the source may have packets again. */
  wait(): void;
  /** From now on the sink writes the native columns, and it writes them now for the batch JS holds. */
  wantColumns(): void;
  stats(): CaptureStats;
  finished(): boolean;
  /** The error that ended the capture, once (then undefined). */
  takeError(): Error | undefined;
  close(): CaptureStats;
  /** Classic pcap records of the current batch's packets [from, to) written to `fd` (see Batch.writePcap). */
  writePcap(fd: number, from: number, to: number, snaplen: number, nano: boolean, io: Float64Array): void;
  /**
   * Writes every packet the source has now to `fd` as classic pcap records, and from then on
   * those of every wake-up, in the addon's poll callback: `onWake` is called only when `limit`
   * packets are written (negative: no limit), the source ended or failed, a write failed, or
   * close() was called. Returns the packets written since the first call; io[0] (the file's bytes
   * so far, as given to the first call) is updated; a failed write is thrown by the next call.
   */
  drainPcap(fd: number, snaplen: number, nano: boolean, io: Float64Array, limit: number): number;
}

/** A network interface as libpcap lists it. */
export interface InterfaceInfo {
  name: string;
  description?: string;
  addresses: Array<{
    family: 'IPv4' | 'IPv6' | 'link';
    address: string;
    netmask?: string;
    broadcast?: string;
    destination?: string;
  }>;
  flags: {
    loopback: boolean;
    up: boolean;
    running: boolean;
    wireless: boolean;
    connection: 'connected' | 'disconnected' | 'not applicable' | 'unknown';
  };
}

/** Which raw socket: IPv4 or IPv6 with the header included, or AF_PACKET frames. */
export type SocketKind = 'ip4' | 'ip6' | 'l2';

/** One native send call: `total` packets, cycling through `packets`, paced by at most one of inter/pps/mbps. */
export interface NativeSendSpec {
  kind: SocketKind;
  /** Interface: bound with SO_BINDTODEVICE (L3) or bind() (L2); required for L2. */
  iface?: string;
  packets: Uint8Array[];
  total: number;
  /** Seconds between packets (0: none). */
  inter: number;
  /** Packets per second (0: no limit). */
  pps: number;
  /** Megabits per second (0: no limit). */
  mbps: number;
  /** Messages per sendmmsg call. */
  batch: number;
  /** The call as errors name it: `send()`, `sendp() on eth0`. */
  context: string;
}

/** What the native send reports. */
export interface NativeSendResult {
  sent: number;
  bytes: number;
  seconds: number;
}

/** The kernel's route to one address (`ip route get`). */
export interface NativeRoute {
  type: 'local' | 'broadcast' | 'multicast' | 'unicast' | 'other';
  iface?: string;
  ifindex?: number;
  src?: string;
  gateway?: string;
}

/** An interface's index, MTU, state and (Ethernet-like links) MAC. */
export interface NativeInterfaceInfo {
  index: number;
  mtu?: number;
  up?: boolean;
  mac?: string;
}

/** Options of the native flow table and Native-block encoders (validated by lib/flow and lib/clickhouse). */
export interface NativeExporterOptions {
  /** Keep a flow table (otherwise packet rows carry no Community ID). */
  flows: boolean;
  idleNs: number;
  activeNs: number;
  maxFlows: number;
  seed: number;
  /** `[name, type]` of each `packets` column in table order: write packet rows. */
  packetColumns?: ReadonlyArray<readonly [string, string]>;
  /** The `packets` sorting key (column names): rows of a block go out in its order. */
  packetKey?: ReadonlyArray<string>;
  /** `[name, type]` of each `flows` column: write ended flows as rows (else they wait for takeEnded). */
  flowColumns?: ReadonlyArray<readonly [string, string]>;
  /** The `flows` sorting key (column names). */
  flowKey?: ReadonlyArray<string>;
  sensor?: string;
  iface?: string;
  /** Batch ids are `batchBase | sequence` (20 bits). */
  batchBase?: bigint;
  /** Rows per batch: add() stops when a batch is full. */
  batchRows?: number;
}

/** The native flow table and Native-block encoders (native/export/exporter.cc). Every method runs on the JS thread. */
export interface NativeExporter {
  /** Accounts `count` records from `byteOffset` (stride recordSize); returns how many it took (fewer when a batch filled). */
  add(records: ArrayBuffer, byteOffset: number, count: number): number;
  /** One record through the flow table: its flow's Community ID, or undefined when it has none. */
  addOne(records: ArrayBuffer, byteOffset: number): string | undefined;
  /** Exports flows idle at `nowSeconds`; returns the ended flows still waiting for room in a batch. */
  expire(nowSeconds: number): number;
  /** Exports every flow; returns the ended flows still waiting for room in a batch. */
  flush(): number;
  /** Writes waiting ended flows as rows while the batch has room; returns how many still wait. */
  drain(): number;
  /** Rows in the batch being filled: 0 packets, 1 flows. */
  rows(table: 0 | 1): number;
  /**
   * The batch being filled as `[Native block, rows, batchId]`, and a new one begun; undefined when empty.
   * The block is written at the start of `spare` when it fits (the returned view shares its memory), else into new memory.
   */
  take(table: 0 | 1, spare?: Uint8Array): [Uint8Array, number, bigint] | undefined;
  /** Ended flows not written as rows, in the flowLayout (oldest first); undefined when none. */
  takeEnded(): ArrayBuffer | undefined;
  stats(): { packets: number; nonIp: number; active: number; exported: number; evicted: number };
}

/** Everything native/addon.cc exports. */
export interface Addon {
  NativeCapture: new (options: NativeCaptureOptions) => NativeCapture;
  NativeExporter: new (options: NativeExporterOptions) => NativeExporter;
  /** Byte offsets of an ended flow's fields in takeEnded()'s buffer, and its size. */
  flowLayout: Readonly<Record<string, number>> & { readonly size: number };
  /** Hands over the composer that words every native error (lib/errors.ts). */
  setErrorFactory(compose: (facts: NativeErrorFacts) => Error): void;
  interfaces(): InterfaceInfo[];
  /** Index, MTU, state and MAC of one interface (ioctls; native/interfaces.cc). */
  interfaceInfo(name: string): NativeInterfaceInfo;
  /** The kernel's route to an IP address (rtnetlink; native/route.cc). */
  routeGet(dst: string): NativeRoute;
  /** Sends on a libuv worker thread (sendmmsg; native/send.cc). */
  sendPackets(spec: NativeSendSpec): Promise<NativeSendResult>;
  dissect(bytes: Uint8Array, linkType: number, wireLen?: number): Uint8Array;
  dissectLoop(packed: Uint8Array, linkType: number, rounds: number): number;
  layoutHash: number;
  recordSize: number;
  libpcapVersion: string;
  /** False in a build for runtimes that refuse external ArrayBuffers: captures then copy. */
  externalBuffers: boolean;
}

let loaded: Addon | undefined;

/** The addon, loaded on first use. */
export function addon(): Addon {
  if (loaded) return loaded;
  const root = path.join(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
  let file: string | undefined;
  try {
    // node-gyp-build's order, the same as the install script's: a source
    // build (build/Release, build/Debug) when one was made, else the prebuild
    // for this platform (prebuilds/<platform>-<arch>/).
    // PKTKIT_ADDON names another build to load (the tests use it for the no-external-buffers build).
    file = process.env.PKTKIT_ADDON || releaseBuild(root) || nodeGypBuild().resolve(root);
    loaded = require(file) as Addon;
  } catch (err) {
    throw loadError(root, file, err as Error);
  }
  if (loaded.layoutHash !== LAYOUT_HASH) {
    const hash = loaded.layoutHash;
    loaded = undefined;
    throw new PktkitError(
      `pktkit's native addon was built from another record layout (${hash} != ${LAYOUT_HASH}): ` +
        'run `npm run gen && npm run build:native`',
      { code: 'ELAYOUT' },
    );
  }
  loaded.setErrorFactory((facts) => (facts.kind === 'argument' ? nativeArgumentError(facts) : nativeError(facts)));
  return loaded;
}

/**
 * node-gyp-build's first choice, build/Release, found without loading node-gyp-build: its require
 * and its directory scans took 3-4 ms of every process's first capture, more than loading the addon
 * itself (~2.3 ms). Undefined where there is no source build, or where node-gyp-build would skip it.
 */
function releaseBuild(root: string): string | undefined {
  if (process.env.PREBUILDS_ONLY) return undefined;
  const file = path.join(root, 'build', 'Release', 'pktkit.node');
  return fs.existsSync(file) ? file : undefined;
}

function nodeGypBuild(): { resolve(dir: string): string } {
  // A dependency: if it is missing, Node's own "Cannot find module" says so.
  return require('node-gyp-build') as { resolve(dir: string): string };
}

/**
 * The one error for an addon that does not load. A missing libpcap runtime
 * names the package that brings it; anything else says how to build the addon
 * from source where pktkit sits (a dependency, or a clone of pktkit).
 */
function loadError(root: string, file: string | undefined, err: Error): PktkitError {
  const reason = err.message.split('\n')[0] ?? '';
  const missingPcap = /(libpcap\.so[.\d]*): cannot open shared object file/.exec(reason);
  if (file !== undefined && missingPcap) {
    return new PktkitError(
      `pktkit's native addon needs the libpcap runtime (${missingPcap[1]}), which is not installed: ` +
        'apt-get install libpcap0.8 (Debian/Ubuntu), dnf install libpcap (Fedora), apk add libpcap (Alpine). ' +
        `Addon: ${file}`,
      { code: 'ENOLIBPCAP' },
    );
  }
  const dependency = root.split(path.sep).includes('node_modules');
  const build = dependency
    ? 'run `npm rebuild pktkit` in your project'
    : 'run `npm run build:native` in the pktkit clone';
  const what =
    file === undefined
      ? `has no prebuild for ${process.platform}-${process.arch} and was not built from source`
      : `does not load (${file}: ${reason})`;
  return new PktkitError(
    `pktkit's native addon ${what}. To build it from source, ${build} ` + '(needs libpcap-dev, g++, make, python3).',
    { code: 'ENOADDON' },
  );
}
