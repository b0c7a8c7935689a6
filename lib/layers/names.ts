// Number -> name tables that show() and summary() print, the way Scapy 2.5
// prints them. Like Scapy on Linux, IP protocol and port names come from
// /etc/protocols and /etc/services (read once, on first use), so output
// matches Scapy on the same machine; a small built-in table covers hosts
// without those files.
import { readFileSync } from 'node:fs';

/** A number -> name table. */
export type NameTable = Readonly<Record<number, string>>;

// Scapy's fixname(): names become identifiers (non-alphanumerics -> '_', leading digit -> 'n_').
function fixname(x: string): string {
  const s = /^[0-9]/.test(x) ? `n_${x}` : x;
  return s.replace(/[^0-9A-Za-z]/g, '_');
}

function readLines(path: string): string[] | undefined {
  try {
    return readFileSync(path, 'latin1').split('\n');
  } catch {
    return undefined;
  }
}

let protocols: Record<number, string> | undefined;
/** IP protocol numbers -> names (Scapy's IP_PROTOS). */
export function ipProtocolNames(): NameTable {
  if (protocols) return protocols;
  const table: Record<number, string> = {};
  const lines = readLines('/etc/protocols');
  if (lines) {
    for (const raw of lines) {
      const line = raw.replace(/#.*/, '').trim();
      const lt = line.split(/\s+/);
      if (lt.length < 2 || !lt[0] || !/^[0-9]+$/.test(lt[1])) continue;
      table[Number(lt[1])] = fixname(lt[0]);
    }
  } else {
    Object.assign(table, {
      0: 'hopopt',
      1: 'icmp',
      2: 'igmp',
      4: 'ipencap',
      6: 'tcp',
      17: 'udp',
      41: 'ipv6',
      43: 'ipv6_route',
      44: 'ipv6_frag',
      47: 'gre',
      50: 'esp',
      51: 'ah',
      58: 'ipv6_icmp',
      59: 'ipv6_nonxt',
      60: 'ipv6_opts',
      132: 'sctp',
    });
  }
  protocols = table;
  return table;
}

let tcpServices: Record<number, string> | undefined;
let udpServices: Record<number, string> | undefined;
function loadServices(): void {
  const tcp: Record<number, string> = {};
  const udp: Record<number, string> = {};
  const lines = readLines('/etc/services');
  if (lines) {
    for (const raw of lines) {
      const line = raw.replace(/#.*/, '').trim();
      const lt = line.split(/\s+/);
      if (lt.length < 2 || !lt[0] || !lt[1].includes('/')) continue;
      const [port, proto] = lt[1].split('/', 2);
      const table = proto === 'tcp' ? tcp : proto === 'udp' ? udp : undefined;
      if (!table) continue;
      const [from, to] = port.includes('-') ? port.split('-').map(Number) : [Number(port), Number(port)];
      for (let p = from; p <= to; p++) table[p] = fixname(lt[0]);
    }
  } else {
    const common = {
      20: 'ftp_data',
      21: 'ftp',
      22: 'ssh',
      23: 'telnet',
      25: 'smtp',
      53: 'domain',
      80: 'http',
      123: 'ntp',
      443: 'https',
    };
    Object.assign(tcp, common);
    Object.assign(udp, common);
  }
  tcpServices = tcp;
  udpServices = udp;
}

/** TCP port -> service name (Scapy's TCP_SERVICES). */
export function tcpServiceNames(): NameTable {
  if (!tcpServices) loadServices();
  return tcpServices!;
}

/** UDP port -> service name (Scapy's UDP_SERVICES). */
export function udpServiceNames(): NameTable {
  if (!udpServices) loadServices();
  return udpServices!;
}

/** Ethertypes -> names, as in Scapy's bundled table. */
export const ETHER_TYPES: NameTable = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8035: 'RARP',
  0x8100: 'n_802_1Q',
  0x86dd: 'IPv6',
  0x88a8: '802_AD',
  0x8847: 'MPLS',
  0x8848: 'MPLS_MCAST',
  0x8863: 'PPP_DISC',
  0x8864: 'PPP_SES',
  0x888e: 'EAPOL',
  0x88cc: 'LLDP',
  0x0842: 'WOL',
};

/** IPv6 next-header values -> names (Scapy's ipv6nh). */
export const IPV6_NH: NameTable = {
  0: 'Hop-by-Hop Option Header',
  4: 'IP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'Routing Header',
  44: 'Fragment Header',
  47: 'GRE',
  50: 'ESP Header',
  51: 'AH Header',
  58: 'ICMPv6',
  59: 'No Next Header',
  60: 'Destination Option Header',
  112: 'VRRP',
  132: 'SCTP',
  135: 'Mobility Header',
};

/** ICMP types -> names (Scapy's icmptypes). */
export const ICMP_TYPES: NameTable = {
  0: 'echo-reply',
  3: 'dest-unreach',
  4: 'source-quench',
  5: 'redirect',
  8: 'echo-request',
  9: 'router-advertisement',
  10: 'router-solicitation',
  11: 'time-exceeded',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
  15: 'information-request',
  16: 'information-response',
  17: 'address-mask-request',
  18: 'address-mask-reply',
  30: 'traceroute',
  31: 'datagram-conversion-error',
  32: 'mobile-host-redirect',
  33: 'ipv6-where-are-you',
  34: 'ipv6-i-am-here',
  35: 'mobile-registration-request',
  36: 'mobile-registration-reply',
  37: 'domain-name-request',
  38: 'domain-name-reply',
  39: 'skip',
  40: 'photuris',
};

/** ICMP codes per type -> names (Scapy's icmpcodes). */
export const ICMP_CODES: Readonly<Record<number, NameTable>> = {
  3: {
    0: 'network-unreachable',
    1: 'host-unreachable',
    2: 'protocol-unreachable',
    3: 'port-unreachable',
    4: 'fragmentation-needed',
    5: 'source-route-failed',
    6: 'network-unknown',
    7: 'host-unknown',
    9: 'network-prohibited',
    10: 'host-prohibited',
    11: 'TOS-network-unreachable',
    12: 'TOS-host-unreachable',
    13: 'communication-prohibited',
    14: 'host-precedence-violation',
    15: 'precedence-cutoff',
  },
  5: { 0: 'network-redirect', 1: 'host-redirect', 2: 'TOS-network-redirect', 3: 'TOS-host-redirect' },
  11: { 0: 'ttl-zero-during-transit', 1: 'ttl-zero-during-reassembly' },
  12: { 0: 'ip-header-bad', 1: 'required-option-missing' },
  40: {
    0: 'bad-spi',
    1: 'authentication-failed',
    2: 'decompression-failed',
    3: 'decryption-failed',
    4: 'need-authentification',
    5: 'need-authorization',
  },
};

/** ICMPv6 types -> names (Scapy's icmp6types). */
export const ICMPV6_TYPES: NameTable = {
  1: 'Destination unreachable',
  2: 'Packet too big',
  3: 'Time exceeded',
  4: 'Parameter problem',
  100: 'Private Experimentation',
  101: 'Private Experimentation',
  128: 'Echo Request',
  129: 'Echo Reply',
  130: 'MLD Query',
  131: 'MLD Report',
  132: 'MLD Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect Message',
  138: 'Router Renumbering',
  139: 'ICMP Node Information Query',
  140: 'ICMP Node Information Response',
  141: 'Inverse Neighbor Discovery Solicitation Message',
  142: 'Inverse Neighbor Discovery Advertisement Message',
  143: 'MLD Report Version 2',
  144: 'Home Agent Address Discovery Request Message',
  145: 'Home Agent Address Discovery Reply Message',
  146: 'Mobile Prefix Solicitation',
  147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation',
  149: 'Certification Path Advertisement',
  151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation',
  153: 'Multicast Router Termination',
  155: 'RPL Control Message',
  200: 'Private Experimentation',
  201: 'Private Experimentation',
};
