/**
 * Reading capture files with the reference tools, to check pktkit against them.
 */
import { run, runOk } from './processes';

/** Options for {@link tsharkFields}. */
export interface TsharkFieldsOptions {
  /** Display filter (`-Y`), e.g. `tcp.port == 80`. */
  filter?: string;
  /** Further tshark arguments, e.g. `['-o', 'tcp.relative_sequence_numbers:FALSE']`. */
  extraArgs?: readonly string[];
}

/**
 * One record per packet with the requested tshark fields, as tshark prints
 * them (`-T fields`). A field that occurs several times in a packet (nested
 * IP headers, several VLAN tags) has its values joined by `,`; a field the
 * packet lacks is `''`. Rejects with tshark's stderr if it fails.
 */
export async function tsharkFields(
  file: string,
  fields: readonly string[],
  options: TsharkFieldsOptions = {},
): Promise<Array<Record<string, string>>> {
  if (fields.length === 0) throw new TypeError('Expected at least one field name but received none');
  const args = [
    '-r',
    file,
    '-n',
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
    '-E',
    'quote=n',
  ];
  for (const f of fields) args.push('-e', f);
  if (options.filter) args.push('-Y', options.filter);
  args.push(...(options.extraArgs ?? []));
  const r = await runOk(null, 'tshark', args, { timeoutMs: 120_000 });
  const rows: Array<Record<string, string>> = [];
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    const values = line.split('\t');
    const row: Record<string, string> = {};
    fields.forEach((f, i) => (row[f] = values[i] ?? ''));
    rows.push(row);
  }
  return rows;
}

/**
 * tcpdump's reading of a file (`tcpdump -r FILE -n ...args`), one string per
 * output line. Rejects with tcpdump's stderr if it exits non-zero.
 */
export async function tcpdumpRead(file: string, args: readonly string[] = []): Promise<string[]> {
  const r = await runOk(null, 'tcpdump', ['-r', file, '-n', ...args], { timeoutMs: 120_000 });
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Like {@link tcpdumpRead} but never rejects: for files that tcpdump should refuse or stop early on. */
export async function tcpdumpReadRaw(
  file: string,
  args: readonly string[] = [],
): Promise<{ lines: string[]; stderr: string; code: number | null }> {
  const r = await run(null, 'tcpdump', ['-r', file, '-n', ...args], { timeoutMs: 120_000 });
  return { lines: r.stdout.split('\n').filter((l) => l !== ''), stderr: r.stderr, code: r.code };
}

/** Converts any capture file tshark reads into pcapng (`editcap -F pcapng`). */
export async function editcapToPcapng(src: string, dst: string): Promise<void> {
  await runOk(null, 'editcap', ['-F', 'pcapng', src, dst]);
}

/** Converts into a nanosecond-resolution classic pcap (`editcap -F nsecpcap`). */
export async function editcapToNsecPcap(src: string, dst: string): Promise<void> {
  await runOk(null, 'editcap', ['-F', 'nsecpcap', src, dst]);
}

/** File facts as `capinfos -M` reports them (packet count, link type, timestamp precision, ...), keyed by its labels. */
export async function capinfos(file: string): Promise<Record<string, string>> {
  const r = await runOk(null, 'capinfos', ['-M', file]);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
