/**
 * The `-v` block under each packet line: which way the bytes went relative to
 * this host, TCP seq/ack (relative and raw), window, options, the IP header's
 * ttl/id/flags, and the payload as an escaped hexdump so protocol framing
 * (`<\r><\n>`) shows.
 */
import type { TCPOption } from '../layers/tcp';
import type { Packet } from '../packet';
import type { SegmentAnalysis } from '../tcp/conversations';
import { escapedHexdump } from './escaped-hexdump';
import { endpoint } from './format-line';
import { formatTcpOptions } from './tcp-options';

const INDENT = '    ';

/** Which addresses are this host's: the capturing interface's (live) or the ones the user named. */
export type LocalAddresses = ReadonlySet<string>;

/**
 * `sent N bytes to REMOTE` / `received N bytes from REMOTE` when one side is
 * this host; when both are (loopback), told from the TCP client's side when
 * `fromClient` is known; otherwise `SRC -> DST, N bytes`.
 */
export function directionText(p: Packet, local: LocalAddresses, fromClient?: boolean): string | undefined {
  // ARP carries no data between the two: there is no direction of bytes to tell.
  if (p.arp !== undefined) return undefined;
  const src = p.src;
  const dst = p.dst;
  if (src === undefined || dst === undefined) return undefined;
  const l4 = p.tcp ?? p.udp;
  const n = p.tcp || p.udp ? p.payloadLength : p.ip ? p.ip.len - p.ip.ihl * 4 : p.ipv6 ? p.ipv6.plen : p.payloadLength;
  const from = l4 ? endpoint(src, l4.sport) : src;
  const to = l4 ? endpoint(dst, l4.dport) : dst;
  const bytes = `${n} byte${n === 1 ? '' : 's'}`;
  const srcLocal = local.has(src);
  const dstLocal = local.has(dst);
  if (srcLocal && !dstLocal) return `sent ${bytes} to ${to}`;
  if (dstLocal && !srcLocal) return `received ${bytes} from ${from}`;
  if (srcLocal && dstLocal) {
    if (fromClient === true) return `sent ${bytes} to ${to} (loopback: the client's view)`;
    if (fromClient === false) return `received ${bytes} from ${from} (loopback: the client's view)`;
    return `${bytes} within this host, ${from} -> ${to}`;
  }
  return `${from} -> ${to}, ${bytes} (neither side is this host)`;
}

/** The lines of the -v block (each indented); `dumpLimit` caps the bytes shown in the hexdump. */
export function verboseLines(
  p: Packet,
  a: SegmentAnalysis | undefined,
  options: readonly TCPOption[],
  local: LocalAddresses,
  dumpLimit = Infinity,
): string[] {
  const out: string[] = [];
  const dir = directionText(p, local, a?.fromClient);
  if (dir !== undefined) out.push(INDENT + dir);
  const tcp = p.tcp;
  if (tcp !== undefined) {
    const rel = a === undefined ? '' : `seq ${a.relSeq}, ack ${a.relAck}, next seq ${a.nextRelSeq} (raw `;
    const raw = `seq ${tcp.seq}, ack ${tcp.ack}${a === undefined ? '' : ')'}`;
    const win =
      a !== undefined && a.windowScaled !== tcp.window
        ? `win ${tcp.window} (scaled ${a.windowScaled})`
        : `win ${tcp.window}`;
    const stream = a === undefined ? '' : `, stream ${a.stream}`;
    out.push(`${INDENT}${rel}${raw}, ${win}${stream}`);
    if (options.length > 0) out.push(`${INDENT}options [${formatTcpOptions(options)}]`);
  }
  const ip = p.ip;
  if (ip !== undefined) {
    const flags = [ip.flags & 2 ? 'DF' : '', ip.flags & 1 ? 'MF' : ''].filter(Boolean).join('+') || 'none';
    out.push(`${INDENT}ip ttl ${ip.ttl}, id ${ip.id}, flags [${flags}], offset ${ip.frag * 8}, length ${ip.len}`);
  } else if (p.ipv6 !== undefined) {
    out.push(`${INDENT}ip6 hlim ${p.ipv6.hlim}, next header ${p.ipv6.nh}, payload length ${p.ipv6.plen}`);
  }
  const payload = p.payload;
  const shown = payload.subarray(0, Math.min(payload.length, dumpLimit));
  if (shown.length > 0) out.push(...escapedHexdump(shown, INDENT));
  if (shown.length < payload.length) out.push(`${INDENT}[... ${payload.length - shown.length} more bytes]`);
  if (payload.length < p.payloadLength) out.push(`${INDENT}[${p.payloadLength - payload.length} bytes not captured]`);
  return out;
}
