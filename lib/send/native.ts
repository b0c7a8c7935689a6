/**
 * The addon's sending half (native/send.cc), typed here because lib/binding.ts
 * describes the capture half only.
 */
import { addon } from '../binding';

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

interface SendAddon {
  sendPackets(spec: NativeSendSpec): Promise<NativeSendResult>;
  routeGet(dst: string): NativeRoute;
  interfaceInfo(name: string): NativeInterfaceInfo;
}

/** The addon's send functions. */
export function sendAddon(): SendAddon {
  return addon() as unknown as SendAddon;
}
