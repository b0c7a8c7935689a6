// Scapy's FlagValue: a flags field that compares with letters ('SA'), has one
// boolean per flag (`flags.S`) and still gives its number. One class serves
// built layers (a value of their own) and captured views (the value is read
// through the view each time, so one object per view is enough: no allocation
// per packet).
import { ruleError } from '../args';
import { describe } from './field';
import { TCP_FLAG_LETTERS } from '../constants';

/** TCP flag letters, low bit first (Scapy's "FSRPAUECN"). */
const TCP_LETTERS = TCP_FLAG_LETTERS.join('');

/** Where a flag value comes from: a number of its own, or a read through a captured view. */
type Source = number | (() => number);

/**
 * TCP flags as Scapy's FlagValue gives them: `flags.is('SA')` is Scapy's
 * `flags == 'SA'` (exact set, letters in any order), `flags.has('S')` is
 * `'S' in flags` (all given bits set), `flags.S` one bit, `String(flags)` the
 * letters as Scapy prints them ('SA'), `flags.value` / `+flags` the number.
 *
 * On a captured packet (`pkt.tcp.flagValue`) the object belongs to the view
 * and reads the current packet: keep `String(flags)` or `flags.value`, not the
 * object, past the iterator's next step.
 */
export class TCPFlags {
  readonly #src: Source;

  /** A value of its own (a number 0..511 or Scapy letters such as 'SA'), or a reader (for views). */
  constructor(value: number | string | (() => number)) {
    this.#src = typeof value === 'string' ? TCPFlags.parse(value, 'TCPFlags') : value;
    if (typeof this.#src === 'number' && (!Number.isInteger(this.#src) || this.#src < 0 || this.#src > 0x1ff)) {
      throw ruleError(
        '',
        `TCPFlags: expected an integer 0..511 or letters of ${TCP_LETTERS} but received ${describe(value)}`,
      );
    }
  }

  /** Letters (any order, e.g. 'SA' or 'AS') to their bits; a TypeError names an unknown letter. */
  static parse(letters: string, where = 'TCP flags'): number {
    if (typeof letters !== 'string')
      throw ruleError(
        '',
        `${where}: expected flag letters (of ${TCP_LETTERS}) or a number but received ${describe(letters)}`,
      );
    // An index loop (no string iterator): comparing a captured view's flags with letters allocates nothing.
    let v = 0;
    for (let k = 0; k < letters.length; k++) {
      const i = TCP_LETTERS.indexOf(letters[k]);
      if (i < 0)
        throw ruleError('', `${where}: unknown flag letter '${letters[k]}' in '${letters}' (letters: ${TCP_LETTERS})`);
      v |= 1 << i;
    }
    return v;
  }

  /** The flags as a number (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80, NS 0x100). */
  get value(): number {
    const s = this.#src;
    return typeof s === 'number' ? s : s();
  }

  /** Exactly these flags and no others (Scapy's `flags == 'SA'`; letters in any order, or a number). */
  is(flags: string | number): boolean {
    return this.value === (typeof flags === 'number' ? flags : TCPFlags.parse(flags, 'TCPFlags.is'));
  }

  /** Every one of these flags is set, others may be too (Scapy's `'SA' in flags`). */
  has(flags: string | number): boolean {
    const m = typeof flags === 'number' ? flags : TCPFlags.parse(flags, 'TCPFlags.has');
    return (this.value & m) === m;
  }

  /** At least one of these flags is set (Scapy's `bool(flags & 'FR')`). */
  any(flags: string | number): boolean {
    return (this.value & (typeof flags === 'number' ? flags : TCPFlags.parse(flags, 'TCPFlags.any'))) !== 0;
  }

  /** FIN */ get F(): boolean {
    return (this.value & 0x01) !== 0;
  }
  /** SYN */ get S(): boolean {
    return (this.value & 0x02) !== 0;
  }
  /** RST */ get R(): boolean {
    return (this.value & 0x04) !== 0;
  }
  /** PSH */ get P(): boolean {
    return (this.value & 0x08) !== 0;
  }
  /** ACK */ get A(): boolean {
    return (this.value & 0x10) !== 0;
  }
  /** URG */ get U(): boolean {
    return (this.value & 0x20) !== 0;
  }
  /** ECE */ get E(): boolean {
    return (this.value & 0x40) !== 0;
  }
  /** CWR */ get C(): boolean {
    return (this.value & 0x80) !== 0;
  }
  /** NS (ECN nonce, RFC 3540) */ get N(): boolean {
    return (this.value & 0x100) !== 0;
  }

  /** The letters as Scapy prints them, low bit first: 'SA', 'FPA', '' for none. */
  toString(): string {
    const v = this.value;
    let s = '';
    for (let i = 0; i < 9; i++) if (v & (1 << i)) s += TCP_LETTERS[i];
    return s;
  }

  /** The number, so `+flags`, `flags & 0x12` (in JS) and sorting work. */
  valueOf(): number {
    return this.value;
  }

  /** Scapy's repr: `<Flag 18 (SA)>`. */
  repr(): string {
    return `<Flag ${this.value} (${this.toString()})>`;
  }

  /** What console.log prints (Scapy's repr). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.repr();
  }

  /** JSON gives the letters, as `str(flags)` would. */
  toJSON(): string {
    return this.toString();
  }
}
