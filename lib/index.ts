// pktkit's public API: re-exports only.
export { interfaces, openLive, openFile, Capture, Batch } from './capture';
export type { LiveOptions, FileOptions, CaptureStats, InterfaceInfo, FanoutMode } from './capture';
export { COLUMN_NAMES } from './columns';
export { openFanout, FanoutCapture } from './fanout';
export type { FanoutOptions, FanoutResult, FanoutWorkerFunction } from './fanout';
export type { Column, ColumnName } from './columns';
export { Packet, EthernetView, VlanView, ArpView, IPv4View, IPv6View, TcpView, UdpView, IcmpView } from './packet';
export { PktkitError, PcapError, FilterError, PermissionError, InterfaceError, FileError, BuildError } from './errors';
export type { PktkitErrorDetails } from './errors';
export { dissect, libpcapVersion } from './dissect';
export * from './layers';
export { hexdump, hexdumpTcpdump } from './hexdump';
export { dropPrivileges, threadCredentials } from './privileges';
export type { DropPrivilegesOptions, DroppedPrivileges, ThreadCredentials } from './privileges';
export type { HexdumpOptions } from './hexdump';
export { PcapWriter, PcapngWriter, openWriter } from './pcap-writer';
export type {
  WriterTarget,
  TimestampPrecision,
  WriterOptions,
  PcapngWriterOptions,
  OpenWriterOptions,
  PacketInfo,
  WritablePacket,
  PacketWriter,
} from './pcap-writer';
export * from './tcp';
// send, sendp, sendpfast and the sr family, with their option and result types.
export * from './send';
export { sniff, rdpcap, wrpcap } from './sniff';
export type { SniffOptions, WrpcapOptions } from './sniff';
export { PacketList, SndRcvList, len } from './packet-list';
export { rstGuard, RstGuard, removeStaleRstGuards } from './rst-guard';
export type { RstGuardFlow } from './rst-guard';
export * from './flow';
export * from './clickhouse';
