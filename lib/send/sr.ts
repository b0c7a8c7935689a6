/**
 * Send and receive, Scapy's sr family: `sr`/`sr1` at layer 3, `srp`/`srp1` at
 * layer 2, `srloop` to repeat. A live capture (immediate mode, incoming
 * packets only, a BPF filter narrowed to plausible answers) is active BEFORE
 * the first packet leaves, so no answer can slip past; every captured packet
 * is matched against the packets still waiting, as Scapy matches them
 * (lib/send/match.ts).
 */
import { openLive, type Capture } from '../capture';
import { IPerrorLayer, IPLayer } from '../layers/ip';
import { IPerror6Layer, IPv6Layer } from '../layers/ipv6';
import type { Layer } from '../layers/layer';
import { answerFilter } from './filter';
import { fillEtherDestinations } from './neighbor';
import { answers, hashret } from './match';
import {
  booleanOption,
  checkKeys,
  filterOption,
  functionOption,
  ifaceOption,
  numberOption,
  ruleError,
  signalOption,
} from '../args';
import { l2Interface, packetList, prepareL2, prepareL3, type PacketInput, type PreparedPacket } from './prepare';
import { RouteCache } from './route';
import { rstGuard, type RstGuard, type RstGuardFlow } from '../rst-guard';
import { TCPerrorLayer, TCPLayer } from '../layers/tcp';
import { PacketList, SndRcvList } from '../packet-list';
import { transmit } from './transmit';

/** Options of {@link sr}, {@link sr1}, {@link srp}, {@link srp1}. */
export interface SrOptions {
  /** Milliseconds to wait for answers after the last packet of a round is sent (Scapy's `timeout`, in seconds there). Default 2000. */
  timeout?: number;
  /**
   * Rounds of resending the unanswered packets. Negative: keep resending while
   * rounds bring answers, stopping after `-retry` rounds in a row bring none (Scapy's way). Default 0.
   */
  retry?: number;
  /** Milliseconds between two packets. Default 0. */
  inter?: number;
  /** Let one sent packet collect several answers (and wait the whole timeout). Default false. */
  multi?: boolean;
  /**
   * sr: the interface to send through and capture on (default: the routes' interface, `any` when
   * they differ). srp: the interface (default: the route of the first IP/ARP destination).
   */
  iface?: string;
  /** BPF filter for the capture, replacing the automatic one. */
  filter?: string;
  /** Aborting stops waiting; what was matched so far is returned. */
  signal?: AbortSignal;
  /**
   * Drop the kernel's outgoing RSTs for the TCP flows of these packets while
   * the call runs (see {@link rstGuard}, which guards a whole conversation).
   * Needs CAP_NET_ADMIN and nft. Default false.
   */
  rstGuard?: boolean;
}

/** Options of {@link srloop}: those of {@link sr} plus the loop's own. */
export interface SrloopOptions extends Omit<SrOptions, 'multi'> {
  /** Times to send the packets. Required unless `signal` is given (then it runs until aborted). */
  count?: number;
  /** Milliseconds between two rounds. Default 1000. */
  interval?: number;
  /** Layer 2 (srp) instead of layer 3 (sr). Default false. */
  layer2?: boolean;
  /** Called for each answer as it is matched. */
  onAnswer?: (sent: Layer, received: Layer) => void;
  /** Called for each packet of a round left unanswered. */
  onUnanswered?: (sent: Layer) => void;
  /**
   * Print each round and the hit rate as Scapy's srloop does (`RECV 1: <answer summary>`,
   * `fail 1: <request summary>`, `Sent 3 packets, received 3 packets. 100.0% hits.`)
   * on stdout. Default: true when neither onAnswer nor onUnanswered is given.
   */
  verbose?: boolean;
}

/**
 * Answers matched to their requests, and the requests nobody answered. Both
 * print as Scapy's do: `answered` as `<Results: TCP:1 UDP:0 ICMP:0 Other:0>`,
 * its `summary()` as `sent ==> received` lines.
 */
export interface SrResult {
  /** `[sent, received]` pairs in the order the answers arrived; each received packet has `.time`. */
  answered: SndRcvList;
  /** Sent packets without an answer. */
  unanswered: PacketList;
}

const SR_KEYS = ['timeout', 'retry', 'inter', 'multi', 'iface', 'filter', 'signal', 'rstGuard'] as const;

