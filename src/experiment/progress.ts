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

export class Progress {
  private readonly start: number;
  private last = -Infinity;

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
    const every = this.mode === 'live' ? 0.1 : this.plainEverySeconds;
    if ((now - this.last) / 1000 < every) return;
    this.last = now;
    const line = this.format(s, (now - this.start) / 1000);
    this.out.write(this.mode === 'live' ? `\r\x1b[K${line}` : `${line}\n`);
  }

  /** Ends a live line so what follows starts on a fresh one. */
  finish(s: ProgressState): void {
    if (this.mode === 'none') return;
    const line = this.format(s, (this.clock.now() - this.start) / 1000);
    this.out.write(this.mode === 'live' ? `\r\x1b[K${line}\n` : `${line}\n`);
  }

  format(s: ProgressState, elapsed: number): string {
    const rate = elapsed > 0 ? s.evaluations / elapsed : 0;
    const eta = this.eta(s, elapsed);
    return [
      ...(this.tag !== undefined ? [`[${this.tag}]`] : []),
      `gen ${s.generation}`,
      `evals ${s.evaluations}`,
      `best ${Number.isFinite(s.best) ? s.best.toPrecision(6) : '-'}`,
      `${Math.round(rate)} evals/s`,
      `failures ${s.failures}`,
      `ETA ${eta === null ? '?' : formatSeconds(eta)}`,
    ].join('  ');
  }

  /** Seconds left by the tightest budget, extrapolating the rate so far. */
  private eta(s: ProgressState, elapsed: number): number | null {
    const left: number[] = [];
    if (this.stop.seconds !== undefined) left.push(Math.max(0, this.stop.seconds - elapsed));
    if (this.stop.generations !== undefined && s.generation > 0) {
      left.push((elapsed / s.generation) * Math.max(0, this.stop.generations - s.generation));
    }
    if (this.stop.evaluations !== undefined && s.evaluations > 0) {
      left.push((elapsed / s.evaluations) * Math.max(0, this.stop.evaluations - s.evaluations));
    }
    return left.length ? Math.min(...left) : null;
  }
}

export function formatSeconds(t: number): string {
  if (t < 60) return `${t.toFixed(1)}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(Math.round(t % 60)).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}
