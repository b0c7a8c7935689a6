// TCP analysis: conversations, stream reassembly, Follow TCP Stream. Re-exports only.
export { TcpFlag, segmentLength, sequenceLength, tcpdumpFlags } from './segment';
export type { TcpSegment, TcpSegmentOptions } from './segment';
export { seqDiff, seqAdd, SeqUnwrapper } from './seq';
export { ConversationTracker, conversationKey } from './conversations';
export type {
  SegmentAnalysis,
  SegmentKind,
  ConversationSummary,
  ConversationTrackerOptions,
  DirectionTotals,
  Endpoint,
} from './conversations';
export { StreamReassembler } from './reassembly';
export type { ReassembledChunk, ReassemblyStats } from './reassembly';
export { StreamFollower } from './follow';
export type { FollowChunk, FollowedStream } from './follow';
export { segmentOf, tcpOptionsOf, summarizeOptions } from './from-packet';
