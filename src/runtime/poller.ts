/**
 * Drives a poll function from the event loop without blocking it and without spinning when idle.
 * MPI offers nothing to wait on (no file descriptor), so ranks poll: on every event-loop turn
 * (setImmediate) while there is work and for a short spin window after it (a reply to a message
 * usually comes within microseconds), then on timers that back off while nothing happens.
 */

/**
 * What one poll found: 'active' (it did work), 'waiting' (operations are in flight and need MPI
 * progress: large sends and receives only move while their ranks call into MPI), 'idle'.
 */
export type PollState = 'active' | 'waiting' | 'idle';

export interface PollerOptions {
  /** Poll on every event-loop turn for this long after the last activity (ms). */
  readonly spinMs?: number;
  /** First timer delay once the spin window has passed (ms); doubles while nothing happens. */
  readonly minSleepMs?: number;
  /** Longest timer delay while idle (ms). */
  readonly maxSleepMs?: number;
  /** Longest timer delay while operations are in flight (ms). */
  readonly maxWaitingSleepMs?: number;
  /** Monotonic clock in ms; injectable for tests. */
  readonly now?: () => number;
}

const defaults = { spinMs: 1, minSleepMs: 1, maxSleepMs: 10, maxWaitingSleepMs: 1 };

export class Poller {
  private readonly options: Required<PollerOptions>;
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastActivity = 0;
  private sleepMs: number;
  private polling = false;
  private woken = false;
  private active = false;

  constructor(
    private readonly poll: () => PollState,
    options: PollerOptions = {},
  ) {
    this.options = { ...defaults, now: () => performance.now(), ...options };
    this.sleepMs = this.options.minSleepMs;
  }

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.lastActivity = this.options.now();
    this.immediate = setImmediate(this.tick);
  }

  /** Cancels every pending immediate and timer, so the poller keeps no process alive. */
  stop(): void {
    this.active = false;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.immediate = this.timer = undefined;
  }

  /** Something happened outside the poll (a send, a new handler): poll soon and spin again. */
  wake(): void {
    if (!this.active) return;
    this.markActivity();
    if (this.polling) {
      this.woken = true;
    } else if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(this.tick);
    }
  }

  private readonly tick = (): void => {
    this.immediate = this.timer = undefined;
    this.polling = true;
    let state: PollState = 'active';
    try {
      state = this.poll();
    } finally {
      // A throwing poll still reschedules, so an error in one handler does not stop delivery.
      this.polling = false;
      if (this.active) this.schedule(state);
    }
  };

  private schedule(state: PollState): void {
    if (state === 'active' || this.woken) {
      this.woken = false;
      this.markActivity();
      this.immediate = setImmediate(this.tick);
      return;
    }
    if (this.options.now() - this.lastActivity < this.options.spinMs) {
      this.immediate = setImmediate(this.tick);
      return;
    }
    const cap = state === 'waiting' ? this.options.maxWaitingSleepMs : this.options.maxSleepMs;
    const delay = Math.min(this.sleepMs, cap);
    this.timer = setTimeout(this.tick, delay);
    this.sleepMs = Math.min(delay * 2, this.options.maxSleepMs);
  }

  private markActivity(): void {
    this.lastActivity = this.options.now();
    this.sleepMs = this.options.minSleepMs;
  }
}

/** Resolves once `done()` returns true, polling it as a 'waiting' operation; rejects if it throws. */
export function pollUntil(done: () => boolean, options?: PollerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const poller = new Poller(() => {
      try {
        if (!done()) return 'waiting';
      } catch (error) {
        poller.stop();
        reject(error);
        return 'idle';
      }
      poller.stop();
      resolve();
      return 'idle';
    }, options);
    poller.start();
  });
}