interface Settings {
  timeout: number;
  retry: number;
  inter: number;
  multi: boolean;
  iface: string | undefined;
  filter: string | undefined;
  signal: AbortSignal | undefined;
  rstGuard: boolean;
}

function settings(fn: string, o: SrOptions, keys: readonly string[] = SR_KEYS): Settings {
  checkKeys(fn, o, keys);
  return {
    timeout: numberOption(fn, 'timeout', o.timeout, 2000, 0, 3_600_000),
    retry: numberOption(fn, 'retry', o.retry, 0, -1000, 1000, true),
    inter: numberOption(fn, 'inter', o.inter, 0, 0, 3_600_000),
    multi: booleanOption(fn, 'multi', o.multi, false),
    iface: ifaceOption(fn, o.iface),
    filter: filterOption(fn, o.filter),
    signal: signalOption(fn, o.signal),
    rstGuard: booleanOption(fn, 'rstGuard', o.rstGuard, false),
  };
}

interface Entry {
  packet: PreparedPacket;
  key: string;
  answered: boolean;
}

/** The received packet from its network layer on (what an L3 socket would have given). */
function networkLayer(l: Layer): Layer | undefined {
  for (let x: Layer | undefined = l; x; x = x.payload) {
    if (
      (x instanceof IPLayer && !(x instanceof IPerrorLayer)) ||
      (x instanceof IPv6Layer && !(x instanceof IPerror6Layer))
    ) {
      x.underlayer = undefined;
      x.time = l.time;
      return x;
    }
  }
  return undefined;
}

/**
 * The core of every sr function: capture first, then send in rounds, match
 * what arrives. `firstOnly` ends at the first answer (sr1/srp1).
 */
async function exchange(
  prepared: PreparedPacket[],
  captureIface: string,
  sendIface: string | undefined,
  s: Settings,
  layer2: boolean,
  firstOnly: boolean,
  onAnswer?: (sent: Layer, received: Layer) => void,
): Promise<SrResult> {
  const entries: Entry[] = prepared.map((packet) => ({ packet, key: hashret(packet.parsed), answered: false }));
  const waiting = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = waiting.get(e.key);
    if (list) list.push(e);
    else waiting.set(e.key, [e]);
  }
  const answered = new SndRcvList();
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let captureError: unknown;

  const guard = s.rstGuard ? await guardFor(prepared) : undefined;
  // Opened (and the kernel socket bound and filtering) before anything is sent.
  let cap: Capture;
  try {
    cap = openCapture(captureIface, s, prepared);
  } catch (e) {
    await guard?.close();
    throw e;
  }
  const onAbort = (): void => notify();
  s.signal?.addEventListener('abort', onAbort);

  const receiving = (async () => {
    try {
      for await (const p of cap) {
        const all = p.layers();
        const received = layer2 ? all : networkLayer(all);
        if (!received) continue;
        const candidates = waiting.get(hashret(received));
        if (!candidates) continue;
        const i = candidates.findIndex((e) => answers(received, e.packet.parsed));
        if (i < 0) continue;
        const e = candidates[i];
        if (!s.multi) candidates.splice(i, 1);
        e.answered = true;
        answered.push([e.packet.sent, received]);
        onAnswer?.(e.packet.sent, received);
        notify();
      }
    } catch (err) {
      captureError = err;
      notify();
    }
  })();

  const done = (): boolean =>
    captureError !== undefined ||
    s.signal?.aborted === true ||
    (firstOnly && answered.length > 0) ||
    (!s.multi && entries.every((e) => e.answered));

  try {
    let toSend = entries;
    const autostop = s.retry < 0 ? -s.retry : 0;
    let retriesLeft = Math.abs(s.retry);
    for (;;) {
      if (s.inter > 0) {
        for (const [i, e] of toSend.entries()) {
          if (done()) break;
          await transmit([e.packet], { iface: sendIface, what: layer2 ? `srp() on ${sendIface}` : 'sr()' });
          if (i < toSend.length - 1) await sleepUnless(s.inter, done, (w) => (wake = w));
        }
      } else {
        await transmit(
          toSend.map((e) => e.packet),
          { iface: sendIface, what: layer2 ? `srp() on ${sendIface}` : 'sr()' },
        );
      }
      await sleepUnless(s.timeout, done, (w) => (wake = w));
      const remain = entries.filter((e) => !e.answered);
      if (autostop && remain.length > 0 && remain.length !== toSend.length) retriesLeft = autostop;
      toSend = remain;
      if (toSend.length === 0 || retriesLeft <= 0 || done()) break;
      retriesLeft--;
    }
  } finally {
    s.signal?.removeEventListener('abort', onAbort);
    cap.close();
    await receiving;
    await guard?.close();
  }
  if (captureError !== undefined) throw captureError;
  return {
    answered,
    unanswered: new PacketList(
      entries.filter((e) => !e.answered).map((e) => e.packet.sent),
      'Unanswered',
    ),
  };
}

