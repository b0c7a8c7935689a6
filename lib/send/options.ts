/** Argument checks shared by the send and sr functions: TypeErrors that say what was expected and what came. */
import { checkNoNul, expected } from '../errors';

/** Throws unless `options` is an object whose keys are all in `known`. */
export function checkKeys(fn: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(expected('an options object', `${fn} options`, options));
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${fn}: unknown option '${key}': expected one of ${known.join(', ')}`);
  }
}

/** A number in [min, max] (integers only when `integer`), or `fallback` when undefined. */
export function numberOption(fn: string, name: string, value: unknown, fallback: number, min: number, max: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TypeError(expected(`${integer ? 'an integer' : 'a number'} ${min}..${max}`, `${fn} ${name}`, value));
  }
  return value;
}

/** An interface name, or undefined. */
export function ifaceOption(fn: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(expected('an interface name', `${fn} iface`, value));
  checkNoNul('an interface name', `${fn} iface`, value);
  // Linux names have at most IFNAMSIZ - 1 bytes: a longer one cannot exist, and would fill the message.
  if (Buffer.byteLength(value) > 15) throw new TypeError(expected('an interface name of at most 15 bytes (Linux\'s IFNAMSIZ)', `${fn} iface`, value));
  return value;
}

/** A BPF filter string (without NUL bytes), or undefined. */
export function filterOption(fn: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(expected('a BPF filter string', `${fn} filter`, value));
  checkNoNul('a BPF filter string', `${fn} filter`, value);
  return value;
}

/** A boolean, or `fallback`. */
export function booleanOption(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(expected('a boolean', `${fn} ${name}`, value));
  return value;
}

/** An AbortSignal, or undefined. */
export function signalOption(fn: string, value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) throw new TypeError(expected('an AbortSignal', `${fn} signal`, value));
  return value as AbortSignal | undefined;
}
