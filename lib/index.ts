// pktkit's public API: re-exports only.
export { interfaces, openLive, openFile, Capture, Batch } from './capture';
export type { LiveOptions, FileOptions, CaptureStats, InterfaceInfo } from './capture';
export { Packet, EthernetView, VlanView, ArpView, IPv4View, IPv6View, TcpView, UdpView, IcmpView } from './packet';
export { PktkitError, PcapError, FilterError, PermissionError, InterfaceError, FileError } from './errors';
export type { PktkitErrorDetails } from './errors';
export { dissect, libpcapVersion } from './dissect';
export * from './layers';
export { hexdump, hexdumpTcpdump } from './hexdump';
export { PcapWriter, PcapngWriter, openWriter } from './pcap-writer';
export type { WriterTarget, TimestampPrecision, WriterOptions, PcapngWriterOptions, OpenWriterOptions, PacketInfo, WritablePacket, PacketWriter } from './pcap-writer';
export * from './tcp';
export { send, sendp, sendpfast } from './send';
export type { SendOptions, SendpOptions, SendpfastOptions, SendResult, SendpfastResult, PacketInput, PacketLike } from './send';
export { sr, sr1, srp, srp1, srloop, answers, hashret } from './sendrecv';
export type { SrOptions, SrloopOptions, SrResult } from './sendrecv';
export * from './flow';
export * from './clickhouse';
