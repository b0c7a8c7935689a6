/**
 * Hands prepared packets to the native sender, one socket kind per call, and
 * maps its errors. Mixed IPv4/IPv6 lists are sent as runs of one family, in order.
 */
import { sendError } from './errors';
import { sendAddon, type NativeSendResult, type SocketKind } from './native';

/** How to send: repetitions and pacing (seconds, packets/s, Mbit/s; 0 = none). */
export interface TransmitOptions {
  iface?: string;
  /** Packets to send in all, cycling through the list. Default: the list once. */
  total?: number;
  inter?: number;
  pps?: number;
  mbps?: number;
  /** Messages per sendmmsg (1 for send/sendp, many for sendpfast). */
  batch?: number;
  /** Names the call in error messages. */
  what: string;
}

/** Sends `packets` (bytes with their socket kind); resolves with what the kernel accepted. */
export async function transmit(packets: ReadonlyArray<{ bytes: Uint8Array; kind: SocketKind }>, opts: TransmitOptions): Promise<NativeSendResult> {
  const total = opts.total ?? packets.length;
  const spec = { iface: opts.iface, inter: opts.inter ?? 0, pps: opts.pps ?? 0, mbps: opts.mbps ?? 0, batch: opts.batch ?? 1 };
  const oneKind = packets.every((p) => p.kind === packets[0].kind);
  try {
    if (oneKind) {
      return await sendAddon().sendPackets({ ...spec, kind: packets[0].kind, packets: packets.map((p) => p.bytes), total });
    }
    // Several families: one call per run of the same kind, through the list as many times as asked.
    const out: NativeSendResult = { sent: 0, bytes: 0, seconds: 0 };
    const started = process.hrtime.bigint();
    for (let done = 0; done < total; ) {
      const first = done % packets.length;
      let end = first + 1;
      while (end < packets.length && packets[end].kind === packets[first].kind && end - first < total - done) end++;
      const run = packets.slice(first, end);
      const r = await sendAddon().sendPackets({ ...spec, kind: run[0].kind, packets: run.map((p) => p.bytes), total: run.length });
      out.sent += r.sent;
      out.bytes += r.bytes;
      done += run.length;
      if (spec.inter > 0 && done < total) await new Promise((resolve) => setTimeout(resolve, spec.inter * 1000));
    }
    out.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return out;
  } catch (err) {
    throw sendError(err, opts.what, opts.iface);
  }
}
