/**
 * Runs inside the sending namespace: one sr-family exchange picked by name,
 * reported as one JSON line with the fields the test checks.
 *   node --import tsx test/send/scripts/sr-cases.ts CASE '{"dst": ...}'
 */
import {
  ARP,
  DNS,
  DNSQR,
  Ether,
  ICMP,
  ICMPerror,
  IP,
  IPerror,
  IPerror6,
  IPv6,
  sr,
  sr1,
  srloop,
  srp,
  TCP,
  UDP,
  UDPerror,
  ICMPv6DestUnreach,
  ICMPv6EchoReply,
  ICMPv6EchoRequest,
  srp1,
  type DNSLayer,
  type Layer,
} from '../../../lib/index';
import { report } from '../../helpers/report';
import { execFileSync } from 'node:child_process';

type Args = Record<string, string | number>;

/** The layers' names and the fields tests look at, for one received packet. */
function describe(l: Layer): Record<string, unknown> {
  return { summary: l.summary(), layers: l.layers().map((x) => x.layerName) };
}

const cases: Record<string, (a: Args) => Promise<unknown>> = {
  async 'icmp-echo'(a) {
    const started = Date.now();
    const reply = await sr1(
      IP({ dst: String(a.dst) })
        .div(ICMP({ id: 0x4242, seq: 7 }))
        .div('pktkit-ping'),
      { timeout: 2000 },
    );
    if (!reply) return { answered: false };
    const ip = reply.get(IP)!;
    const icmp = reply.get(ICMP)!;
    return {
      answered: true,
      ms: Date.now() - started,
      src: ip.src,
      dst: ip.dst,
      type: icmp.type,
      id: icmp.id,
      seq: icmp.seq,
      load: Buffer.from(icmp.payload!.toBytes()).toString(),
      ...describe(reply),
    };
  },

  async 'icmp6-echo'(a) {
    const reply = await sr1(
      IPv6({ dst: String(a.dst) }).div(ICMPv6EchoRequest({ id: 0x6464, seq: 2, data: 'pktkit-ping6' })),
      { timeout: 2000 },
    );
    if (!reply) return { answered: false };
    const echo = reply.get(ICMPv6EchoReply)!;
    return {
      answered: true,
      src: reply.get(IPv6)!.src,
      id: echo.id,
      seq: echo.seq,
      data: Buffer.from(echo.data).toString(),
      ...describe(reply),
    };
  },

  async 'tcp-syn'(a) {
    const guarded = (a as { rstGuard?: boolean }).rstGuard === true;
    const reply = await sr1(
      IP({ dst: String(a.dst) }).div(TCP({ sport: Number(a.sport), dport: Number(a.port), seq: 1000, flags: 'S' })),
      { timeout: 2000, rstGuard: guarded },
    );
    const tcp = reply?.get(TCP);
    const after = guarded ? { tablesAfter: execFileSync('nft', ['list', 'tables']).toString() } : {};
    return tcp
      ? { answered: true, flags: tcp.fieldRepr('flags'), ack: tcp.ack, sport: tcp.sport, dport: tcp.dport, ...after }
      : { answered: false };
  },

  async 'udp-closed'(a) {
    const probes = [
      IP({ dst: String(a.dst4) })
        .div(UDP({ sport: 33001, dport: Number(a.port) }))
        .div('v4-probe'),
      IPv6({ dst: String(a.dst6) })
        .div(UDP({ sport: 33002, dport: Number(a.port) }))
        .div('v6-probe'),
      // Open nowhere either, but a different port: must be matched to its own request.
      IP({ dst: String(a.dst4) })
        .div(UDP({ sport: 33003, dport: Number(a.port) + 1 }))
        .div('v4-other'),
    ];
    const r = await sr(probes, { timeout: 1500 });
    return {
      answered: r.answered.map(([sent, got]) => {
        const quoted4 = got.get(IPerror);
        const quoted6 = got.get(IPerror6);
        const udpErr = got.get(UDPerror)!;
        const icmp = got.get(ICMP);
        const icmp6 = got.get(ICMPv6DestUnreach);
        return {
          sentSport: sent.get(UDP)!.sport,
          sentDport: sent.get(UDP)!.dport,
          family: quoted4 ? 4 : quoted6 ? 6 : 0,
          type: icmp ? icmp.type : icmp6 ? icmp6.value('type') : -1,
          code: icmp ? icmp.code : icmp6 ? icmp6.value('code') : -1,
          quotedSport: udpErr.sport,
          quotedDport: udpErr.dport,
          notIcmpError: got.get(ICMPerror) === undefined,
          ...describe(got),
        };
      }),
      unanswered: r.unanswered.length,
    };
  },

  async arp(a) {
    const first = await srp1(Ether({ dst: 'ff:ff:ff:ff:ff:ff' }).div(ARP({ pdst: String(a.pdst) })), {
      iface: String(a.iface),
      timeout: 2000,
    });
    const r = await srp(Ether({ dst: 'ff:ff:ff:ff:ff:ff' }).div(ARP({ pdst: String(a.pdst) })), {
      iface: String(a.iface),
      timeout: 2000,
    });
    return {
      answered: r.answered.map(([sent, got]) => ({
        sentHwsrc: sent.get(ARP)!.hwsrc,
        sentPsrc: sent.get(ARP)!.psrc,
        op: got.get(ARP)!.op,
        hwsrc: got.get(ARP)!.hwsrc,
        psrc: got.get(ARP)!.psrc,
        hwdst: got.get(ARP)!.hwdst,
        etherSrc: got.get(Ether)!.src,
        ...describe(got),
      })),
      unanswered: r.unanswered.length,
      srp1: first ? { op: first.get(ARP)!.op, hwsrc: first.get(ARP)!.hwsrc } : null,
    };
  },

  /** srp with the Ether destination left unset: resolved by ARP / neighbor solicitation first. */
  async 'srp-resolve'(a) {
    const out: Record<string, unknown> = {};
    for (const [name, pkt] of [
      [
        'v4',
        Ether()
          .div(IP({ dst: String(a.dst4) }))
          .div(ICMP({ id: 0x99 })),
      ],
      [
        'v6',
        Ether()
          .div(IPv6({ dst: String(a.dst6) }))
          .div(ICMPv6EchoRequest({ id: 0x98 })),
      ],
    ] as const) {
      const r = await srp(pkt, { iface: String(a.iface), timeout: 2000 });
      out[name] = r.answered.map(([sent, got]) => ({
        sentDst: sent.get(Ether)!.dst,
        gotSrc: got.get(Ether)!.src,
        ...describe(got),
      }));
    }
    return out;
  },

  async dns(a) {
    const out: Record<string, unknown> = {};
    for (const [qtype, id] of [
      ['A', 0x1111],
      ['AAAA', 0x2222],
    ] as const) {
      const reply = await sr1(
        IP({ dst: String(a.server) })
          .div(UDP({ sport: 35353, dport: 53 }))
          .div(DNS({ id, rd: 1, qd: DNSQR({ qname: String(a.name), qtype }) })),
        { timeout: 2000 },
      );
      const dns = reply?.get(DNS) as DNSLayer | undefined;
      out[qtype] = dns
        ? {
            id: dns.id,
            qr: dns.qr,
            rcode: dns.rcode,
            qname: dns.qd[0]?.qname,
            answers: dns.an.map((rr) => ({ rrname: rr.rrname, type: rr.type, rdata: String(rr.getField('rdata')) })),
          }
        : null;
    }
    return out;
  },

  /** Echo requests nsB silently drops (id 0x5151): timeout, retry, inter and abort are measured on them. */
  async silent(a) {
    const probe = (seq: number) => IP({ dst: String(a.dst) }).div(ICMP({ id: 0x5151, seq }));
    const answered = IP({ dst: String(a.dst) }).div(ICMP({ id: 0x5252, seq: 1 }));
    const timed = async (f: () => Promise<{ answered: unknown[]; unanswered: unknown[] }>) => {
      const t0 = Date.now();
      const r = await f();
      return { ms: Date.now() - t0, answered: r.answered.length, unanswered: r.unanswered.length };
    };
    return {
      timeout: await timed(() => sr(probe(1), { timeout: 400 })),
      retry: await timed(() => sr(probe(2), { timeout: 200, retry: 2 })),
      autostop: await timed(() => sr(probe(3), { timeout: 200, retry: -2 })),
      inter: await timed(() => sr([probe(4), probe(5), answered, probe(6)], { timeout: 100, inter: 150 })),
      abort: await timed(() => {
        const abort = new AbortController();
        setTimeout(() => abort.abort(), 300);
        return sr(probe(7), { timeout: 5000, signal: abort.signal });
      }),
    };
  },

  async loop(a) {
    const seen: number[] = [];
    const r = await srloop(IP({ dst: String(a.dst) }).div(ICMP({ id: 0x77, seq: 1 })), {
      count: 3,
      interval: 100,
      timeout: 1000,
      onAnswer: (_s, got) => seen.push(got.get(ICMP)!.type),
    });
    return { answered: r.answered.length, unanswered: r.unanswered.length, seen };
  },
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const args = JSON.parse(process.argv[3] ?? '{}') as Args;
  const run = cases[name];
  if (!run) throw new Error(`no case ${name}`);
  try {
    report({ result: await run(args) });
  } catch (err) {
    const e = err as Error & { code?: string };
    report({ error: { name: e.name, code: e.code, message: e.message, stack: e.stack } });
  }
}

void main();
