// Reports the interfaces this process sees: run inside a namespace it must see
// only that namespace's loopback and veth end.
import os from 'node:os';
import { report } from '../../helpers/report';

report({ interfaces: Object.keys(os.networkInterfaces()).sort(), env: process.env.PKTKIT_SELFTEST ?? null });
report({ done: true });
