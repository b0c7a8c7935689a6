import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../lib/cli/args';
import { escapedHexdump, escapeText } from '../../lib/cli/escaped-hexdump';
import { argError, rangeError, ruleError } from '../../lib/args';
import { reportFor, ExitCode } from '../../lib/cli/exit';
import { rotatedName } from '../../lib/cli/rotating-writer';
import { FilterError, InterfaceError, PermissionError, FileError } from '../../lib/errors';
import { tcpdumpFlags } from '../../lib/tcp/segment';
import { tcpFlagsString } from '../../lib/cli/json-fields';

test('capture options with tcpdump letters, clusters and long spellings', () => {
  const o = parseArgs([
    'capture',
    '-i',
    'eth0',
    '-c5',
    '-vX',
    '--snapshot-length=96',
    '-w',
    'out.pcapng',
    '-C',
    '2',
    '-W',
    '3',
    '-n',
    'tcp',
    'port',
    '80',
  ]);
  assert.equal(o.command, 'capture');
  assert.equal(o.interface, 'eth0');
  assert.equal(o.count, 5);
  assert.equal(o.verbose, true);
  assert.equal(o.hex, 'X');
  assert.equal(o.snaplen, 96);
  assert.equal(o.write, 'out.pcapng');
  assert.equal(o.fileSize, 2);
  assert.equal(o.fileCount, 3);
  assert.equal(o.filter, 'tcp port 80');
  const l = parseArgs([
    'capture',
    '--interface',
    'lo',
    '-f',
    'udp',
    '--json',
    '--follow',
    '-S',
    '-p',
    '-Q',
    'in',
    '-B',
    '4096',
  ]);
  assert.deepEqual(
    [l.interface, l.filter, l.json, l.follow, l.absolute, l.promisc, l.direction, l.bufferSize],
    ['lo', 'udp', true, true, true, false, 'in', 4096],
  );
});

test('read takes the file first and the filter after', () => {
  const o = parseArgs(['read', 'x.pcap', '-c', '3', 'icmp']);
  assert.equal(o.file, 'x.pcap');
  assert.equal(o.filter, 'icmp');
  assert.equal(o.count, 3);
});

test('mistakes are UsageErrors that say what was expected and what came', () => {
  const bad: Array<[string[], RegExp]> = [
    [['capture', '-c', 'abc'], /Expected a positive integer \(1\.\.\d+\) for -c but received 'abc'/],
    [['capture', '-c', '0'], /for -c but received '0'/],
    [['capture', '-s', '300000'], /snap length \(0\.\.262144\) for -s/],
    [['capture', '--bogus'], /Unknown option --bogus/],
    [['capture', '-Y'], /Unknown option -Y/],
    [['capture', '-Z'], /Option -Z needs a value/],
    [['capture', '-i'], /Option -i needs a value/],
    [['frobnicate'], /Unknown command 'frobnicate'/],
    [['read'], /'read' needs a capture file/],
    [['read', 'f', '-i', 'eth0'], /-i does not apply to 'read'/],
    [['capture', '-C', '1'], /-C and -W apply to the file written with -w/],
    [['capture', '-w', 'f', '-W', '2'], /-W needs -C/],
    [['capture', '-f', 'tcp', 'udp'], /either with -f or after the options/],
    [['capture', '--json', '-v'], /--json cannot be combined/],
    [['capture', '-Q', 'sideways'], /'in', 'out' or 'inout'/],
    [['ifaces', 'extra'], /Unexpected argument 'extra'/],
  ];
  for (const [argv, re] of bad)
    assert.throws(
      () => parseArgs(argv),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      argv.join(' '),
    );
});

test('help and version', () => {
  assert.equal(parseArgs([]).command, 'help');
  assert.equal(parseArgs(['--help']).command, 'help');
  assert.equal(parseArgs(['capture', '-h']).command, 'help');
  assert.equal(parseArgs(['--version']).command, 'version');
});

test('escaped hexdump: offset, 16 hex bytes, text with <\\r><\\n> escapes', () => {
  const data = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n\x00\x1b\x7f\xff\t', 'latin1');
  assert.deepEqual(escapedHexdump(data, '  '), [
    '  0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1<\\r><\\n>',
    '  0010  48 6f 73 74 3a 20 61 0d 0a 0d 0a 00 1b 7f ff 09  Host: a<\\r><\\n><\\r><\\n><\\0><\\x1b><\\x7f>.<\\t>',
  ]);
  assert.equal(escapeText(Buffer.from('a\nb')), 'a<\\n>b');
  assert.deepEqual(escapedHexdump(Buffer.from('hi')), ['0000  68 69                                            hi']);
});

test('rotated file names follow tcpdump', () => {
  assert.deepEqual(
    [0, 1, 2, 10].map((i) => rotatedName('cap.pcap', i, undefined)),
    ['cap.pcap', 'cap.pcap1', 'cap.pcap2', 'cap.pcap10'],
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => rotatedName('cap', i, 3)),
    ['cap0', 'cap1', 'cap2'],
  );
  assert.deepEqual(
    [0, 10].map((i) => rotatedName('cap', i, 11)),
    ['cap00', 'cap10'],
  );
  assert.equal(rotatedName('cap', 0, 1), 'cap');
});

test('errors become one line and an exit status', () => {
  const cases: Array<[unknown, number, RegExp]> = [
    [
      new PermissionError('you need root\nor capabilities'),
      ExitCode.PERMISSION,
      /^pktkit: you need root; or capabilities$/,
    ],
    [new InterfaceError('no such device: nope0'), ExitCode.NO_INTERFACE, /nope0/],
    [new FilterError('syntax error in filter expression'), ExitCode.BAD_FILTER, /syntax error/],
    [new FileError('x.pcap: not a capture file'), ExitCode.FAILURE, /not a capture file/],
    [new UsageError('bad'), ExitCode.USAGE, /bad \(see pktkit --help\)/],
    [
      Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'open', path: '/x.pcap' }),
      ExitCode.FAILURE,
      /\/x\.pcap: permission denied/,
    ],
    [new RangeError('boom'), ExitCode.FAILURE, /internal error: boom/],
    // The library's argument errors are usage errors by their code, whatever their wording.
    [argError('a port 1..65535', 'dport', 0), ExitCode.USAGE, /Expected a port 1\.\.65535 for dport/],
    [ruleError('sniff()', 'give iface or offline, not both'), ExitCode.USAGE, /sniff\(\): give iface or offline/],
    [rangeError('integer between 0 and 9', 'n', 10), ExitCode.USAGE, /Expected integer between 0 and 9 for n/],
    [new TypeError('Expected nothing in particular'), ExitCode.FAILURE, /internal error/],
  ];
  for (const [err, status, re] of cases) {
    const r = reportFor(err);
    assert.equal(r.status, status, String(err));
    assert.match(r.line, re);
    assert.ok(!r.line.includes('\n'));
  }
});

test('flag spellings: tcpdump letters and tshark tcp.flags.str', () => {
  assert.equal(tcpdumpFlags(0x02), 'S');
  assert.equal(tcpdumpFlags(0x12), 'S.');
  assert.equal(tcpdumpFlags(0x18), 'P.');
  assert.equal(tcpdumpFlags(0x11), 'F.');
  assert.equal(tcpdumpFlags(0x52), 'S.E');
  assert.equal(tcpdumpFlags(0xc2), 'SEW');
  assert.equal(tcpdumpFlags(0), 'none');
  assert.equal(tcpFlagsString(0x02), '··········S·');
  assert.equal(tcpFlagsString(0x18), '·······AP···');
  assert.equal(tcpFlagsString(0x151), '···N·E·A···F');
});
