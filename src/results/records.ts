/**
 * The results format: what a run leaves in its results directory, and the record types its files
 * hold. The recorder (src/experiment/recorder.ts) is the only writer; readers (journal.ts,
 * checkpoint.ts, trajectory-h5.ts, the report) read these types back. docs/results.md describes the
 * files for users.
 */
import type { Individual } from '../core/space.js';
export type { GenerationRecord } from '../core/rows.js';

/** The journal: one columnar record per generation (steady state: per result batch), append-only. */
export const JOURNAL_FILE = 'generations.msgpack';
export const CHECKPOINT_FILE = 'checkpoint.msgpack';
export const EVENTS_FILE = 'events.msgpack';
export const SUMMARY_FILE = 'summary.json';
export const CONFIG_FILE = 'config.json';
export const LOG_FILE = 'run.log';
export const TRAJECTORY_FILE = 'trajectory.h5';
/** The best individual assessed on held-out data, where the optimizee can (Optimizee.assess). */
export const ASSESSMENT_FILE = 'assessment.json';
/** Everything a run writes in its results directory (inner runs and the report included). */
export const RUN_ENTRIES = [SUMMARY_FILE, CONFIG_FILE, JOURNAL_FILE, CHECKPOINT_FILE, EVENTS_FILE, LOG_FILE, TRAJECTORY_FILE, ASSESSMENT_FILE, 'inner', 'report'];

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

/**
 * How the optimizer drives the run: 'generational' (a generation asked, all of it evaluated, told at
 * once) or 'steady-state' (asked and told a few rows at a time, no generation barrier). Recorded in the
 * journal's header, so readers know what a record is without rebuilding the optimizer.
 */
export type RunMode = 'generational' | 'steady-state';

export interface Best {
  fitness: number[];
  weightedFitness: number;
  individual: Individual;
  generation: number;
  index: number;
}

export interface Summary {
  name: string;
  optimizer: string;
  optimizee: string;
  seed: number;
  ranks: number;
  status: RunStatus;
  stopReasons: string[];
  evaluations: number;
  failures: number;
  generations: number;
  wallSeconds: number;
  /** runSeconds: first dispatch to the last record on disk; evaluationSeconds: to the last result told. */
  /** trajectorySeconds: writing trajectory.h5 from the journal, after the run; checkpointSeconds: within runSeconds. */
  timing: { startupSeconds: number; runSeconds: number; evaluationSeconds: number; trajectorySeconds: number; checkpointSeconds: number };
  /** Checkpoints written by this process (a resumed run counts its own). */
  checkpoints: number;
  best: Best | null;
  workers: Array<{ rank: number; host: string; evaluations: number; busySeconds: number }>;
  /**
   * How rank 0 dispatched: to `targets` (every worker, or the relays of hierarchical dispatch, which
   * then appear in `relays`), in `batches` messages (each answered by one).
   */
  dispatch?: { targets: number; batches: number; relays: number[]; steals?: number; duplicates?: number };
  /**
   * Rank 0's own cost: CPU seconds (user + system, every thread of the process) from the first
   * dispatch to the summary, and the process's peak resident memory so far (MiB).
   */
  rank0?: { cpuSeconds: number; peakRssMiB: number };
}
