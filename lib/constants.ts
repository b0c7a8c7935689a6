/**
 * The protocol numbers pktkit uses, each defined once. Link types, EtherTypes,
 * IP protocol numbers, TCP flag bits and layer bits come from
 * native/record.def (generated into lib/record.gen.ts, shared with the C++
 * dissector); the TCP flag letters are Scapy's and live here.
 */
export {
  LINK_NULL,
  LINK_ETHERNET,
  LINK_RAW,
  LINK_RAW_OPENBSD,
  LINK_RAW_FILE,
  LINK_LOOP,
  LINK_LINUX_SLL,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL2,
  ETYPE_IPV4,
  ETYPE_ARP,
  ETYPE_VLAN,
  ETYPE_IPV6,
  ETYPE_QINQ,
  ETYPE_QINQ_OLD,
  ETYPE_MAX_LENGTH,
  PROTO_HOPOPTS,
  PROTO_ICMP,
  PROTO_IPIP,
  PROTO_TCP,
  PROTO_UDP,
  PROTO_IPV6,
  PROTO_ROUTING,
  PROTO_FRAGMENT,
  PROTO_ESP,
  PROTO_AH,
  PROTO_ICMPV6,
  PROTO_NONE,
  PROTO_DSTOPTS,
  TCP_FIN,
  TCP_SYN,
  TCP_RST,
  TCP_PSH,
  TCP_ACK,
  TCP_URG,
  TCP_ECE,
  TCP_CWR,
  TCP_NS,
  LAYER_ETHERNET,
  LAYER_SLL,
  LAYER_SLL2,
  LAYER_LOOPBACK,
  LAYER_VLAN,
  LAYER_ARP,
  LAYER_IPV4,
  LAYER_IPV6,
  LAYER_IPV6_EXT,
  LAYER_ICMP,
  LAYER_ICMPV6,
  LAYER_TCP,
  LAYER_UDP,
  LAYER_NONE,
} from './record.gen';

/** TCP flag letters, low bit first, as Scapy names them: F S R P A U E C N (bit i is 1 << i). */
export const TCP_FLAG_LETTERS = ['F', 'S', 'R', 'P', 'A', 'U', 'E', 'C', 'N'] as const;

/** Scapy's letters for a TCP flags value, low bit first: 0x12 is 'SA'. */
export function tcpFlagLetters(flags: number): string {
  let s = '';
  for (let i = 0; i < TCP_FLAG_LETTERS.length; i++) if (flags & (1 << i)) s += TCP_FLAG_LETTERS[i];
  return s;
}
