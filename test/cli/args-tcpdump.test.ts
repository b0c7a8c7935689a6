/**
 * The command line in tcpdump's shape (no subcommand), its counted flags, and
 * the hints an unknown tcpdump/tshark flag gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError, USAGE } from '../../lib/cli/args';

test('tcpdump shape: -r reads, -D lists, anything else captures', () => {
  const r = parseArgs(['-nn', '-r', 'x.pcap', '-c', '3', 'icmp']);
  assert.deepEqual([r.command, r.file, r.count, r.filter], ['read', 'x.pcap', 3, 'icmp']);
  const r2 = parseArgs(['read', '-r', 'x.pcap', 'tcp']);
  assert.deepEqual([r2.command, r2.file, r2.filter], ['read', 'x.pcap', 'tcp']);
  assert.equal(parseArgs(['-D']).command, 'ifaces');
  assert.equal(parseArgs(['-D']).listInterfaces, true);
  const c = parseArgs(['-i', '2', '-y', 'LINUX_SLL', '-tttt', '-#', '-e', '-A', 'port', '53']);
  assert.deepEqual(
    [c.command, c.interface, c.linkType, c.timeStyle, c.number, c.linkHeader, c.ascii, c.filter],
    ['capture', '2', 'LINUX_SLL', 4, true, true, true, 'port 53'],
  );
  assert.equal(parseArgs(['-i', 'lo', '--version']).command, 'version');
});

test('-v, -vv, -vvv and -t .. -ttttt count; precision and numbering spellings', () => {
  assert.deepEqual(
    [1, 2, 3].map((n) => parseArgs(['-r', 'f', `-${'v'.repeat(n)}`]).verbosity),
    [1, 2, 3],
  );
  assert.equal(parseArgs(['-r', 'f', '-v', '-v']).verbosity, 2);
  assert.equal(parseArgs(['-r', 'f', '-vv']).verbose, true);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => parseArgs(['-r', 'f', `-${'t'.repeat(n)}`]).timeStyle),
    [1, 2, 3, 4, 5],
  );
  assert.equal(parseArgs(['-r', 'f', '--time-stamp-precision', 'nano']).precision, 'nano');
  assert.equal(parseArgs(['-r', 'f', '--time-stamp-precision=micro']).precision, 'micro');
  assert.equal(parseArgs(['-r', 'f', '--nano']).precision, 'nano');
  assert.equal(parseArgs(['-r', 'f', '--number']).number, true);
  assert.equal(parseArgs(['-r', 'f', '-#']).number, true);
  assert.equal(parseArgs(['-r', 'f', '-K', '-nn', '--dont-verify-checksums']).command, 'read');
  assert.equal(parseArgs(['-w', 'x-%H.pcap', '-G', '60', '-W', '3']).rotateSeconds, 60);
  assert.equal(parseArgs(['-r', 'f', '-F', 'filt']).filterFile, 'filt');
});

test('--follow N picks a stream; --follow alone follows all; --json=ek|json|flat', () => {
  const a = parseArgs(['-r', 'f', '--follow', '3', 'tcp']);
  assert.deepEqual([a.follow, a.followStream, a.filter], [true, 3, 'tcp']);
  const b = parseArgs(['-r', 'f', '--follow', 'tcp']);
  assert.deepEqual([b.follow, b.followStream, b.filter], [true, undefined, 'tcp']);
  assert.equal(parseArgs(['-r', 'f', '--follow=0']).followStream, 0);
  assert.equal(parseArgs(['-r', 'f', '--json=ek']).jsonStyle, 'ek');
  assert.equal(parseArgs(['-r', 'f', '--json=json']).jsonStyle, 'json');
  const j = parseArgs(['-r', 'f', '--json', 'udp']);
  assert.deepEqual([j.json, j.jsonStyle, j.filter], [true, 'flat', 'udp']);
});

test('mistakes: one line that says what was expected, and hints for flags pktkit spells differently', () => {
  const bad: Array<[string[], RegExp]> = [
    [['-r', 'f', '-tttttt'], /Expected at most 5 t .* but received 6/],
    [['-D', '-c', '3'], /Option -c does not apply to -D/],
    [['-r', 'f', '-i', 'eth0'], /Option -i does not apply to 'read' \(-r\)/],
    [['-r', 'f', '-y', 'LINUX_SLL'], /Option -y does not apply to 'read'/],
    [
      ['-r', 'f', '--time-stamp-precision=pico'],
      /Expected 'micro' or 'nano' for --time-stamp-precision but received 'pico'/,
    ],
    [['-r', 'f', '--json=xml'], /Expected 'flat', 'ek' or 'json' for --json but received 'xml'/],
    [['-r', 'f', '--follow=x'], /Expected a TCP stream number for --follow but received 'x'/],
    [['-r', 'f', '-F', 'a', '-f', 'tcp'], /either with -f or with -F FILE/],
    [['-i', 'lo', '-G', '10'], /-C and -W apply to the file written with -w \(as does -G\)/],
    [['-i', 'lo', '-w', 'f', '-W', '3'], /-W needs -C \(rotation by size\) or -G/],
    [['-i', 'lo', '-y', 'bad name'], /Expected a link type name .* for -y but received 'bad name'/],
    [['-r', 'f', '--json', '-e'], /--json cannot be combined with -v, -x, -X, -A or -e/],
    [['-r', 'f', '-T', 'ek'], /Unknown option -T; pktkit's equivalent: .*--json=ek/],
    [['-r', 'f', '-Y', 'tcp'], /Unknown option -Y; pktkit's equivalent: .*BPF/],
    [['-r', 'f', '-z', 'follow,tcp,ascii,0'], /Unknown option -z; pktkit's equivalent: --follow N/],
    [['-r', 'f', '-P'], /Unknown option -P; pktkit's equivalent: --print/],
    [['-r', 'f', '-V'], /Unknown option -V; pktkit's equivalent: -v, -vv or -vvv/],
    [['-r', 'f', '-R', 'tcp'], /Unknown option -R; pktkit's equivalent: give a BPF filter/],
    [['-r', 'f', '-j', 'host'], /^Unknown option -j$/],
    [['frob'], /Unknown command 'frob'.*pktkit -r FILE/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(
      () => parseArgs(argv),
      (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'),
      argv.join(' '),
    );
  }
});

test("--help documents every option, the -w progress line and --version; --version prints package.json's", async () => {
  const { runCli, ROOT } = await import('./run-cli');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  const text = help.stdout.toString();
  assert.equal(text, USAGE);
  for (const spelling of [
    '-r FILE',
    '-D',
    '-F FILE',
    '-y',
    '-G SECONDS',
    '-A',
    '-e',
    '-ttttt',
    '--time-stamp-precision',
    '-#',
    '-K',
    '-vv',
    '-vvv',
    '--json[=flat|ek|json]',
    '--follow [N]',
    'Got N (dropped D)',
    '--version',
  ]) {
    assert.ok(text.includes(spelling), spelling);
  }
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const v = await runCli(['--version']);
  assert.equal(v.stdout.toString(), `pktkit ${version}\n`);
});
