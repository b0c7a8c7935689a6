/** gopacket's DecodingLayerParser (bench/go/gopacket-read), built against Debian's gopacket when Go is there. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runResultChild } from '../harness/child';
import type { BenchContext, Driver } from '../harness/types';
import { buildIfStale, hasCommand } from './build';

const GOPATH = '/usr/share/gocode';

function binary(ctx: BenchContext): string {
  return path.join(ctx.outDir, 'gopacket-read');
}

function build(ctx: BenchContext): string | undefined {
  if (!hasCommand('go')) return 'Go is not installed (apt-get install golang-go)';
  if (!fs.existsSync(path.join(GOPATH, 'src/github.com/google/gopacket/parser.go'))) {
    return "Debian's gopacket is not installed (apt-get install golang-github-google-gopacket-dev)";
  }
  const dir = path.join(ctx.root, 'bench', 'go', 'gopacket-read');
  // GOPATH mode: Debian ships gopacket as source under /usr/share/gocode, with no module proxy involved.
  const env = { ...process.env, GOPATH, GO111MODULE: 'off', GOCACHE: path.join(ctx.outDir, 'go-cache') };
  return buildIfStale(binary(ctx), [dir], 'go', ['build', '-o', binary(ctx), '.'], env, dir);
}

/** gopacket: pcap.OpenOffline + ZeroCopyReadPacketData + DecodingLayerParser. */
export const gopacket: Driver = {
  name: 'gopacket DecodingLayerParser',
  unavailable: build,
  run: (ctx, input) => runResultChild(binary(ctx), [input.path], 'gopacket-read'),
};
