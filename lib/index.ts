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
export { ConversationTracker, conversationKey } from './tcp/conversations';
export type { SegmentKind, SegmentAnalysis, Endpoint, DirectionTotals, ConversationSummary } from './tcp/conversations';
export { StreamReassembler } from './tcp/reassembly';
export type { ReassembledChunk, ReassemblyStats } from './tcp/reassembly';
export { StreamFollower } from './tcp/follow';
export type { FollowChunk, FollowedStream } from './tcp/follow';
export { TcpFlag } from './tcp/segment';
export type { TcpSegment, TcpSegmentOptions } from './tcp/segment';
