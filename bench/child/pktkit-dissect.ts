/**
 * The native dissector alone, over packets already in memory: the first COUNT
 * packets of FILE packed as the addon's dissectLoop takes them
 * ([u32 caplen][u32 wirelen][bytes padded to 4]), one pass per call, timed by
 * benchmark.js (which repeats the call until its error margin settles).
 *   node --import tsx bench/child/pktkit-dissect.ts FILE COUNT
 */
import Benchmark from 'benchmark';
import { addon } from '../../lib/binding';
import { forEachRecord } from './pcap-records';
import { report } from './report';

function pack(file: string, count: number): { packed: Uint8Array; packets: number; bytes: number } {
  const parts: Buffer[] = [];
  let packets = 0;
  let bytes = 0;
  let size = 0;
  forEachRecord(file, (chunk, off, caplen, wirelen) => {
    const entry = Buffer.alloc(8 + ((caplen + 3) & ~3));
    entry.writeUInt32LE(caplen, 0); // host order: the benchmark runs on little-endian machines only
    entry.writeUInt32LE(wirelen, 4);
    chunk.copy(entry, 8, off, off + caplen);
    parts.push(entry);
    size += entry.length;
    bytes += caplen;
    return ++packets < count;
  });
  return { packed: new Uint8Array(Buffer.concat(parts, size)), packets, bytes };
}

function main(file: string, count: number): void {
  const native = addon();
  const { packed, packets, bytes } = pack(file, count);
  let nativeNs = 0;
  let calls = 0;
  const bench = new Benchmark(
    'dissectLoop',
    () => {
      nativeNs += native.dissectLoop(packed, 1, 1);
      calls++;
    },
    { minSamples: 10, maxTime: 3 },
  );
  const cpu0 = process.cpuUsage();
  bench.run();
  const cpu = process.cpuUsage(cpu0);
  if (bench.error) throw bench.error;
  const perCall = 1 / bench.hz;
  report({
    packets,
    bytes,
    seconds: perCall,
    // CPU over every call benchmark.js made, per pass: the figure a busy machine disturbs least.
    cpuSeconds: (cpu.user + cpu.system) / 1e6 / calls,
    benchmarkRme: bench.stats.rme,
    samples: bench.stats.sample.length,
    // The addon's own clock around the loop, without the N-API call: a check on benchmark.js's figure.
    nativeNsPerPacket: nativeNs / calls / packets,
  });
}

main(process.argv[2], Number(process.argv[3]));
