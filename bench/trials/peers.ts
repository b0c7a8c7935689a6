/**
 * Trial 3, peers on the same file: every peer reads the realistic mix and
 * decodes at least the same five fields (tcpdump and tshark do their own
 * printing instead). This is the main table, and the chart. Targets: pktkit
 * batch ≥ 5× node pcap and node cap, ≥ 1.5× gopacket.
 */
import { cLoop } from '../drivers/c-loop';
import { gopacket } from '../drivers/gopacket';
import { nodeCap, nodePcap } from '../drivers/node-peers';
import { PKTKIT_BATCH, pktkitFile } from '../drivers/pktkit';
import { scapy } from '../drivers/scapy';
import { tcpdumpPrint, tcpdumpWrite, tshark } from '../drivers/tools';
import { medianCpuNs, newTable, runTable, targetNote } from '../harness/run-table';
import type { BenchContext, Table } from '../harness/types';
import { cpuNsColumn, maxRssColumn } from './columns';
import { describeInput } from './inputs';

/** Runs trial 3 on the realistic mix. */
export function peersTrial(ctx: BenchContext): Table[] {
  const input = ctx.input('mix');
  const t = newTable({
    trial: 'peers', title: '3. peers on the same file', input: describeInput(input),
    columns: [cpuNsColumn, maxRssColumn], throughput: true, reference: PKTKIT_BATCH,
  });
  runTable(ctx, t, [pktkitFile('batch'), cLoop, gopacket, nodeCap, nodePcap, tcpdumpWrite, tcpdumpPrint, tshark, scapy], input);
  t.notes.push('In-process drivers (pktkit, C++, Go, node peers, Scapy) time themselves from opening the file to the last packet; ' +
    'tcpdump and tshark are timed from outside, minus their start-up on a one-packet file. ' +
    'A subset is the first N packets of the same input; packets/s scale per packet. CPU ns/packet: CPU time of the timed work (all threads; tools: GNU time minus start-up). Peak RSS from GNU time.');
  const ratio = (name: string): number | undefined => t.rows.find((r) => r.driver === name && !r.skipped)?.ratio;
  const pktkitCpu = medianCpuNs(t, PKTKIT_BATCH);
  const cpuRatio = (name: string): number | undefined => {
    const other = medianCpuNs(t, name);
    return other !== undefined && pktkitCpu ? other / pktkitCpu : undefined;
  };
  t.notes.push(targetNote('pktkit / node pcap', ratio(nodePcap.name), 5, '×', cpuRatio(nodePcap.name)));
  t.notes.push(targetNote('pktkit / node cap', ratio(nodeCap.name), 5, '×', cpuRatio(nodeCap.name)));
  t.notes.push(targetNote('pktkit / gopacket', ratio(gopacket.name), 1.5, '×', cpuRatio(gopacket.name)));
  const c = ratio(cLoop.name);
  const cc = cpuRatio(cLoop.name);
  t.notes.push(targetNote('pktkit batch as % of the C loop', c === undefined ? undefined : 100 * c, 80, '%',
    cc === undefined ? undefined : 100 * cc));
  return [t];
}
