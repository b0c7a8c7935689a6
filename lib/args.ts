/**
 * The argument checks, in one wording: every bad argument is a TypeError that
 * says what was expected and what came (`expected()` in lib/errors.ts), e.g.
 * `Expected an integer 1..262144 for snaplen but received -1 of type number`.
 * Only this module throws TypeErrors; every other error is a {@link PktkitError}.
 * Each has node's `code` `ERR_INVALID_ARG_VALUE`, so a caller (the CLI) can
 * tell a bad argument from a bug without reading the message.
 *
 * `fn` names the call in the message (`send()`, `sr()`); the capture functions
 * give `''`, so their names stand alone (`snaplen`, `options`).
 */
import { expected, type NativeErrorFacts } from './errors';

/** `send() count`, or `count` when `fn` is empty. */
function label(fn: string, name: string): string {
  return fn === '' ? name : `${fn} ${name}`;
}

/** The code every argument error carries (node's, as `fs` uses it). */
export const ARG_ERROR_CODE = 'ERR_INVALID_ARG_VALUE';

function coded(err: TypeError, code: string): TypeError {
  (err as TypeError & { code: string }).code = code;
  return err;
}

/** The TypeError for a bad argument `name`: what was expected and what came. */
export function argError(what: string, name: string, value: unknown, code = ARG_ERROR_CODE): TypeError {
  return coded(new TypeError(expected(what, name, value)), code);
}

/** node's code for a number outside its range, as `buffer` uses it. */
export const RANGE_ERROR_CODE = 'ERR_OUT_OF_RANGE';

/** The RangeError for a number `name` outside what it may be. */
export function rangeError(what: string, name: string, value: unknown): RangeError {
  const err = new RangeError(expected(what, name, value));
  (err as RangeError & { code: string }).code = RANGE_ERROR_CODE;
  return err;
}

/** The TypeError for a rule between arguments: `sendpfast(): give pps or mbps, not both`. */
export function ruleError(fn: string, rule: string): TypeError {
  return coded(new TypeError(fn === '' ? rule : `${fn}: ${rule}`), ARG_ERROR_CODE);
}

/**
 * Throws a TypeError, as `fs` does, when a string bound for native code (a
 * path, an interface name, a filter) holds a NUL byte: C would silently cut
 * it there, so `'a.pcap\0x'` would open `a.pcap`. `code` is node's
 * `ERR_INVALID_ARG_VALUE`.
 */
export function checkNoNul(what: string, name: string, value: string): void {
  if (value.includes('\0')) throw argError(`${what} without NUL bytes`, name, value);
}

/** Throws unless `options` is an object whose keys are all in `known`. */
export function checkKeys(fn: string, options: unknown, known: readonly string[]): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argError('an options object', label(fn, 'options'), options);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw ruleError(fn, `Unknown option '${key}': expected one of ${known.join(', ')}`);
  }
}

/** A number in [min, max] (integers only when `integer`), or `fallback` when undefined. */
export function numberOption(
  fn: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  integer = false,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw argError(`${integer ? 'an integer' : 'a number'} ${min}..${max}`, label(fn, name), value);
  }
  return value;
}

/** One of `choices`, or `fallback` when undefined. */
export function choiceOption<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T;
export function choiceOption<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T | undefined;
export function choiceOption<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback?: T,
): T | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    const list = choices.map((c) => `'${c}'`);
    const what =
      list.length <= 3 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : `one of ${choices.join(', ')}`;
    throw argError(what, label(fn, name), value);
  }
  return value as T;
}

/** A boolean, or `fallback`. */
export function booleanOption(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw argError('a boolean', label(fn, name), value);
  return value;
}

/** A non-empty string without NUL bytes (`what` says which: a file path, an interface name). */
export function nameArgument(what: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw argError(what, name, value);
  checkNoNul(what, name, value);
  return value;
}

/** An interface name, or undefined. */
export function ifaceOption(fn: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const name = nameArgument('an interface name', label(fn, 'iface'), value);
  // Linux names have at most IFNAMSIZ - 1 bytes: a longer one cannot exist, and would fill the message.
  if (Buffer.byteLength(name) > 15)
    throw argError("an interface name of at most 15 bytes (Linux's IFNAMSIZ)", label(fn, 'iface'), value);
  return name;
}

/** A BPF filter string (without NUL bytes), or undefined. */
export function filterOption(fn: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw argError('a BPF filter string', label(fn, 'filter'), value);
  checkNoNul('a BPF filter string', label(fn, 'filter'), value);
  return value;
}

/** An AbortSignal, or undefined. */
export function signalOption(fn: string, value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal))
    throw argError('an AbortSignal', label(fn, 'signal'), value);
  return value as AbortSignal | undefined;
}

/** A function, or undefined. */
export function functionOption<F extends (...args: never[]) => unknown>(
  fn: string,
  name: string,
  value: unknown,
): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw argError('a function', label(fn, name), value);
  return value as F | undefined;
}

/** Throws when both `a` and `b` are given: `fn: give a or b, not both`. */
export function exclusive(fn: string, options: object, a: string, b: string): void {
  const o = options as Record<string, unknown>;
  if (o[a] !== undefined && o[b] !== undefined) throw ruleError(fn, `give ${a} or ${b}, not both`);
}

/**
 * The TypeError for a value native code could not use (facts of kind
 * `argument`): lib/ checks first, so this is the native side's last word.
 */
export function nativeArgumentError(facts: NativeErrorFacts): TypeError {
  const where = facts.context ?? 'pktkit';
  const v = facts.values ?? {};
  const err =
    facts.what === 'not-ip'
      ? ruleError(
          where,
          `packet ${v.index} does not start with an IPv${v.version} header (the socket takes the destination from it)`,
        )
      : argError('an IPv4 or IPv6 address', `${where} dst`, facts.subject);
  return coded(err, facts.code);
}
