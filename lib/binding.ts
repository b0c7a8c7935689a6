/**
 * Loads the native addon once, hands it the error classes, and checks that it
 * was built from the same record layout as lib/record.gen.ts.
 */
import * as path from 'node:path';
import { FileError, FilterError, InterfaceError, PcapError, PermissionError, PktkitError } from './errors';
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
  onWake: () => void;
}

/** The native capture object (native/capture.cc). Every method runs on the JS thread. */
export interface NativeCapture {
  /** Fixed-stride record slots, filled by acquire(). */
  readonly records: ArrayBuffer;
  /** The byte buffer the last batch's records point into (set when it changes). */
  readonly bytes: ArrayBuffer | undefined;
  readonly engine: 'afpacket' | 'libpcap' | 'file';
  readonly linkType: number;
  readonly linkTypeName: string;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly warning?: string;
  /** Hands back the previous batch and fills the next; returns its packet count (0: nothing now). */
  acquire(): number;
  /** Calls onWake once when the source may have packets again. */
  wait(): void;
  stats(): CaptureStats;
  finished(): boolean;
  takeError(): Error | undefined;
  close(): CaptureStats;
  /** Classic pcap records of the current batch's packets [from, to) written to `fd` (see Batch.writePcap). */
  writePcap(fd: number, from: number, to: number, snaplen: number, nano: boolean, io: Float64Array): void;
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

interface Addon {
  NativeCapture: new (options: NativeCaptureOptions) => NativeCapture;
  setErrorClasses(classes: Record<string, unknown>): void;
  interfaces(): InterfaceInfo[];
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
  // A dependency: if it is missing, Node's own "Cannot find module" says so.
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  let file: string | undefined;
  try {
    // node-gyp-build's order, the same as the install script's: a source
    // build (build/Release, build/Debug) when one was made, else the prebuild
    // for this platform (prebuilds/<platform>-<arch>/).
    // PKTKIT_ADDON names another build to load (the tests use it for the no-external-buffers build).
    file = process.env.PKTKIT_ADDON || nodeGypBuild.resolve(root);
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
  loaded.setErrorClasses({ PcapError, FilterError, PermissionError, InterfaceError, FileError });
  return loaded;
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
    `pktkit's native addon ${what}. To build it from source, ${build} ` +
      '(needs libpcap-dev, g++, make, python3).',
    { code: 'ENOADDON' },
  );
}
