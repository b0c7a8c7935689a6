/**
 * Sensor mode of `pktkit capture` / `pktkit read`: `--flows` prints flow
 * records (text lines, or ECS JSON lines with --json) instead of packets;
 * `--to clickhouse://...` sends packet and flow rows to ClickHouse, with a
 * counter line on stderr every second and a summary at the end.
 */
import os from 'node:os';
import path from 'node:path';
import type { Capture } from '../capture';
import { ClickHouseSink, parseClickHouseUrl, type ClickHouseSinkStats } from '../clickhouse/sink';
import { PROTO_TCP, PROTO_UDP } from '../constants';
import { flowToEcs, isoNs, packetToEcs, tcpFlagLetters } from '../flow/ecs';
import { FlowTable, type FlowRecord } from '../flow/table';
import type { CliOptions } from './args';
import type { SessionIO, SessionResult } from './session';
import { statsLines } from './stats';

const PROTO_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMP6' };

/** One text line per flow: time, protocol, endpoints, packets/bytes each way, flags, how it opened and closed, Community ID. */
export function flowLine(f: FlowRecord): string {
  const ends =
    f.proto === PROTO_TCP || f.proto === PROTO_UDP
      ? `${endpoint(f.src, f.sport, f.ipVersion)} > ${endpoint(f.dst, f.dport, f.ipVersion)}`
      : `${f.src} > ${f.dst}${f.icmpType !== undefined ? ` type ${f.icmpType} code ${f.icmpCode} id ${f.icmpId}` : ''}`;
  const flags =
    f.proto === PROTO_TCP
      ? ` flags ${tcpFlagLetters(f.tcpFlagsToDst) || '-'}/${tcpFlagLetters(f.tcpFlagsToSrc) || '-'} retrans ${f.retransToDst}/${f.retransToSrc}`
      : '';
  return `${isoNs(f.firstNs)} ${PROTO_NAMES[f.proto] ?? `proto ${f.proto}`} ${ends} packets ${f.packetsToDst}/${f.packetsToSrc} bytes ${f.bytesToDst}/${f.bytesToSrc}${flags} ${f.open}..${f.close} ${f.communityId}`;
}

function endpoint(ip: string, port: number, version: 4 | 6): string {
  return version === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `--flows`: flow records on stdout; `--ecs`: packets and flows as ECS JSON lines. */
export async function runFlowPrint(cap: Capture, opts: CliOptions, io: SessionIO): Promise<SessionResult> {
  const { out } = io;
  const write = (f: FlowRecord): void =>
    out.write((opts.json || opts.ecs ? JSON.stringify(flowToEcs(f)) : flowLine(f)) + '\n');
  // --ecs: a flow that a packet ends is printed after that packet.
  const ended: FlowRecord[] = [];
  const table = new FlowTable(opts.ecs ? (f) => ended.push(f) : write);
  io.announce?.();
  out.onBrokenPipe(() => cap.close());
  // Live: quiet flows end on the wall clock too.
  const tick = io.live
    ? setInterval(() => {
        table.expire(Date.now() / 1000);
        for (const f of ended.splice(0)) write(f);
      }, 1000)
    : undefined;
  let packets = 0;
  try {
    for await (const p of cap) {
      packets++;
      const id = table.add(p);
      if (opts.ecs) {
        out.write(JSON.stringify(packetToEcs(p, id)) + '\n');
        for (const f of ended.splice(0)) write(f);
      }
      if (out.full) await out.drain();
      if (out.broken) break;
      if (opts.count !== undefined && packets >= opts.count) break;
    }
  } finally {
    if (tick !== undefined) clearInterval(tick);
    cap.close();
  }
  table.flush();
  for (const f of ended.splice(0)) write(f);
  await out.end();
  const stats = cap.stats();
  if (io.live && !out.broken) io.err.write(statsLines(packets, stats).join('\n') + '\n');
  return { packets, stats, files: [] };
}

/** The counters line on stderr. */
export function sinkStatsLine(s: ClickHouseSinkStats): string {
  return `pktkit: ${s.packets} packets, ${s.flows} flows, ${s.packetRowsSent} packet rows and ${s.flowRowsSent} flow rows sent, ${s.spooledRows} rows spooled, ${s.droppedRows} dropped`;
}

/** `--to URL`: packets and flows into ClickHouse. */
export async function runSensor(cap: Capture, opts: CliOptions, io: SessionIO): Promise<SessionResult> {
  const target = parseClickHouseUrl(opts.to!);
  const spoolDir =
    opts.spool ?? path.join(os.tmpdir(), 'pktkit-spool', `${new URL(target.url).port}-${target.database}`);
  let sink: ClickHouseSink;
  try {
    sink = await ClickHouseSink.open(opts.to!, {
      packets: !opts.flowsOnly,
      live: io.live,
      iface: io.ifName ?? '',
      sensor: opts.sensor,
      spool: io.live ? { dir: spoolDir, maxBytes: Math.round((opts.spoolSize ?? 256) * 1e6) } : undefined,
    });
  } catch (e) {
    cap.close();
    throw e;
  }
  io.announce?.();
  const tick = setInterval(() => io.err.write(sinkStatsLine(sink.stats()) + '\n'), 1000);
  let packets = 0;
  try {
    // Whole batches in one native call each; only the batch that reaches --count goes packet by packet.
    batches: for await (const batch of cap.batches()) {
      if (opts.count === undefined || packets + batch.count < opts.count) {
        packets += batch.count;
        sink.addBatch(batch);
      } else {
        for (const p of batch) {
          packets++;
          sink.add(p);
          if (packets >= opts.count) break;
        }
      }
      if (sink.full) await sink.ready();
      if (opts.count !== undefined && packets >= opts.count) break batches;
    }
  } catch (e) {
    clearInterval(tick);
    cap.close();
    await sink.close().catch(() => undefined);
    throw e;
  } finally {
    clearInterval(tick);
    cap.close();
  }
  const final = await sink.close();
  io.err.write(sinkStatsLine(final) + '\n');
  const stats = cap.stats();
  if (io.live) io.err.write(statsLines(packets, stats).join('\n') + '\n');
  return { packets, stats, files: [] };
}
