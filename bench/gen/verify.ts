/**
 * Checks a generated input with tshark, checksum validation on: every IPv4,
 * TCP, UDP, ICMP and ICMPv6 checksum of the first N packets must be good, and
 * the mix must hold each kind of frame it promises. (IPv4 headers checked good
 * are counted too, so a check that silently matched nothing would show.)
 *   node --import tsx bench/gen/verify.ts FILE [N]      (exit 1 on a problem)
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// ICMP and ICMPv6 checksums are always checked by tshark; these three are off by default.
const CHECKSUM_PREFS = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'udp.check_checksum:TRUE'].flatMap((p) => [
  '-o',
  p,
]);

function tsharkCount(file: string, n: number, filter: string): number {
  const r = spawnSync(
    'tshark',
    ['-n', '-r', file, '-c', String(n), ...CHECKSUM_PREFS, '-Y', filter, '-T', 'fields', '-e', 'frame.number'],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter(Boolean).length;
}

function main(file: string, n: number): void {
  const bad = tsharkCount(
    file,
    n,
    'ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0',
  );
  const good = tsharkCount(file, n, 'ip.checksum.status == 1');
  const kinds: Array<[string, string]> = [
    ['TCP SYN with options', 'tcp.flags.syn == 1 && tcp.options.mss_val'],
    ['TCP payload', 'tcp.len > 0'],
    ['UDP', 'udp && !dns'],
    ['DNS query', 'dns.flags.response == 0'],
    ['DNS answer', 'dns.flags.response == 1 && dns.count.answers > 0'],
    ['ICMP echo', 'icmp.type == 8 || icmp.type == 0'],
    ['ICMP error', 'icmp.type == 3 || icmp.type == 11'],
    ['ARP', 'arp'],
    ['IPv6 TCP', 'ipv6 && tcp'],
    ['IPv6 UDP', 'ipv6 && udp'],
    ['ICMPv6', 'icmpv6'],
    ['802.1Q', 'vlan'],
  ];
  let missing = 0;
  // Only the mix promises every kind; the minimal frames are TCP and UDP.
  for (const [name, filter] of path.basename(file).startsWith('mix') ? kinds : []) {
    const c = tsharkCount(file, n, filter);
    if (c === 0) missing++;
    console.log(`${name.padEnd(22)} ${c}`);
  }
  console.log(`good checksums         ${good}`);
  console.log(`bad checksums          ${bad}`);
  process.exit(bad > 0 || missing > 0 ? 1 : 0);
}

main(process.argv[2], Number(process.argv[3] ?? 20_000));