/** The capture for answers: immediate, incoming only, filtered to plausible answers. */
function openCapture(captureIface: string, s: Settings, prepared: PreparedPacket[]): Capture {
  return openLive(captureIface, {
    filter: s.filter ?? answerFilter(prepared),
    immediate: true,
    direction: 'in',
    snaplen: 65535,
    promisc: false,
    // Answers are few: a small ring instead of the capture default's 32 MiB for every call.
    ringSize: 4 << 20,
  });
}

/** A guard for the TCP flows among the packets, or undefined when there are none. */
async function guardFor(prepared: PreparedPacket[]): Promise<RstGuard | undefined> {
  const flows: RstGuardFlow[] = [];
  for (const p of prepared) {
    const tcp = p.parsed.get(TCPLayer);
    if (tcp && p.dst && !(tcp instanceof TCPerrorLayer)) flows.push({ dst: p.dst, dport: tcp.dport, sport: tcp.sport });
  }
  return flows.length ? rstGuard(flows) : undefined;
}

/**
 * One round as Scapy's srloop prints it: `RECV n:` and each answer's summary,
 * `fail n:` and each unanswered request's, every line followed by the blank
 * that lines up the next one (Scapy's bytes, carriage returns included).
 */
function roundText(r: SrResult): string {
  let t = '';
  const block = (label: string, lines: string[]): void => {
    if (lines.length === 0) return;
    const msg = `${label} ${lines.length}:`;
    t += `\r${msg} `;
    for (const l of lines) t += `${l}\n${' '.repeat(msg.length)} `;
  };
  block(
    'RECV',
    r.answered.map(([, got]) => got.summary()),
  );
  block(
    'fail',
    r.unanswered.map((p) => p.summary()),
  );
  return t;
}

/** Waits `ms` milliseconds, or less when `done()` becomes true (checked whenever the matcher wakes it). */
function sleepUnless(ms: number, done: () => boolean, setWake: (w: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    if (done()) return resolve();
    const timer = setTimeout(resolve, ms);
    const check = (): void => {
      if (done()) {
        clearTimeout(timer);
        resolve();
      } else setWake(check);
    };
    setWake(check);
  });
}

/** The capture interface for L3 packets: the given one, the routes' common one, or `any`. */
function l3CaptureInterface(prepared: PreparedPacket[], iface: string | undefined, routes: RouteCache): string {
  if (iface) return iface;
  const names = new Set(prepared.map((p) => (p.dst ? routes.ifaceFor(p.dst) : undefined) ?? 'any'));
  return names.size === 1 ? [...names][0] : 'any';
}

/**
 * Sends IP/IPv6 packets and collects their answers (Scapy's `sr`). Unset IP
 * sources are filled from the routes; answers are returned from their IP layer on.
 */
export async function sr(packets: PacketInput, options: SrOptions = {}): Promise<SrResult> {
  const s = settings('sr()', options);
  const routes = new RouteCache();
  const prepared = prepareL3(packets, routes, 'sr()');
  return exchange(prepared, l3CaptureInterface(prepared, s.iface, routes), s.iface, s, false, false);
}

/** Sends IP/IPv6 packets and resolves with the first answer, or undefined after the timeout (Scapy's `sr1`). */
export async function sr1(packets: PacketInput, options: SrOptions = {}): Promise<Layer | undefined> {
  const s = settings('sr1()', options);
  const routes = new RouteCache();
  const prepared = prepareL3(packets, routes, 'sr1()');
  const r = await exchange(prepared, l3CaptureInterface(prepared, s.iface, routes), s.iface, s, false, true);
  return r.answered[0]?.[1];
}

/**
 * Sends frames on one interface and collects their answers, whole frames
 * (Scapy's `srp`). An unset Ether destination in front of IP/IPv6 is resolved
 * as Scapy does it (ARP / neighbor solicitation, or the group MAC).
 */
