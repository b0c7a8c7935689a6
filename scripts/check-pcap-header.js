#!/usr/bin/env node
// Run by binding.gyp before compiling: prints the include directory that holds
// pcap.h, or stops the build with one line naming the package to install.
'use strict';
const fs = require('node:fs');
// PKTKIT_PCAP_INCLUDE_DIRS (colon-separated) replaces the usual places: for
// unusual installs, and for the test of this very message.
const dirs = process.env.PKTKIT_PCAP_INCLUDE_DIRS
  ? process.env.PKTKIT_PCAP_INCLUDE_DIRS.split(':')
  : ['/usr/include', '/usr/local/include', '/opt/homebrew/opt/libpcap/include', '/opt/homebrew/include'];
const found = dirs.find((d) => fs.existsSync(`${d}/pcap.h`) || fs.existsSync(`${d}/pcap/pcap.h`));
if (!found) {
  const hint = process.platform === 'darwin'
    ? 'brew install libpcap'
    : 'apt-get install libpcap-dev (Debian/Ubuntu) or dnf install libpcap-devel (Fedora)';
  process.stderr.write(`pktkit: pcap.h not found: install the libpcap headers: ${hint}\n`);
  process.exit(1);
}
process.stdout.write(found);
