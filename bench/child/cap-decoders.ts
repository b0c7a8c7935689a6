/** The part of node `cap`'s API both cap drivers use: its protocol decoders. */

/** What each decoder returns: the fields it read and where the next header starts. */
export interface Decoded {
  info: Record<string, unknown>;
  offset: number;
}

/** `require('cap').decoders`. */
export interface CapDecoders {
  Ethernet(b: Buffer, offset?: number): Decoded;
  IPV4(b: Buffer, offset?: number): Decoded;
  IPV6(b: Buffer, offset?: number): Decoded;
  TCP(b: Buffer, offset?: number): Decoded;
  UDP(b: Buffer, offset?: number): Decoded;
  PROTOCOL: { ETHERNET: Record<string, number>; IP: Record<string, number> };
}
