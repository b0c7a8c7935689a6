// Starts a tcpdump on loopback in the root namespace (no net pair at all),
// reports its PID, then dies of an uncaught exception: the exit hooks must
// still end that tcpdump.
import path from 'node:path';
import os from 'node:os';
import { report } from '../../helpers/report';
import { startTcpdump } from '../../helpers/tcpdump';

void startTcpdump({
  iface: 'lo',
  filter: 'udp port 9',
  file: path.join(os.tmpdir(), `pktkit-selftest-${process.pid}.pcap`),
}).then((dump) => {
  report({ tcpdumpPid: dump.pid, file: path.join(os.tmpdir(), `pktkit-selftest-${process.pid}.pcap`) });
  setTimeout(() => {
    throw new Error('deliberate uncaught exception');
  }, 100);
});
