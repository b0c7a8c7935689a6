// Flow records: the flow table, Community ID v1, ECS JSON.
export { FlowTable } from './table';
export type { FlowRecord, FlowOptions, FlowStats, FlowOpen, FlowClose } from './table';
export { communityId, communityIdFromWords, icmpCounterpart } from './community-id';
export type { CommunityIdTuple } from './community-id';
export { flowToEcs, packetToEcs, isoNs, tcpFlagLetters } from './ecs';
