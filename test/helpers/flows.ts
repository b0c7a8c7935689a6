/**
 * Flows against tshark: its conversation tables (`-z conv,tcp` / `conv,udp`)
 * parsed, and a check that pktkit's flow records have the same conversations
 * with the same frame and byte counts each way.
 */
import assert from 'node:assert/strict';
import type { FlowRecord } from '../../lib/flow/table';
import type { ClickHouseServer } from './clickhouse';
import { runOk } from './processes';

/** One conversation of tshark's `-z conv,tcp|udp` table: A and B endpoints, frames and bytes each way. */
export interface Conv {
  a: string;
  b: string;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
}

/** tshark's conversation table (exact byte counts only: the traffic here is small enough for "N bytes"). */
export async function tsharkConversations(file: string, kind: 'tcp' | 'udp'): Promise<Conv[]> {
  const r = await runOk(null, 'tshark', ['-r', file, '-n', '-q', '-z', `conv,${kind}`], { timeoutMs: 120_000 });
  const out: Conv[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+) (\d+) bytes\s+(\d+) (\d+) bytes\s+\d+ \d+ bytes/.exec(line);
    if (m) out.push({ a: m[1]!, b: m[2]!, framesBA: +m[3]!, bytesBA: +m[4]!, framesAB: +m[5]!, bytesAB: +m[6]! });
    else assert.ok(!/<->/.test(line), `unparsed tshark line (sizes in units?): ${line}`);
  }
  return out;
}

const endpoint = (ip: string, port: number): string => `${ip}:${port}`;

/** Checks pktkit's flows of one protocol against tshark's conversations: same set, same sums each way. */
export function assertSameAsTshark(flows: readonly FlowRecord[], convs: readonly Conv[], proto: number): void {
  const ours = flows.filter((f) => f.proto === proto);
  assert.equal(
    ours.length,
    convs.length,
    `flow count: ${JSON.stringify(ours.map((f) => [f.src, f.sport, f.dst, f.dport]))} vs ${JSON.stringify(convs)}`,
  );
  for (const c of convs) {
    const f = ours.find(
      (x) =>
        (endpoint(x.src, x.sport) === c.a && endpoint(x.dst, x.dport) === c.b) ||
        (endpoint(x.src, x.sport) === c.b && endpoint(x.dst, x.dport) === c.a),
    );
    assert.ok(f, `no flow for ${c.a} <-> ${c.b}`);
    const forward = endpoint(f.src, f.sport) === c.a;
    const got = forward
      ? [f.packetsToDst, f.bytesToDst, f.packetsToSrc, f.bytesToSrc]
      : [f.packetsToSrc, f.bytesToSrc, f.packetsToDst, f.bytesToDst];
    assert.deepEqual(got, [c.framesAB, c.bytesAB, c.framesBA, c.bytesBA], `${c.a} <-> ${c.b}`);
  }
}

/** Flow rows as FlowRecord-like objects (addresses as text), read back with the server's own functions. */
export async function flowRows(s: ClickHouseServer, db: string): Promise<FlowRecord[]> {
  const text = await s.query(
    `SELECT proto, ip_version, if(ip_version = 4, IPv4NumToString(reinterpretAsUInt32(reverse(substring(src, 13, 4)))), IPv6NumToString(src)) AS s,
            if(ip_version = 4, IPv4NumToString(reinterpretAsUInt32(reverse(substring(dst, 13, 4)))), IPv6NumToString(dst)) AS d,
            sport, dport, packets_to_dst, bytes_to_dst, packets_to_src, bytes_to_src, community_id, open, close
     FROM ${db}.flows FORMAT JSONEachRow`,
  );
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l) as Record<string, string | number>;
      return {
        proto: Number(r.proto),
        ipVersion: Number(r.ip_version) as 4 | 6,
        src: String(r.s),
        dst: String(r.d),
        sport: Number(r.sport),
        dport: Number(r.dport),
        packetsToDst: Number(r.packets_to_dst),
        bytesToDst: Number(r.bytes_to_dst),
        packetsToSrc: Number(r.packets_to_src),
        bytesToSrc: Number(r.bytes_to_src),
        communityId: String(r.community_id),
        open: r.open,
        close: r.close,
      } as unknown as FlowRecord;
    });
}
