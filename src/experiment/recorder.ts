/**
 * Recorder: the only writer of files. One results directory per run:
 *   config.json        the resolved experiment, parameter space, software version, ranks
 *   generations.msgpack  per generation: statistics and every individual evaluated (generation-codec.ts)
 *   summary.json       written at the start (status "running") and atomically replaced at the end
 *   run.log            every rank's log lines (JSON, pino), written through as they arrive
 */
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { encodeGeneration, encodeHeader } from './generation-codec.js';
import type { Individual, ParamSpec } from '../core/space.js';
import type { RunStatus } from './optimizer-machine.js';

/** One generation, columnar: row k of every array belongs to the k-th individual evaluated. */
export interface GenerationRecord {
  generation: number;
  dim: number;
  nObj: number;
  stats: Record<string, number>;
  index: Int32Array;
  /** n * dim parameters, row-major. */
  x: Float64Array;
  /** n * nObj fitness values (NaN where the evaluation failed). */
  fitness: Float64Array;
  /** dot(fitness, weights); -Infinity where the evaluation failed. */
  weighted: Float64Array;
  status: Uint8Array;
  seconds: Float64Array;
  /** When each evaluation started: seconds since the optimizer began, on rank 0's clock. */
  started: Float64Array;
  rank: Int32Array;
  seed: Uint32Array;
  /** Error text by row, only for failed evaluations. */
  errors: Record<string, string>;
  /** Model outputs by row, or null when the optimizee gives none. */
  outputs: ReadonlyArray<Float64Array | undefined> | null;
}

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
  /** trajectorySeconds: writing trajectory.h5 from the journal, after the run. */
  timing: { startupSeconds: number; runSeconds: number; evaluationSeconds: number; trajectorySeconds: number };
  best: Best | null;
  workers: Array<{ rank: number; host: string; evaluations: number; busySeconds: number }>;
}

export class ResultsDirError extends Error {
  override name = 'ResultsDirError';
}

export class Recorder {
  private generations: WriteStream | null = null;
  private failure: Error | null = null;
  private logFd: number | null = null;

  private constructor(readonly dir: string) {}

  /** Creates the directory; refuses one that holds another run unless `force`. */
  static open(dir: string, opts: { force: boolean }): Recorder {
    if (existsSync(join(dir, 'summary.json')) && !opts.force) {
      throw new ResultsDirError(`results directory ${dir} already holds a run; choose another with --out DIR or overwrite it with --force`);
    }
    mkdirSync(dir, { recursive: true });
    return new Recorder(dir);
  }

  writeConfig(config: { experiment: unknown; space: ParamSpec[]; version: string; ranks: number }): void {
    this.writeAtomic('config.json', JSON.stringify(config, null, 2) + '\n');
    this.generations = createWriteStream(join(this.dir, 'generations.msgpack'), { flags: 'w' });
    this.generations.on('error', (err) => (this.failure ??= err));
    this.generations.write(encodeHeader());
  }

  /** Appends log lines to run.log (opened on first use; synchronous, so a crash loses none written). */
  appendLog(text: string): void {
    this.logFd ??= openSync(join(this.dir, 'run.log'), 'w');
    writeSync(this.logFd, text);
  }

  /** Appends a generation (its arrays are copied into the encoded record; the caller keeps them). */
  recordGeneration(rec: GenerationRecord): void {
    if (!this.generations) throw new Error('recorder: writeConfig must come first');
    if (this.failure) throw new Error(`recorder: writing generations.msgpack failed: ${this.failure.message}`);
    this.generations.write(encodeGeneration(rec));
  }

  writeSummary(summary: Summary): void {
    this.writeAtomic('summary.json', JSON.stringify(summary, null, 2) + '\n');
  }

  /** Waits until every generation handed over is written, then closes the file. */
  async close(): Promise<void> {
    if (this.logFd !== null) closeSync(this.logFd);
    this.logFd = null;
    const s = this.generations;
    this.generations = null;
    if (!s) return;
    await new Promise<void>((resolve) => s.end(resolve));
    if (this.failure) throw this.failure;
  }

  private writeAtomic(name: string, text: string): void {
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, text, { flush: true });
    renameSync(tmp, join(this.dir, name));
  }
}
