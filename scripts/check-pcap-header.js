#!/usr/bin/env node
// Run by binding.gyp before compiling: prints the include directory that holds
// pcap.h, or stops the build with one line naming the package to install.
// With --quiet (the install script runs it so, before falling back to a source
// build) it prints nothing when pcap.h is there: the point is that a missing
// header stops the install with this one line, not inside ~40 lines of gyp.
'use strict';
const fs = require('node:fs');
// PKTKIT_PCAP_INCLUDE_DIRS (colon-separated) replaces the usual places: for
// unusual installs, and for the test of this very message.
const dirs = process.env.PKTKIT_PCAP_INCLUDE_DIRS
  ? process.env.PKTKIT_PCAP_INCLUDE_DIRS.split(':')
  : ['/usr/include', '/usr/local/include', '/opt/homebrew/opt/libpcap/include', '/opt/homebrew/include'];
const found = dirs.find((d) => fs.existsSync(`${d}/pcap.h`) || fs.existsSync(`${d}/pcap/pcap.h`));
if (!found && process.argv.includes('--quiet')) {
  // At install: when the prebuild for this platform did not load only because
  // the libpcap runtime is missing, that runtime is all it takes.
  const runtime = missingRuntime();
  if (runtime) {
    process.stderr.write(
      `pktkit: the prebuilt addon needs the libpcap runtime (${runtime}): install it: apt-get install libpcap0.8 ` +
        '(Debian/Ubuntu), dnf install libpcap (Fedora), apk add libpcap (Alpine); or libpcap-dev to build from source\n',
    );
    process.exit(1);
  }
}
if (!found) {
  const hint =
    process.platform === 'darwin'
      ? 'brew install libpcap'
      : 'apt-get install libpcap-dev (Debian/Ubuntu) or dnf install libpcap-devel (Fedora)';
  process.stderr.write(`pktkit: pcap.h not found: install the libpcap headers: ${hint}\n`);
  process.exit(1);
}
if (!process.argv.includes('--quiet')) process.stdout.write(found);

/** The libpcap library the prebuild could not find, if that is why it does not load. */
function missingRuntime() {
  try {
    require(require('node-gyp-build').resolve(require('node:path').join(__dirname, '..')));
  } catch (err) {
    const m = /(libpcap\.so[.\d]*): cannot open shared object file/.exec(String(err && err.message));
    if (m) return m[1];
  }
  return undefined;
}
