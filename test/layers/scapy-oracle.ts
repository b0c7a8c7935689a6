// Runs Scapy 2.5 (Debian's python3-scapy) on Python expressions and returns
// what it prints for each packet, so the tests compare pktkit with the tool
// whose formats it follows. Tests skip, saying why, when Scapy is missing.
import { spawnSync } from 'node:child_process';

/** What Scapy gives for one packet expression. */
export interface ScapyResult {
  summary: string;
  show: string;
  show2: string;
  hex: string;
  error?: string;
}

const PY = '/usr/bin/python3';

const SCRIPT = String.raw`
import json, sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import *
out = []
for expr in json.load(sys.stdin):
    try:
        p = eval(expr)
        out.append({"summary": p.summary(), "show": p.show(dump=True), "show2": p.show2(dump=True), "hex": bytes(p).hex()})
    except Exception as e:
        out.append({"summary": "", "show": "", "show2": "", "hex": "", "error": repr(e)})
print(json.dumps(out))
`;

/** Why Scapy cannot be used here, or undefined when it can. */
export function scapyUnavailable(): string | undefined {
  const r = spawnSync(PY, ['-c', 'import scapy; print(scapy.VERSION)'], { encoding: 'utf8' });
  if (r.error) return `${PY} not found`;
  if (r.status !== 0) return 'python3-scapy is not installed (apt-get install python3-scapy)';
  if (!r.stdout.startsWith('2.5')) return `Scapy ${r.stdout.trim()} found; these expectations are Scapy 2.5's`;
  return undefined;
}

/** Evaluates each expression in one Python process. */
export function runScapy(exprs: string[]): ScapyResult[] {
  const r = spawnSync(PY, ['-c', SCRIPT], { input: JSON.stringify(exprs), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`scapy failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ScapyResult[];
}
