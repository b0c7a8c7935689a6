/** Loads the node peers from bench/peers/node_modules (installed by scripts/bench-setup.sh). */
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** `require` rooted at bench/peers, where cap and pcap are installed. */
export const peerRequire = createRequire(path.join(__dirname, '..', 'peers', 'package.json'));
