/**
 * Drives a poll function from the event loop without blocking it and without spinning when idle.
 * MPI offers nothing to wait on (no file descriptor), so ranks poll: on every event-loop turn
 * (setImmediate) while there is work and for a short spin window after it (a reply to a message
 * usually comes within microseconds), then on timers whose delay grows with the time spent idle.
 *
 * Why the delay is proportional to idle time rather than doubling: two ranks that ping-pong while
 * both back off fall into anti-phase, each finding the other asleep (measured: 6 ms round trips
 * instead of 10 us with a 1 ms spin window and doubling 1..10 ms sleeps). A rank idle for a short
 * while sleeps the minimum (1 ms, the timer granularity), shorter than the peer's spin window, so
 * the peer's reply is caught and both spin again.
 */

/**
 * What one poll found: 'active' (it did work), 'waiting' (operations are in flight and need MPI
 * progress: large sends and receives only move while their ranks call into MPI), 'idle'.
 */
export type PollState = 'active' | 'waiting' | 'idle';

export interface PollerOptions {
  /** Poll on every event-loop turn for this long after the last activity (ms); above minSleepMs. */
  readonly spinMs?: number;
  /** Shortest timer delay (ms). */
  readonly minSleepMs?: number;
  /** Longest timer delay while idle (ms). */
  readonly maxSleepMs?: number;
  /** Timer delay as a fraction of the time idle so far, between minSleepMs and maxSleepMs. */
  readonly backoffRatio?: number;
  /** Longest timer delay while operations are in flight (ms). */
  readonly maxWaitingSleepMs?: number;
  /** Monotonic clock in ms; injectable for tests. */
  readonly now?: () => number;
}

const defaults = { spinMs: 2, minSleepMs: 1, maxSleepMs: 10, backoffRatio: 0.1, maxWaitingSleepMs: 1 };

export class Poller {
  private readonly options: Required<PollerOptions>;
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastActivity = 0;
  private polling = false;
  private woken = false;
  private active = false;

  constructor(
    private readonly poll: () => PollState,
    options: PollerOptions = {},
  ) {
    this.options = { ...defaults, now: () => performance.now(), ...options };
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
    const { spinMs, minSleepMs, maxSleepMs, backoffRatio, maxWaitingSleepMs } = this.options;
    const idleMs = this.options.now() - this.lastActivity;
    if (idleMs < spinMs) {
      this.immediate = setImmediate(this.tick);
      return;
    }
    const cap = state === 'waiting' ? maxWaitingSleepMs : maxSleepMs;
    this.timer = setTimeout(this.tick, Math.min(cap, Math.max(minSleepMs, idleMs * backoffRatio)));
  }

  private markActivity(): void {
    this.lastActivity = this.options.now();
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