export async function srp(packets: PacketInput, options: SrOptions = {}): Promise<SrResult> {
  const s = settings('srp()', options);
  const routes = new RouteCache();
  const list = packetList(packets, 'srp()');
  const iface = l2Interface(list, s.iface, routes, 'srp()');
  const frames = await fillEtherDestinations(list, iface, routes, askLink);
  return exchange(prepareL2(frames, iface, routes), iface, iface, s, true, false);
}

/** Sends frames and resolves with the first answer, or undefined (Scapy's `srp1`). */
export async function srp1(packets: PacketInput, options: SrOptions = {}): Promise<Layer | undefined> {
  const s = settings('srp1()', options);
  const routes = new RouteCache();
  const list = packetList(packets, 'srp1()');
  const iface = l2Interface(list, s.iface, routes, 'srp1()');
  const frames = await fillEtherDestinations(list, iface, routes, askLink);
  const r = await exchange(prepareL2(frames, iface, routes), iface, iface, s, true, true);
  return r.answered[0]?.[1];
}

/**
 * Asks the link for one answer to `frame` (the ARP who-has or neighbor
 * solicitation behind an unset Ether destination): srp1 with a 1 s timeout.
 * @internal
 */
export function askLink(frame: Layer, iface: string): Promise<Layer | undefined> {
  return srp1(frame, { iface, timeout: 1000 });
}

/**
 * Sends the same packets `count` times, `interval` ms apart, and gathers every
 * round's answers (Scapy's `srloop`; `onAnswer`/`onUnanswered` take the place
 * of its printing). Resolves with all answers and all unanswered sends.
 */
export async function srloop(packets: PacketInput, options: SrloopOptions = {}): Promise<SrResult> {
  const fn = 'srloop()';
  checkKeys(fn, options, [
    ...SR_KEYS.filter((k) => k !== 'multi'),
    'count',
    'interval',
    'layer2',
    'onAnswer',
    'onUnanswered',
    'verbose',
  ]);
  const {
    count: countOpt,
    interval: intervalOpt,
    layer2: layer2Opt,
    onAnswer,
    onUnanswered,
    verbose: verboseOpt,
    ...rest
  } = options;
  const s = settings(fn, rest);
  if (countOpt === undefined && !s.signal) throw ruleError(fn, 'give count, or a signal to stop the loop');
  const count = numberOption(fn, 'count', countOpt, Infinity, 1, 1e9, true);
  const interval = numberOption(fn, 'interval', intervalOpt, 1000, 0, 3_600_000);
  const layer2 = booleanOption(fn, 'layer2', layer2Opt, false);
  const verbose = booleanOption(fn, 'verbose', verboseOpt, onAnswer === undefined && onUnanswered === undefined);
  const out = (text: string): void => void process.stdout.write(text);
  functionOption(fn, 'onAnswer', onAnswer);
  functionOption(fn, 'onUnanswered', onUnanswered);
  const routes = new RouteCache();
  const list = packetList(packets, fn);
  const iface = layer2 ? l2Interface(list, s.iface, routes, fn) : undefined;
  const prepared = layer2
    ? prepareL2(await fillEtherDestinations(list, iface!, routes, askLink), iface!, routes)
    : prepareL3(list, routes, fn);
  const captureIface = iface ?? l3CaptureInterface(prepared, s.iface, routes);
  const total: SrResult = { answered: new SndRcvList(), unanswered: new PacketList([], 'Unanswered') };
  for (let round = 0; round < count && !s.signal?.aborted; round++) {
    const started = Date.now();
    if (verbose) out('\rsend...\r ');
    const r = await exchange(prepared, captureIface, iface ?? s.iface, s, layer2, false, onAnswer);
    // One by one: a round may answer more packets than a spread call takes arguments.
    for (const pair of r.answered) total.answered.push(pair);
    for (const p of r.unanswered) total.unanswered.push(p);
    r.unanswered.forEach((p) => onUnanswered?.(p));
    if (verbose) out(roundText(r));
    const left = interval - (Date.now() - started);
    if (round + 1 < count && left > 0)
      await sleepUnless(
        left,
        () => s.signal?.aborted === true,
        (w) => s.signal?.addEventListener('abort', w, { once: true }),
      );
  }
  const sent = total.answered.length + total.unanswered.length;
  if (verbose && sent > 0) {
    out(
      `\nSent ${sent} packets, received ${total.answered.length} packets. ${((100 * total.answered.length) / sent).toFixed(1)}% hits.\n`,
    );
  }
  return total;
}

export type { PacketInput, PacketLike } from './prepare';
export { answers, hashret } from './match';
