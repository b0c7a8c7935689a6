/**
 * `--follow` output, Wireshark's "Follow TCP Stream" in text: each stream
 * opens with its two endpoints, then every chunk in the order it became
 * readable, headed by who sent it and how many bytes follow. Written to a pipe
 * or file, the bytes are exactly the stream's (the header gives their count,
 * so a reader can split them back); on a terminal, control characters other
 * than newline and tab are shown as `<\r>`-style escapes.
 */
import type { FollowChunk, FollowedStream } from '../tcp/follow';
import { escapeByte } from './escaped-hexdump';
import { endpoint } from './format-line';

/** Anything with an `isTTY` flag (stdout, a TextOutput's stream). */
interface MaybeTty {
  isTTY?: boolean;
}

const RULE = '='.repeat(67);

/**
 * Consecutive chunks of the same side, with nothing missing between them,
 * as one: Wireshark's Follow TCP Stream shows a side's run of segments as
 * one block (tshark's text output lists every segment; the bytes are the same).
 */
export function mergeRuns(chunks: readonly FollowChunk[]): FollowChunk[] {
  const out: FollowChunk[] = [];
  let run: FollowChunk[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    if (run.length === 1) out.push(run[0]!);
    else
      out.push({ ...run[0]!, data: Buffer.concat(run.map((c) => c.data)), timestamp: run[run.length - 1]!.timestamp });
    run = [];
  };
  for (const c of chunks) {
    const last = run[run.length - 1];
    if (last !== undefined && (last.fromClient !== c.fromClient || c.missingBefore > 0)) flush();
    run.push(c);
  }
  flush();
  return out;
}

/** The text of one followed stream, as pieces to write in order. */
export function followLines(s: FollowedStream, json: boolean, target: MaybeTty | object): Array<string | Uint8Array> {
  const client = endpoint(s.client.addr, s.client.port);
  const server = endpoint(s.server.addr, s.server.port);
  const chunks = mergeRuns(s.chunks);
  if (json) {
    return chunks.map(
      (c) =>
        JSON.stringify({
          'tcp.stream': s.stream,
          'follow.from': c.fromClient ? 'client' : 'server',
          'follow.src': c.fromClient ? client : server,
          'follow.offset': c.offset,
          'follow.missing_before': c.missingBefore,
          'follow.data': Buffer.from(c.data.buffer, c.data.byteOffset, c.data.length).toString('hex'),
        }) + '\n',
    );
  }
  const tty = (target as MaybeTty).isTTY === true;
  const cs = s.clientStats;
  const ss = s.serverStats;
  const out: Array<string | Uint8Array> = [
    `${RULE}\nFollow TCP stream ${s.stream}: client ${client}, server ${server}\n`,
  ];
  for (const c of chunks) {
    const who = c.fromClient ? `client ${client} > ${server}` : `server ${server} > ${client}`;
    if (c.missingBefore > 0) out.push(`[${c.missingBefore} bytes missing in capture]\n`);
    out.push(`--- ${who}: ${c.data.length} bytes\n`);
    out.push(tty ? escapeForTerminal(c.data) : c.data);
    out.push('\n');
  }
  out.push(
    `--- end of stream ${s.stream}: client sent ${cs.deliveredBytes} bytes, server sent ${ss.deliveredBytes} bytes` +
      `${cs.missingBytes + ss.missingBytes > 0 ? `, ${cs.missingBytes + ss.missingBytes} bytes missing` : ''}\n${RULE}\n`,
  );
  return out;
}

function escapeForTerminal(data: Uint8Array): string {
  let s = '';
  for (const b of data) s += b === 0x0a || b === 0x09 ? String.fromCharCode(b) : escapeByte(b);
  return s;
}
