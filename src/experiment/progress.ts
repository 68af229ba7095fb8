/**
 * Progress on rank 0: a live line (rewritten in place) when a person watches, periodic plain lines
 * in batch logs, nothing with --quiet. Under OpenMPI every rank's stdout is a pty, so isTTY cannot tell;
 * launch/mpirun.sh passes the launcher's real intent in L2L_PROGRESS.
 */
import type { Clock } from '../runtime/clock.js';
import type { StopConfig } from './config.js';

export type ProgressMode = 'live' | 'plain' | 'none';

export interface ProgressState {
  generation: number;
  evaluations: number;
  failures: number;
  best: number;
}

export function progressMode(quiet: boolean, env: NodeJS.ProcessEnv, isTTY: boolean): ProgressMode {
  if (quiet) return 'none';
  if (env.L2L_PROGRESS === 'live' || env.L2L_PROGRESS === 'plain' || env.L2L_PROGRESS === 'none') return env.L2L_PROGRESS;
  const underMpirun = env.OMPI_COMM_WORLD_SIZE !== undefined || env.PMIX_RANK !== undefined;
  return isTTY && !underMpirun ? 'live' : 'plain';
}

/** A budget must be this far along, in units and as a fraction, before its ETA is shown. */
const ETA_MIN_UNITS = 3;
const ETA_MIN_FRACTION = 0.1;
/** The rate behind an ETA is measured over the last half of the run, and at least this long (s). */
const ETA_MIN_WINDOW_SECONDS = 5;

interface Sample {
  /** Seconds since the start. */
  t: number;
  generation: number;
  evaluations: number;
}

export class Progress {
  private readonly start: number;
  private last = -Infinity;
  /** The state the last line printed showed (a plain log does not repeat it at the end). */
  private lastShown = '';
  /** Recent progress, oldest first, for the rate behind the ETA (thinned to a few dozen). */
  private samples: Sample[] = [{ t: 0, generation: 0, evaluations: 0 }];

  constructor(
    private readonly mode: ProgressMode,
    private readonly out: NodeJS.WritableStream,
    private readonly clock: Clock,
    private readonly stop: StopConfig,
    private readonly plainEverySeconds = 5,
    private readonly tag?: string,
  ) {
    this.start = clock.now();
  }

  update(s: ProgressState): void {
    if (this.mode === 'none') return;
    const now = this.clock.now();
    this.sample(s, (now - this.start) / 1000);
    const every = this.mode === 'live' ? 0.1 : this.plainEverySeconds;
    if ((now - this.last) / 1000 < every) return;
    this.last = now;
    const line = this.format(s, (now - this.start) / 1000);
    this.lastShown = stateKey(s);
    this.out.write(this.mode === 'live' ? `\r\x1b[K${line}` : `${line}\n`);
  }

  /** The final state: ends a live line so what follows starts afresh; a plain log gets it once. */
  finish(s: ProgressState): void {
    if (this.mode === 'none') return;
    const line = this.format(s, (this.clock.now() - this.start) / 1000, true);
    if (this.mode === 'live') this.out.write(`\r\x1b[K${line}\n`);
    else if (stateKey(s) !== this.lastShown) this.out.write(`${line}\n`);
  }

  /** Keeps progress samples for the rate: every one while few, then thinned to every other. */
  private sample(s: ProgressState, t: number): void {
    const last = this.samples[this.samples.length - 1];
    if (t - last.t < 0.05 && this.samples.length > 1) this.samples[this.samples.length - 1] = { t, generation: s.generation, evaluations: s.evaluations };
    else this.samples.push({ t, generation: s.generation, evaluations: s.evaluations });
    if (this.samples.length > 64) this.samples = this.samples.filter((_x, i) => i % 2 === 0 || i === this.samples.length - 1);
  }

  format(s: ProgressState, elapsed: number, final = false): string {
    const rate = elapsed > 0 ? s.evaluations / elapsed : 0;
    const eta = this.eta(s, elapsed);
    return [
      ...(this.tag !== undefined ? [`[${this.tag}]`] : []),
      `gen ${s.generation}`,
      `evals ${s.evaluations}`,
      `best ${Number.isFinite(s.best) ? s.best.toPrecision(6) : '-'}`,
      `${Math.round(rate)} evals/s`,
      `failures ${s.failures}`,
      ...(final ? [] : [`ETA ${eta === null ? '?' : formatSeconds(eta)}`]),
    ].join('  ');
  }

  /**
   * Seconds left by the tightest budget. A generations or evaluations budget extrapolates the rate of
   * the recent past (the last half of the run, at least 5 s), not of the whole run, so a slow start
   * (workers warming up, a simulator's first import) does not stretch the estimate to the end, and
   * says nothing ('?') until it is 10% and 3 units along: one or two generations tell little.
   */
  private eta(s: ProgressState, elapsed: number): number | null {
    const left: number[] = [];
    if (this.stop.seconds !== undefined) left.push(Math.max(0, this.stop.seconds - elapsed));
    const since = this.windowStart(elapsed);
    const extrapolate = (done: number, budget: number, then: number) => {
      if (done < ETA_MIN_UNITS || done / budget < ETA_MIN_FRACTION || elapsed <= since.t || done <= then) return;
      left.push(((elapsed - since.t) / (done - then)) * Math.max(0, budget - done));
    };
    if (this.stop.generations !== undefined) extrapolate(s.generation, this.stop.generations, since.generation);
    if (this.stop.evaluations !== undefined) extrapolate(s.evaluations, this.stop.evaluations, since.evaluations);
    return left.length ? Math.min(...left) : null;
  }

  /** The latest sample at least a window before now (the start when the run is young). */
  private windowStart(elapsed: number): Sample {
    const from = elapsed - Math.max(ETA_MIN_WINDOW_SECONDS, elapsed / 2);
    let start = this.samples[0];
    for (const x of this.samples) {
      if (x.t > from) break;
      start = x;
    }
    return start;
  }
}

function stateKey(s: ProgressState): string {
  return `${s.generation} ${s.evaluations} ${s.failures} ${s.best}`;
}

export function formatSeconds(t: number): string {
  if (t < 60) return `${t.toFixed(1)}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(Math.round(t % 60)).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}
