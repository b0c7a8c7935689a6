/**
 * The sending half: `send`, `sendp`, `sendpfast` (./send.ts) and Scapy's sr
 * family (./sr.ts), on top of packet preparation (./prepare.ts, ./neighbor.ts,
 * ./route.ts), the native sender (./transmit.ts) and answer matching
 * (./match.ts, ./filter.ts). Imports run one way: send.ts uses sr.ts's
 * `askLink` for neighbour look-ups; nothing here imports send.ts.
 */
export { send, sendp, sendpfast } from './send';
export type {
  SendOptions,
  SendpOptions,
  SendpfastOptions,
  SendResult,
  SendpfastResult,
  PacketInput,
  PacketLike,
} from './send';
export { sr, sr1, srp, srp1, srloop, answers, hashret } from './sr';
export type { SrOptions, SrloopOptions, SrResult } from './sr';
