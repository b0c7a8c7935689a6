/**
 * Buffered text output to stdout. Lines are gathered and written in blocks
 * (one write per packet would cost more than decoding it), flushed within a
 * few milliseconds so live output stays live, and a closed pipe
 * (`pktkit ... | head`) ends the program quietly instead of throwing.
 */
import { isBrokenPipe } from './exit';

const BLOCK = 64 * 1024;
const LATENCY_MS = 20;

/** Text output with back-pressure and broken-pipe detection. */
export class TextOutput {
  private parts: Array<string | Uint8Array> = [];
  private binary = false;
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiting = false;
  private onBroken: (() => void) | undefined;
  /** True once the reader went away (or writing failed); further writes are dropped. */
  broken = false;
  /** A write error other than a closed pipe, for the caller to report. */
  error: unknown;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (err: unknown) => {
      if (!isBrokenPipe(err)) this.error ??= err;
      this.markBroken();
    });
  }

  /** Whether the output is a terminal (then control bytes are better escaped). */
  get isTTY(): boolean {
    return (this.stream as { isTTY?: boolean }).isTTY === true;
  }

  /** Calls `fn` once when the reader closes the pipe. */
  onBrokenPipe(fn: () => void): void {
    this.onBroken = fn;
    if (this.broken) fn();
  }

  /** Queues text (include the newline), or bytes to pass through exactly. */
  write(text: string | Uint8Array): void {
    if (this.broken) return;
    if (typeof text !== 'string') this.binary = true;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= BLOCK) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LATENCY_MS);
  }

  /** Whether the caller should `await drain()` before producing more. */
  get full(): boolean {
    return this.waiting;
  }

  /** Waits until the stream accepted what was written (or the pipe broke). */
  async drain(): Promise<void> {
    if (!this.waiting || this.broken) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
    this.waiting = false;
  }

  /** Writes everything queued now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size === 0 || this.broken) return;
    // Text is UTF-8 (JSON may hold '·'); byte chunks go out unchanged.
    const text = this.binary
      ? Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)))
      : this.parts.join('');
    this.parts = [];
    this.binary = false;
    this.size = 0;
    try {
      if (!this.stream.write(text)) this.waiting = true;
    } catch (err) {
      if (!isBrokenPipe(err)) this.error ??= err;
      this.markBroken();
    }
  }

  /** Flushes and waits until the text is handed to the OS. */
  async end(): Promise<void> {
    this.flush();
    await this.drain();
  }

  private markBroken(): void {
    if (this.broken) return;
    this.broken = true;
    this.parts = [];
    this.size = 0;
    if (this.timer) clearTimeout(this.timer);
    this.onBroken?.();
  }
}
