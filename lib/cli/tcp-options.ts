/** TCP options in tcpdump's words, for the -v block. */
import type { TCPOption } from '../layers/tcp';

/**
 * Options as tcpdump prints them inside `options [...]`:
 * `mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7`. SACK blocks are shown
 * relative to `sackBase` when given (the peer's initial sequence number), as
 * tcpdump does.
 */
export function formatTcpOptions(opts: readonly TCPOption[], sackBase?: number): string {
  return opts
    .map((o) => {
      switch (o[0]) {
        case 'EOL':
          return 'eol';
        case 'NOP':
          return 'nop';
        case 'MSS':
          return `mss ${o[1]}`;
        case 'WScale':
          return `wscale ${o[1]}`;
        case 'SAckOK':
          return 'sackOK';
        case 'SAck': {
          const blocks: string[] = [];
          for (let i = 0; i + 1 < o[1].length; i += 2) {
            const l = sackBase === undefined ? o[1][i]! : (o[1][i]! - sackBase) >>> 0;
            const r = sackBase === undefined ? o[1][i + 1]! : (o[1][i + 1]! - sackBase) >>> 0;
            blocks.push(`{${l}:${r}}`);
          }
          return `sack ${blocks.length} ${blocks.join('')}`;
        }
        case 'Timestamp':
          return `TS val ${o[1][0]} ecr ${o[1][1]}`;
        default:
          return `unknown-${o[0]} 0x${Buffer.from(o[1]).toString('hex')}`;
      }
    })
    .join(',');
}
