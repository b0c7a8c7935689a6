/** The node peers: `cap` (decoders fed from the file) and `pcap` (node_pcap, offline session + decode.packet). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runNodeChild } from '../harness/child';
import type { BenchContext, Driver } from '../harness/types';

function peerMissing(ctx: BenchContext, name: string, binding: string): string | undefined {
  const dir = path.join(ctx.root, 'bench', 'peers', 'node_modules', name);
  if (!fs.existsSync(dir)) return `node ${name} is not installed (run scripts/bench-setup.sh)`;
  if (!fs.existsSync(path.join(dir, 'build', 'Release', binding)))
    return `node ${name} did not build here (see bench/out/peers-npm-install.log)`;
  return undefined;
}

/** node `cap`'s decoders. */
export const nodeCap: Driver = {
  name: 'node cap decoders',
  unavailable: (ctx) => peerMissing(ctx, 'cap', 'cap.node'),
  run: (ctx, input) => runNodeChild(ctx, 'cap-file', [input.path]),
};

/** node `pcap`'s offline session and decoder. */
export const nodePcap: Driver = {
  name: 'node pcap decode.packet',
  unavailable: (ctx) => peerMissing(ctx, 'pcap', 'pcap_binding.node'),
  run: (ctx, input) => runNodeChild(ctx, 'pcap-file', [input.path]),
};
