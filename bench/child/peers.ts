/** Loads the node peers from bench/peers/node_modules (installed by scripts/bench-setup.sh). */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The repository root: the first directory above this file that holds bench/peers (the child may run compiled from bench/out). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bench', 'peers', 'package.json'))) return dir;
  }
  throw new Error('bench/peers/package.json not found above ' + __dirname);
}

/** `require` rooted at bench/peers, where cap and pcap are installed. */
export const peerRequire = createRequire(path.join(repoRoot(), 'bench', 'peers', 'package.json'));
