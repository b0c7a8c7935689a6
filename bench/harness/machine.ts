/** A description of the machine and the software versions, printed first and written into RESULTS.md. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One "what: value" line per fact. */
export type Machine = Array<[string, string]>;

function firstLine(cmd: string, args: string[], match?: RegExp): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return match ? lines.find((l) => match.test(l)) : lines[0];
}

function debVersion(pkg: string): string | undefined {
  // eslint-disable-next-line no-template-curly-in-string -- dpkg-query's own format syntax, not ours
  const v = firstLine('dpkg-query', ['-W', '-f', '${Version}', pkg]);
  return v || undefined;
}

function npmPeerVersion(root: string, name: string): string | undefined {
  const p = path.join(root, 'bench', 'peers', 'node_modules', name, 'package.json');
  return fs.existsSync(p) ? (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version : undefined;
}

function cpuModel(): string {
  const info = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const governor = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor';
  const gov = fs.existsSync(governor) ? `, governor ${fs.readFileSync(governor, 'utf8').trim()}` : '';
  const virt = firstLine('systemd-detect-virt', []);
  return `${model}${gov}${virt && virt !== 'none' ? `, virtualized (${virt})` : ''}`;
}

/** Describes this machine: CPU, cores, memory, kernel, Node, libpcap and each peer's version. */
export function describeMachine(root: string): Machine {
  const m: Machine = [
    ['CPU', cpuModel()],
    ['cores', String(os.availableParallelism?.() ?? os.cpus().length)],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['kernel', `${os.type()} ${os.release()} ${os.arch()}`],
    ['Node', process.version],
    [
      'libpcap',
      firstLine('tcpdump', ['--version'], /libpcap/) ?? `libpcap0.8 ${debVersion('libpcap0.8') ?? 'unknown'}`,
    ],
  ];
  // Other work on the machine shows up as noise in the min–max ranges; say how busy it was.
  m.push([
    'load average',
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  ]);
  const os_release = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  const distro = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(os_release)?.[1];
  if (distro) m.push(['distribution', distro]);
  // Which pktkit was measured: the commit, and whether the tree had changes on top of it.
  const head = firstLine('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--', 'lib', 'native', 'binding.gyp'], {
    encoding: 'utf8',
  }).stdout;
  if (head) m.push(['pktkit', `git ${head}${dirty?.trim() ? ' with uncommitted changes in lib/ or native/' : ''}`]);
  const peers: Array<[string, string | undefined]> = [
    ['tcpdump', firstLine('tcpdump', ['--version'], /tcpdump version/)],
    ['tshark', firstLine('tshark', ['--version'], /TShark/)],
    ['tcpreplay', firstLine('tcpreplay', ['--version'], /tcpreplay version/)],
    ['scapy', debVersion('python3-scapy')],
    ['go', firstLine('go', ['version'])],
    ['gopacket', debVersion('golang-github-google-gopacket-dev')],
    ['node cap', npmPeerVersion(root, 'cap')],
    ['node pcap', npmPeerVersion(root, 'pcap')],
    ['g++', firstLine('g++', ['--version'])],
  ];
  for (const [name, v] of peers) m.push([name, v ?? 'not installed']);
  return m;
}
