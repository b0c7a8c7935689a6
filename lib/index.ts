// pktkit's public API: re-exports only.
export { interfaces, openLive, openFile, Capture, Batch } from './capture';
export type { LiveOptions, FileOptions, CaptureStats, InterfaceInfo } from './capture';
export { Packet, EthernetView, VlanView, ArpView, IPv4View, IPv6View, TcpView, UdpView, IcmpView } from './packet';
export { PktkitError, PcapError, FilterError, PermissionError, InterfaceError, FileError } from './errors';
export type { PktkitErrorDetails } from './errors';
export { dissect, libpcapVersion } from './dissect';
