/**
 * Trial 3, peers on the same file: every peer reads the realistic mix and
 * decodes at least the same five fields (tcpdump and tshark do their own
 * printing instead). This is the main table, and the chart. Targets (issue 8,
 * by CPU time): pktkit batch ≥ 5× node pcap and node cap, ≥ 1.5× gopacket.
 */
import { cLoop } from '../drivers/c-loop';
import { gopacket } from '../drivers/gopacket';
import { nodeCap, nodePcap } from '../drivers/node-peers';
import { PKTKIT_BATCH, pktkitFile } from '../drivers/pktkit';
import { scapy } from '../drivers/scapy';
import { tcpdumpPrint, tcpdumpWrite, tshark } from '../drivers/tools';
import { cpuTargetNote, medianCpuNs, newTable, runTable, targetNote } from '../harness/run-table';
import type { BenchContext, Table } from '../harness/types';
import { cpuNsColumn, maxRssColumn } from './columns';
import { describeInput } from './inputs';

/** Runs trial 3 on the realistic mix. */
export function peersTrial(ctx: BenchContext): Table[] {
  const input = ctx.input('mix');
  const t = newTable({
    trial: 'peers',
    title: '3. peers on the same file',
    input: describeInput(input),
    columns: [cpuNsColumn, maxRssColumn],
    throughput: true,
    reference: PKTKIT_BATCH,
  });
  runTable(
    ctx,
    t,
    [pktkitFile('batch'), cLoop, gopacket, nodeCap, nodePcap, tcpdumpWrite, tcpdumpPrint, tshark, scapy],
    input,
  );
  t.notes.push(
    'In-process drivers (pktkit, C++, Go, node peers, Scapy) time themselves from opening the file to the last packet; ' +
      'tcpdump and tshark are timed from outside, minus their start-up on a one-packet file. ' +
      'A subset is the first N packets of the same input; packets/s scale per packet. CPU ns/packet: CPU time of the timed work (all threads; tools: GNU time minus start-up). Peak RSS from GNU time.',
  );
  const ratio = (name: string): number | undefined => t.rows.find((r) => r.driver === name && !r.skipped)?.ratio;
  const pktkitCpu = medianCpuNs(t, PKTKIT_BATCH);
  const cpuRatio = (name: string): number | undefined => {
    const other = medianCpuNs(t, name);
    return other !== undefined && pktkitCpu ? other / pktkitCpu : undefined;
  };
  t.notes.push(cpuTargetNote('pktkit / node pcap', cpuRatio(nodePcap.name), 5, ratio(nodePcap.name)));
  t.notes.push(cpuTargetNote('pktkit / node cap', cpuRatio(nodeCap.name), 5, ratio(nodeCap.name)));
  t.notes.push(cpuTargetNote('pktkit / gopacket', cpuRatio(gopacket.name), 1.5, ratio(gopacket.name)));
  t.notes.push(targetNote('pktkit batch / the C pcap_loop', ratio(cLoop.name), 1.0, '×', cpuRatio(cLoop.name)));
  return [t];
}
