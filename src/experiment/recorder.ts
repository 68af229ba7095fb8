/**
 * Recorder: the only writer of files. One results directory per run:
 *   config.json        the resolved experiment, parameter space, software version, ranks
 *   generations.jsonl  one JSON line per generation: statistics and every individual evaluated
 *   summary.json       written at the start (status "running") and atomically replaced at the end
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { EvalStatus } from '../core/fitness.js';
import type { Individual, ParamSpec } from '../core/space.js';
import type { RunStatus } from './optimizer-machine.js';

export interface GenerationRecord {
  generation: number;
  stats: Record<string, number>;
  individuals: {
    index: number[];
    x: number[][];
    fitness: number[][];
    weighted: number[];
    status: EvalStatus[];
    seconds: number[];
    rank: number[];
    seed: number[];
    /** Error text by position in this record, only for failed evaluations. */
    errors: Record<string, string>;
  };
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
  timing: { startupSeconds: number; runSeconds: number };
  best: Best | null;
  workers: Array<{ rank: number; host: string; evaluations: number; busySeconds: number }>;
}

export class ResultsDirError extends Error {
  override name = 'ResultsDirError';
}

export class Recorder {
  private generations: WriteStream | null = null;

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
    this.generations = createWriteStream(join(this.dir, 'generations.jsonl'), { flags: 'w' });
  }

  recordGeneration(rec: GenerationRecord): void {
    if (!this.generations) throw new Error('recorder: writeConfig must come first');
    this.generations.write(JSON.stringify(rec) + '\n');
  }

  writeSummary(summary: Summary): void {
    this.writeAtomic('summary.json', JSON.stringify(summary, null, 2) + '\n');
  }

  /** Flushes and closes the trajectory stream. */
  async close(): Promise<void> {
    const s = this.generations;
    this.generations = null;
    if (!s) return;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.end(resolve);
    });
  }

  private writeAtomic(name: string, text: string): void {
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, text, { flush: true });
    renameSync(tmp, join(this.dir, name));
  }
}
