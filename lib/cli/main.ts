#!/usr/bin/env node
/**
 * `pktkit`: the command line. Parses the arguments, runs one command, and
 * turns any failure into one line on stderr and a meaningful exit status.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, USAGE } from './args';
import { runCapture, runRead } from './commands';
import { runDemo } from './demo';
import { schemaSql } from '../clickhouse/schema';
import { ExitCode, isBrokenPipe, reportFor } from './exit';
import { runIfaces } from './ifaces';
import { TextOutput } from './output';

/** The version in package.json (found from lib/cli or dist/lib/cli). */
function packageVersion(): string {
  const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
  return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const out = new TextOutput(process.stdout);
  const err = process.stderr;
  try {
    const opts = parseArgs(argv);
    switch (opts.command) {
      case 'help':
        out.write(USAGE);
        break;
      case 'version':
        out.write(`pktkit ${packageVersion()}\n`);
        break;
      case 'ifaces':
        runIfaces(out, opts.json, opts.listInterfaces);
        break;
      case 'capture':
        await runCapture(opts, out, err);
        break;
      case 'read':
        await runRead(opts, out, err);
        break;
      case 'demo':
        await runDemo(opts, out, err);
        break;
      case 'schema':
        out.write(schemaSql(opts.database));
        break;
    }
    await out.end();
    if (out.error !== undefined) throw out.error;
    return ExitCode.OK;
  } catch (e) {
    if (isBrokenPipe(e) || (out.broken && out.error === undefined)) return ExitCode.OK;
    await out.end().catch(() => undefined);
    const report = reportFor(e);
    err.write(report.line + '\n');
    if (process.env.PKTKIT_DEBUG) err.write(`${(e as Error)?.stack ?? String(e)}\n`);
    return report.status;
  }
}

/** Last resort for a bug: still one line and a status, the stack only with PKTKIT_DEBUG. */
function reportAndExit(e: unknown): never {
  const report = reportFor(e);
  process.stderr.write(report.line + '\n');
  if (process.env.PKTKIT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(report.status);
}

if (require.main === module) {
  // stderr may be a closed pipe too; nothing useful can be said then.
  process.stderr.on('error', () => undefined);
  process.on('uncaughtException', reportAndExit);
  process.on('unhandledRejection', reportAndExit);
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    () => {
      process.exitCode = ExitCode.FAILURE;
    },
  );
}
