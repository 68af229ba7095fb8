/**
 * What an optimizee printed while it evaluated one individual, kept so a failed evaluation carries it.
 *
 * While a batch is evaluated, process.stdout/stderr writes are teed: they still reach the terminal
 * (or mpirun's forwarding) and a copy of the last MAX_BYTES of the current evaluation is kept. The
 * streams are patched once per batch, not per evaluation; mark() starts a new evaluation's copy.
 *
 * This sees what goes through Node's streams (TypeScript optimizees, console.log). A native library
 * writing to file descriptor 1 directly bypasses it.
 */
const MAX_BYTES = 16 * 1024;

type Write = typeof process.stdout.write;

export class OutputCapture {
  private text = '';
  private truncated = false;
  private saved: { out: Write; err: Write } | null = null;

  constructor(private readonly maxBytes = MAX_BYTES) {}

  /** Starts teeing stdout and stderr. */
  start(): void {
    if (this.saved) return;
    const out = process.stdout.write;
    const err = process.stderr.write;
    this.saved = { out, err };
    process.stdout.write = this.tee(out, process.stdout);
    process.stderr.write = this.tee(err, process.stderr);
  }

  /** Restores the streams. */
  stop(): void {
    if (!this.saved) return;
    process.stdout.write = this.saved.out;
    process.stderr.write = this.saved.err;
    this.saved = null;
  }

  /** Forgets what was captured: the next evaluation starts. */
  mark(): void {
    this.text = '';
    this.truncated = false;
  }

  /** What was printed since mark(), or '' if nothing. */
  take(): string {
    if (!this.text) return '';
    return this.truncated ? `[... earlier output cut: last ${this.maxBytes} characters kept]\n${this.text}` : this.text;
  }

  private tee(original: Write, stream: NodeJS.WriteStream): Write {
    const self = this;
    return function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      self.keep(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as Write;
  }

  /** stdout and stderr interleaved in one record, as a terminal would show them. */
  private keep(s: string): void {
    this.text += s;
    if (this.text.length > this.maxBytes) {
      this.text = this.text.slice(this.text.length - this.maxBytes);
      this.truncated = true;
    }
  }
}

/** The failure text with the optimizee's output appended, when it printed any. */
export function withOutput(reason: string, output: string): string {
  if (!output) return reason;
  return `${reason}\n--- optimizee output during this evaluation ---\n${output.endsWith('\n') ? output : output + '\n'}`;
}
