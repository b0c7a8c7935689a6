/**
 * The dissector reads fixed-size headers (Ethernet, IPv4, IPv6, TCP, UDP, a VLAN tag) through
 * FixedHeader<N> (native/dissect/extract.h): one bounds check when the header is taken, then reads
 * at constant offsets with no check of their own. What keeps those reads in bounds is the compiler,
 * which refuses an offset past N; these tests compile small programs against the header to show
 * that it does, and run one to show that a header not wholly captured is refused and marked.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { FLAG_TRUNCATED, LAYER_NONE, LAYER_TCP } from '../../lib/record.gen';
import { makeTempDir, type TempDir } from '../helpers/loopback';

const EXTRACT_H = path.join(__dirname, '..', '..', 'native', 'dissect', 'extract.h');

let dir: TempDir;
before(() => {
  dir = makeTempDir('fixed-header');
});
after(() => dir?.remove());

/** A program that takes a 20-byte header from a packet of `caplen` bytes and returns `read`'s value. */
function program(caplen: number, read: string): string {
  return `#include "${EXTRACT_H}"
#include <cstdio>
using namespace pktkit;
int main() {
  u8 packet[20] = {0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd};
  alignas(8) u8 record[rec::RECORD_SIZE] = {0};
  record[rec::stopLayer] = rec::LAYER_NONE;
  Cursor cur(packet, ${caplen}, 20, record);
  auto h = cur.header<20>(0, rec::LAYER_TCP);
  unsigned value = h ? static_cast<unsigned>(${read}) : 0xffffffffu;
  std::printf("%d %u %u %u\\n", h ? 1 : 0, value, rec::get32(record, rec::flags), record[rec::stopLayer]);
}
`;
}

function compile(name: string, source: string, syntaxOnly: boolean): { ok: boolean; output: string; exe: string } {
  const file = dir.file(`${name}.cc`);
  const exe = dir.file(name);
  fs.writeFileSync(file, source);
  const args = ['-std=c++17', '-Wall', '-Wextra', '-Werror', file];
  const r = spawnSync('g++', syntaxOnly ? ['-fsyntax-only', ...args] : ['-O2', ...args, '-o', exe], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.error, undefined, `g++ could not run: ${String(r.error)}`);
  return { ok: r.status === 0, output: r.stderr, exe };
}

it('a read that ends at the header size builds; one byte further does not', () => {
  const cases: [string, boolean][] = [
    ['h.be16<18>()', true],
    ['h.be16<19>()', false],
    ['h.be32<16>()', true],
    ['h.be32<17>()', false],
    ['h.get8<19>()', true],
    ['h.get8<20>()', false],
    ['h.raw32<17>()', false],
    ['*h.span<4, 16>()', true],
    ['*h.span<5, 16>()', false],
  ];
  for (const [i, [read, builds]] of cases.entries()) {
    const r = compile(`read${i}`, program(20, read), true);
    assert.equal(r.ok, builds, `${read}: ${r.output}`);
    if (!builds) assert.match(r.output, /read past the fixed header/, read);
  }
});

it('a header wholly captured is read in network byte order; a cut one is refused and marks the record', () => {
  const whole = compile('whole', program(20, 'h.be16<0>() + h.be16<18>()'), false);
  assert.ok(whole.ok, whole.output);
  const cut = compile('cut', program(19, 'h.be16<0>()'), false);
  assert.ok(cut.ok, cut.output);
  const run = (exe: string): string => {
    const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  // taken, 0x1234 + 0xabcd, no flag, no stop layer
  assert.equal(run(whole.exe), `1 ${0x1234 + 0xabcd} 0 ${LAYER_NONE}`);
  // refused, nothing read, TRUNCATED at TCP
  assert.equal(run(cut.exe), `0 ${0xffffffff} ${FLAG_TRUNCATED} ${LAYER_TCP}`);
});
