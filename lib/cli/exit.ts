/**
 * How the command line ends: every failure becomes one line on stderr and an
 * exit status a script can test, never a stack trace (set PKTKIT_DEBUG=1 to
 * see one).
 */
import { FileError, FilterError, InterfaceError, PcapError, PermissionError, PktkitError } from '../errors';
import { ARG_ERROR_CODE, RANGE_ERROR_CODE } from '../args';
import { UsageError } from './args';

/** Exit statuses of `pktkit`. */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** A capture, file or other runtime error. */
  FAILURE: 1,
  /** A mistake on the command line. */
  USAGE: 2,
  /** Capturing needs privileges the process lacks. */
  PERMISSION: 3,
  /** The interface does not exist or cannot capture. */
  NO_INTERFACE: 4,
  /** The BPF filter did not compile. */
  BAD_FILTER: 5,
} as const;

/** The one line and the exit status for an error. */
export interface ErrorReport {
  /** `pktkit: ...`, a single line. */
  line: string;
  /** Exit status. */
  status: number;
}

const SYSTEM_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
};

/** Maps any thrown value to its report. */
export function reportFor(err: unknown): ErrorReport {
  const one = (s: string): string => `pktkit: ${s.replace(/\s*\n\s*/g, '; ').trim()}`;
  if (err instanceof UsageError) return { line: one(`${err.message} (see pktkit --help)`), status: ExitCode.USAGE };
  if (err instanceof PermissionError) return { line: one(err.message), status: ExitCode.PERMISSION };
  if (err instanceof InterfaceError) return { line: one(err.message), status: ExitCode.NO_INTERFACE };
  if (err instanceof FilterError) return { line: one(err.message), status: ExitCode.BAD_FILTER };
  if (err instanceof FileError || err instanceof PcapError || err instanceof PktkitError) {
    return { line: one(err.message), status: ExitCode.FAILURE };
  }
  // The library's argument checks (lib/args.ts) carry node's code: a usage problem.
  const code = (err as { code?: unknown } | null)?.code;
  if (
    (err instanceof TypeError && code === ARG_ERROR_CODE) ||
    (err instanceof RangeError && code === RANGE_ERROR_CODE)
  ) {
    return { line: one(err.message), status: ExitCode.USAGE };
  }
  const sys = err as NodeJS.ErrnoException;
  if (sys && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
    const what = SYSTEM_TEXT[sys.code] ?? sys.code;
    return { line: one(sys.path ? `${sys.path}: ${what}` : `${sys.syscall}: ${what}`), status: ExitCode.FAILURE };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: one(`internal error: ${message} (PKTKIT_DEBUG=1 shows where)`), status: ExitCode.FAILURE };
}

/** True for the error a write to a closed pipe gives (`pktkit ... | head`). */
export function isBrokenPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}
