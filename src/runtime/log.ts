/**
 * One structured log per run (pino, JSON lines). Every rank logs through its own pino logger whose
 * lines carry {rank, host, pid}; rank 0 writes them, its own and every worker's, to one file,
 * `run.log` in the results directory.
 *
 * Workers do not write files: a LogForwarder batches their lines and sends them to rank 0's 'log'
 * actor (at most every FLUSH_MS, or at FLUSH_BYTES), and flushes before the worker reports its end, so
 * nothing is lost on a clean end. Rank 0's LogSink holds lines in memory until the results directory
 * is open, then appends them as they come.
 *
 * Accepts ('log' actor on rank 0):
 *   'log.lines'  {lines: string}   newline-terminated JSON lines
 */
import { pino, stdTimeFunctions, type Logger } from 'pino';
import type { Address, Behaviour } from './actor-system.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type { Logger };

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** A logger whose every line (newline-terminated JSON) goes to `sink`. */
export function createLogger(opts: { rank: number; host: string; level: LogLevel; sink: (line: string) => void }): Logger {
  return pino(
    { level: opts.level, base: { rank: opts.rank, host: opts.host, pid: process.pid }, timestamp: stdTimeFunctions.isoTime },
    { write: opts.sink },
  );
}

/** A logger that writes nothing (tests, and commands that keep no run log). */
export const silentLogger: Logger = pino({ level: 'silent' });

export const LOG_ACTOR = 'log';

/** Rank 0's end: the 'log' actor and rank 0's own lines, to one file once it is open. */
export class LogSink {
  private pending: string[] = [];
  private out: ((text: string) => void) | null = null;

  readonly behaviour: Behaviour = (msg) => {
    if (msg.type !== 'log.lines') throw new Error(`log cannot handle '${msg.type}'`);
    this.write((msg.body as { lines: string }).lines);
  };

  write(text: string): void {
    if (this.out) this.out(text);
    else this.pending.push(text);
  }

  /** From now on lines go to `out`, starting with those held so far. */
  open(out: (text: string) => void): void {
    this.out = out;
    const held = this.pending.join('');
    this.pending = [];
    if (held) out(held);
  }

  /** Lines are held in memory again (the file is about to close). */
  detach(): void {
    this.out = null;
  }
}

const FLUSH_MS = 250;
const FLUSH_BYTES = 32 * 1024;

/** A worker's end: batches lines and sends them to rank 0's 'log' actor. */
export class LogForwarder {
  private buffer = '';
  private timer: NodeJS.Timeout | null = null;
  private send: ((text: string) => void) | null = null;

  /** The sink for createLogger. */
  readonly sink = (line: string): void => {
    this.buffer += line;
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
    else if (this.send && !this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS).unref();
  };

  /** Starts sending (lines logged before are kept and go with the first flush). */
  attach(send: (to: Address, type: string, body: unknown) => void): void {
    this.send = (lines) => send({ rank: 0, id: LOG_ACTOR }, 'log.lines', { lines });
    if (this.buffer) this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.send || !this.buffer) return;
    const lines = this.buffer;
    this.buffer = '';
    this.send(lines);
  }

  /** Lines not sent (e.g. rank 0 never set this worker up); printed to stderr by the caller. */
  takeUnsent(): string {
    const b = this.buffer;
    this.buffer = '';
    return b;
  }
}
