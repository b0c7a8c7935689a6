/**
 * `pktkit ifaces`: what `tcpdump -D` lists, with each interface's addresses
 * and flags, so that the right `-i` is easy to pick.
 */
import { interfaces, type InterfaceInfo } from '../capture';
import { InterfaceError } from '../errors';
import type { TextOutput } from './output';

/** The flags in tcpdump -D's words. */
export function flagWords(i: InterfaceInfo): string[] {
  const words: string[] = [];
  if (i.flags.up) words.push('Up');
  if (i.flags.running) words.push('Running');
  if (i.flags.loopback) words.push('Loopback');
  if (i.flags.wireless) words.push('Wireless');
  if (i.flags.connection === 'connected') words.push('Connected');
  else if (i.flags.connection === 'disconnected') words.push('Disconnected');
  return words;
}

/** Lines for one interface: `1.eth0 [Up, Running, Connected]` then its addresses. */
export function interfaceLines(i: InterfaceInfo, index: number): string[] {
  const desc = i.description ? ` (${i.description})` : '';
  const words = flagWords(i);
  const lines = [`${index}.${i.name}${desc} [${words.length ? words.join(', ') : 'none'}]`];
  for (const a of i.addresses) {
    let s = `    ${a.family === 'link' ? 'link' : a.family === 'IPv4' ? 'inet' : 'inet6'} ${a.address}`;
    if (a.netmask) s += ` netmask ${a.netmask}`;
    if (a.broadcast) s += ` broadcast ${a.broadcast}`;
    if (a.destination) s += ` peer ${a.destination}`;
    lines.push(s);
  }
  return lines;
}

/** Runs `pktkit ifaces`; `brief` (`-D`) prints only tcpdump -D's numbered lines, without addresses. */
export function runIfaces(out: TextOutput, json: boolean, brief = false): void {
  const list = interfaces();
  if (json) {
    for (const i of list) out.write(JSON.stringify(i) + '\n');
    return;
  }
  list.forEach((i, n) =>
    out.write((brief ? interfaceLines(i, n + 1).slice(0, 1) : interfaceLines(i, n + 1)).join('\n') + '\n'),
  );
}

/** tcpdump's default: the first interface libpcap lists (it sorts up, running, non-loopback first). */
export function defaultInterface(): string {
  const first = interfaces()[0];
  if (first === undefined) {
    throw new InterfaceError('no interfaces available for capture (libpcap lists none; as root it lists at least lo)', {
      code: 'ENODEV',
    });
  }
  return first.name;
}

/** Addresses of `device` (all interfaces' for `any`), to tell sent from received. */
export function addressesOf(device: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const i of interfaces()) {
    if (device !== undefined && device !== 'any' && i.name !== device) continue;
    for (const a of i.addresses) if (a.family !== 'link') out.add(a.address.replace(/%.*$/, ''));
  }
  return out;
}
