/**
 * Rules of the one error path (issue 9, items 3, 4, 6), kept by reading the
 * sources and by the real addon:
 * - only lib/args.ts makes TypeErrors, and nothing in lib/ throws a plain Error;
 * - no user-facing text in native code: its hints and messages live in lib/errors.ts;
 * - what native code could not use is a TypeError in the one wording, a failed
 *   allocation a typed PktkitError;
 * - lib/ has no import cycle, and lib/binding.ts types every export of the addon.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { addon } from '../../lib/binding';
import { nativeError, PktkitError } from '../../lib/errors';
import {
  ICMP,
  IP,
  openFile,
  openLive,
  PcapError,
  send,
  sendp,
  sendpfast,
  sniff,
  sr,
  sr1,
  srloop,
} from '../../lib/index';

const ROOT = path.resolve(__dirname, '../..');

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(rel, ext));
    else if (ext.test(e.name)) out.push(rel);
  }
  return out;
}

describe('one error path', () => {
  it('only lib/args.ts makes TypeErrors and RangeErrors; lib/ throws no plain Error', () => {
    const found: Record<string, number> = {};
    for (const file of filesUnder('lib', /\.ts$/)) {
      if (file === path.join('lib', 'args.ts')) continue;
      const n = (fs.readFileSync(path.join(ROOT, file), 'utf8').match(/new (?:Type|Range)?Error\(/g) ?? []).length;
      if (n > 0) found[file.split(path.sep).join('/')] = n;
    }
    assert.deepEqual(
      found,
      {},
      'throw argError()/ruleError()/rangeError() from lib/args.ts, or a PktkitError, instead',
    );
  });

  it('native code words no message: no hint or message text in native/', () => {
    const phrases = [
      'pktkit ifaces',
      'run as root',
      'setcap',
      'bring it up',
      'no such interface',
      'no permission',
      'bad filter',
      'cannot open capture file',
      'try a smaller',
    ];
    const hits: string[] = [];
    for (const file of filesUnder('native', /\.(cc|h)$/)) {
      // String literals only: comments may name the messages.
      const literals = (fs.readFileSync(path.join(ROOT, file), 'utf8').match(/"(?:[^"\\\n]|\\.)*"/g) ?? [])
        .join('\n')
        .toLowerCase();
      for (const p of phrases) if (literals.includes(p)) hits.push(`${file}: ${p}`);
    }
    assert.deepEqual(hits, []);
  });

  it('what the addon cannot use is a TypeError in the one wording (through the real addon)', () => {
    assert.throws(
      () => addon().routeGet('not-an-address'),
      (e: unknown) =>
        e instanceof TypeError &&
        (e as TypeError & { code: string }).code === 'ERR_INVALID_ARG_VALUE' &&
        e.message ===
          "Expected an IPv4 or IPv6 address for routeGet() dst but received 'not-an-address' of type string",
    );
    // Bytes that cannot be an IPv4 packet: refused before any socket is opened.
    assert.throws(
      () =>
        addon().sendPackets({
          kind: 'ip4',
          packets: [new Uint8Array([0x45, 0, 0])],
          total: 1,
          inter: 0,
          pps: 0,
          mbps: 0,
          batch: 1,
          context: 'send()',
        }),
      (e: unknown) =>
        e instanceof TypeError &&
        e.message === 'send(): packet 0 does not start with an IPv4 header (the socket takes the destination from it)',
    );
  });

  it('a failed allocation is a PktkitError with code ENOMEM, not a TypeError', () => {
    const err = nativeError({
      kind: 'resource',
      code: 'ENOMEM',
      what: 'alloc-slots',
      errno: 12,
      op: 'aligned_alloc',
      detail: 'Cannot allocate memory',
      values: { bytes: '262144' },
    });
    assert.ok(err instanceof PktkitError && !(err instanceof TypeError));
    assert.equal(err.code, 'ENOMEM');
    assert.equal(err.message, 'cannot allocate the record slots (262144 bytes): Cannot allocate memory');
    // Facts of a kind nobody worded yet still make one readable line of the right class.
    const other = nativeError({
      kind: 'pcap',
      code: 'EPCAP',
      what: 'something-new',
      subject: 'eth0',
      op: 'ioctl',
      detail: 'Invalid argument',
    });
    assert.ok(other instanceof PcapError);
    assert.equal(other.message, "something-new on 'eth0' failed: ioctl: Invalid argument");
  });

  it('whatever the facts hold, the message is one printable line', () => {
    const odd = nativeError({ kind: 'interface', code: 'EIFDOWN', what: 'down', subject: 'a\x01b\nc' });
    assert.equal(odd.message, "interface 'a\\x01b\\nc' is down: bring it up (ip link set 'a\\x01b\\nc' up)");
    // A `what` that names an Object property is no message of its own.
    const proto = nativeError({ kind: 'pcap', code: 'EPCAP', what: 'constructor', detail: 'x' });
    assert.equal(proto.message, 'constructor failed: x');
    const long = nativeError({
      kind: 'filter',
      code: 'EFILTER',
      what: 'filter',
      subject: 'tcp or '.repeat(1000),
      detail: 'syntax error',
    });
    assert.ok(long.message.length < 200 && !long.message.includes('\n'), long.message);
  });

  it('lib/ has no import cycle (lib/send: send.ts -> sr.ts, never back)', () => {
    const files = filesUnder('lib', /\.ts$/).map((f) => path.join(ROOT, f));
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const deps: string[] = [];
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms)) {
        const target = path.resolve(path.dirname(f), m[1]);
        const hit = [`${target}.ts`, path.join(target, 'index.ts')].find((c) => fs.existsSync(c));
        if (hit) deps.push(hit);
      }
      graph.set(f, deps);
    }
    assert.ok(
      (graph.get(path.join(ROOT, 'lib/send/send.ts')) ?? []).includes(path.join(ROOT, 'lib/send/sr.ts')),
      'the import reader sees send.ts -> sr.ts',
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open')
          cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(ROOT, x)).join(' -> '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    assert.deepEqual(cycles, []);
  });

  it('lib/binding.ts types every export of the addon, and nothing casts the addon', () => {
    const binding = fs.readFileSync(path.join(ROOT, 'lib/binding.ts'), 'utf8');
    const declared = binding.slice(binding.indexOf('export interface Addon {'));
    const untyped = Object.keys(addon()).filter((name) => !new RegExp(`^\\s+${name}[(:?]`, 'm').test(declared));
    assert.deepEqual(untyped, []);
    const casts = filesUnder('lib', /\.ts$/).filter((f) =>
      /addon\(\)\s*as\s/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')),
    );
    assert.deepEqual(casts, []);
  });

  it('one wording for the same bad argument across capture, send, sr and sniff, each with code ERR_INVALID_ARG_VALUE', async () => {
    const pkt = IP({ dst: '198.18.0.1' }).div(ICMP());
    const calls: Array<[string, () => unknown]> = [
      ['', () => openLive('lo', { signal: 5 } as never)],
      ['', () => openFile('x.pcap', { signal: 5 } as never)],
      ['send() ', () => send(pkt, { signal: 5 } as never)],
      ['sendp() ', () => sendp(pkt, { signal: 5 } as never)],
      ['sendpfast() ', () => sendpfast(pkt, { signal: 5 } as never)],
      ['sr() ', () => sr(pkt, { signal: 5 } as never)],
      ['sr1() ', () => sr1(pkt, { signal: 5 } as never)],
      ['srloop() ', () => srloop(pkt, { signal: 5 } as never)],
      ['sniff() ', () => sniff({ signal: 5 } as never)],
    ];
    for (const [fn, call] of calls) {
      const err = await (async () => call())().then(
        () => undefined,
        (e: unknown) => e as TypeError & { code?: string },
      );
      assert.ok(err instanceof TypeError, `${fn}: ${String(err)}`);
      assert.equal(err.message, `Expected an AbortSignal for ${fn}signal but received 5 of type number`);
      assert.equal(err.code, 'ERR_INVALID_ARG_VALUE', fn);
    }
    for (const [fn, call] of [
      ['', () => openLive('lo', { bogus: 1 } as never)],
      ['send(): ', () => send(pkt, { bogus: 1 } as never)],
      ['sr(): ', () => sr(pkt, { bogus: 1 } as never)],
      ['sniff(): ', () => sniff({ bogus: 1 } as never)],
    ] as Array<[string, () => unknown]>) {
      const err = await (async () => call())().then(
        () => undefined,
        (e: unknown) => e as TypeError & { code?: string },
      );
      assert.ok(err instanceof TypeError, `${fn}: ${String(err)}`);
      assert.match(
        err.message,
        new RegExp(`^${fn.replace(/[()]/g, '\\$&')}Unknown option 'bogus': expected one of \\w+`),
      );
      assert.equal(err.code, 'ERR_INVALID_ARG_VALUE', fn);
    }
  });
});
