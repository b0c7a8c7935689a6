/**
 * The child's side of `node-in-ns.ts`: a script running inside a namespace
 * reports to the test by printing one JSON value per line on stdout, and may
 * receive JSON commands, one per line, on stdin.
 */
import readline from 'node:readline';

/** Prints `message` as one JSON line on stdout for the parent test. */
export function report(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Yields each JSON line the parent sends with `NodeInNs.send()`, until it closes stdin. */
export async function* readCommands(): AsyncGenerator<unknown> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() !== '') yield JSON.parse(line) as unknown;
  }
}
