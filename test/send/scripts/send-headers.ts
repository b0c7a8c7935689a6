/**
 * Sends one IPv4 and one IPv6 UDP packet with unusual header values from the
 * sending namespace, so the test can check on the wire that the header went
 * out as built (IPv4: all but the checksum/length Linux always rewrites).
 *   node --import tsx test/send/scripts/send-headers.ts DST4 DST6 PORT
 */
import { IP, IPv6, send, UDP } from '../../../lib/index';
import { report } from '../../helpers/report';

async function main(): Promise<void> {
  const [dst4, dst6, port] = process.argv.slice(2);
  const r4 = await send(
    IP({ dst: dst4, tos: 0xb8, ttl: 7, id: 0xbeef, flags: 'DF' })
      .div(UDP({ sport: 31337, dport: Number(port) }))
      .div('v4'),
  );
  const r6 = await send(
    IPv6({ dst: dst6, tc: 0x2e, fl: 0x12345, hlim: 9 })
      .div(UDP({ sport: 31338, dport: Number(port) }))
      .div('v6'),
  );
  report({ r4, r6 });
}

main().catch((err: unknown) => report({ error: (err as Error).message }));
