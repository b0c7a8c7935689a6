/** Scapy's PcapReader (Debian's python3-scapy) on a subset: it decodes some thousands of packets per second. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runResultChild } from '../harness/child';
import type { Driver } from '../harness/types';

/** Debian's interpreter, which is where python3-scapy installs; a pyenv python3 first on the PATH would not see it. */
const PYTHON = '/usr/bin/python3';
let probed: string | undefined | null = null;

/** Scapy's PcapReader, five fields per packet. */
export const scapy: Driver = {
  name: 'Scapy PcapReader',
  unavailable: () => {
    if (probed === null) {
      const r = spawnSync(PYTHON, ['-c', 'import scapy.all'], { encoding: 'utf8', timeout: 60_000 });
      probed = r.status === 0 ? undefined : `Scapy is not importable by ${PYTHON} (apt-get install python3-scapy)`;
    }
    return probed;
  },
  subset: (ctx) => (ctx.quick ? 2_000 : 10_000),
  run: (ctx, input) =>
    runResultChild(PYTHON, [path.join(ctx.root, 'bench', 'py', 'scapy_read.py'), input.path], 'scapy'),
};
