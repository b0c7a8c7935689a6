/**
 * Hands prepared packets to the native sender, one socket kind per call. Its
 * errors come worded by lib/errors.ts, naming the call (`what`). Mixed IPv4/IPv6 lists are sent as runs of one family, in order.
 */
import { addon, type NativeSendResult, type SocketKind } from '../binding';

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
  /** Aborting stops between two native calls. */
  signal?: AbortSignal;
}

/** Packets per native call when a signal may stop the sending between calls. */
const ABORTABLE_CHUNK = 4096;

/** Sleeps `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A native error's `sent` counts this call only: add what the earlier calls sent. */
function countingEarlier(err: unknown, earlier: number): unknown {
  const e = err as { sent?: unknown };
  if (earlier > 0 && typeof e === 'object' && e !== null && typeof e.sent === 'number') {
    Object.defineProperty(e, 'sent', { value: earlier + e.sent, enumerable: true, configurable: true });
  }
  return err;
}

/**
 * Sends `packets` (bytes with their socket kind); resolves with what the kernel accepted.
 * With a signal the packets go in bounded native calls (one packet with `inter`, else at most
 * ABORTABLE_CHUNK or a tenth of a second of the rate), and aborting stops between two calls:
 * the result then says how many went out and `aborted: true`.
 */
export async function transmit(
  packets: ReadonlyArray<{ bytes: Uint8Array; kind: SocketKind }>,
  opts: TransmitOptions,
): Promise<NativeSendResult & { aborted?: boolean }> {
  const total = opts.total ?? packets.length;
  const spec = {
    iface: opts.iface,
    inter: opts.inter ?? 0,
    pps: opts.pps ?? 0,
    mbps: opts.mbps ?? 0,
    batch: opts.batch ?? 1,
    context: opts.what,
  };
  const oneKind = packets.every((p) => p.kind === packets[0].kind);
  const signal = opts.signal;
  if (oneKind && !signal)
    return addon().sendPackets({ ...spec, kind: packets[0].kind, packets: packets.map((p) => p.bytes), total });
  // Several families, or a signal to honour: calls over runs of the same kind, bounded in size.
  let chunk = total;
  if (signal) {
    chunk = spec.inter > 0 ? 1 : ABORTABLE_CHUNK;
    if (spec.pps > 0) chunk = Math.max(1, Math.min(chunk, Math.ceil(spec.pps / 10)));
    if (spec.mbps > 0) {
      const avgBits = (8 * packets.reduce((n, p) => n + p.bytes.length, 0)) / packets.length;
      chunk = Math.max(1, Math.min(chunk, Math.ceil((spec.mbps * 1e6) / avgBits / 10)));
    }
  }
  const out: NativeSendResult & { aborted?: boolean } = { sent: 0, bytes: 0, seconds: 0 };
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  for (let done = 0; done < total;) {
    if (signal?.aborted) {
      out.aborted = true;
      break;
    }
    // A paced send continues at its rate across calls: wait until this call's first packet is due.
    if (done > 0 && spec.pps > 0) await sleep((done / spec.pps - elapsed()) * 1000, signal);
    else if (done > 0 && spec.mbps > 0) await sleep(((out.bytes * 8) / (spec.mbps * 1e6) - elapsed()) * 1000, signal);
    if (signal?.aborted) {
      out.aborted = true;
      break;
    }
    const first = done % packets.length;
    const want = Math.min(chunk, total - done);
    let run: Array<{ bytes: Uint8Array; kind: SocketKind }>;
    if (oneKind) {
      // The native side cycles through the list from its start: begin it where this call begins.
      run = first === 0 ? [...packets] : [...packets.slice(first), ...packets.slice(0, first)];
    } else {
      let end = first + 1;
      while (end < packets.length && packets[end].kind === packets[first].kind && end - first < want) end++;
      run = packets.slice(first, end);
    }
    const n = oneKind ? want : run.length;
    const r = await addon()
      .sendPackets({ ...spec, kind: run[0].kind, packets: run.map((p) => p.bytes), total: n })
      .catch((err: unknown) => {
        throw countingEarlier(err, out.sent);
      });
    out.sent += r.sent;
    out.bytes += r.bytes;
    done += n;
    if (spec.inter > 0 && done < total) await sleep(spec.inter * 1000, signal);
  }
  out.seconds = elapsed();
  return out;
}
