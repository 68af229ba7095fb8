/**
 * OptimizerActor: runs the optimizer machine over a pure core. It turns the core's generations into
 * dispatcher jobs (with per-individual seeds derived from the experiment seed, generation and
 * index, never from rank or arrival order), collects results, tells the core in index order, keeps
 * the best individual, and hands each generation to the recorder.
 */
import { createActor, type Actor } from 'xstate';
import { weightedFitness } from '../core/fitness.js';
import type { Evaluation, Generation, OptimizerCore } from '../core/optimizer.js';
import type { Space } from '../core/space.js';
import { hashSeed } from '../math/rng.js';
import type { Clock } from '../runtime/clock.js';
import type { StopConfig } from './config.js';
import type { Dispatcher, JobResult } from './dispatcher.js';
import { optimizerMachine, type OptimizerDriver, type OptimizerOutput } from './optimizer-machine.js';
import type { Best, GenerationRecord } from './recorder.js';

export interface OptimizerActorDeps {
  core: OptimizerCore;
  dispatcher: Dispatcher;
  space: Space;
  weights: readonly number[];
  seed: number;
  stop: StopConfig;
  clock: Clock;
  record(rec: GenerationRecord): void;
  progress(state: { generation: number; evaluations: number; failures: number; best: number }): void;
}

interface Pending {
  generation: Generation;
  slot: Map<number, number>;
  results: Array<JobResult | undefined>;
}

export class OptimizerActor implements OptimizerDriver {
  generations = 0;
  evaluations = 0;
  failures = 0;
  best: Best | null = null;
  private pending: Pending | null = null;
  private readonly started: number;
  private readonly actor: Actor<typeof optimizerMachine>;

  constructor(private readonly deps: OptimizerActorDeps) {
    this.started = deps.clock.now();
    this.actor = createActor(optimizerMachine, { input: { driver: this } });
  }

  /** Runs to the end of the budget (or a stop/fail event) and resolves with the outcome. */
  run(): Promise<OptimizerOutput> {
    return new Promise((resolve, reject) => {
      this.actor.subscribe({
        complete: () => resolve(this.actor.getSnapshot().output!),
        error: reject,
      });
      this.actor.start();
      this.actor.send({ type: 'start' });
    });
  }

  /** Entry point for the dispatcher's results. */
  accept(results: JobResult[]): void {
    const p = this.pending;
    let counted = 0;
    for (const r of results) {
      if (!p || r.job.generation !== p.generation.generation) continue; // stale, after a stop
      const k = p.slot.get(r.job.index);
      if (k === undefined || p.results[k]) continue;
      p.results[k] = r;
      counted++;
    }
    if (counted > 0) this.actor.send({ type: 'results', count: counted });
  }

  stopRun(reason: string): void {
    this.actor.send({ type: 'stop', reason });
  }

  failRun(reason: string): void {
    this.actor.send({ type: 'fail', reason });
  }

  askGeneration(): number {
    const gen = this.deps.core.ask();
    const slot = new Map<number, number>();
    gen.candidates.forEach((c, k) => slot.set(c.index, k));
    this.pending = { generation: gen, slot, results: new Array(gen.candidates.length) };
    this.deps.dispatcher.submit(
      gen.candidates.map((c) => ({
        generation: gen.generation,
        index: c.index,
        seed: hashSeed(this.deps.seed, 'eval', gen.generation, c.index),
        x: c.x,
      })),
    );
    return gen.candidates.length;
  }

  tellGeneration(): void {
    const p = this.pending!;
    this.pending = null;
    const results = p.results as JobResult[];
    const evaluations: Evaluation[] = results.map((r) => ({
      index: r.job.index,
      x: r.job.x,
      fitness: r.fitness,
      weighted: r.status === 'ok' ? weightedFitness(r.fitness, this.deps.weights) : -Infinity,
      status: r.status,
      ...(r.outputs ? { outputs: r.outputs } : {}),
    }));
    const coreStats = this.deps.core.tell(p.generation.generation, evaluations);
    this.generations++;
    this.evaluations += evaluations.length;
    const failed = evaluations.filter((e) => e.status !== 'ok').length;
    this.failures += failed;
    this.updateBest(p.generation.generation, evaluations);
    this.deps.record(this.toRecord(p.generation.generation, results, evaluations, { ...generationStats(evaluations), failures: failed, ...coreStats }));
    this.deps.progress({
      generation: this.generations,
      evaluations: this.evaluations,
      failures: this.failures,
      best: this.best?.weightedFitness ?? -Infinity,
    });
  }

  stopReasons(): string[] {
    const { stop, core, clock } = this.deps;
    const reasons: string[] = [];
    if (stop.generations !== undefined && this.generations >= stop.generations) reasons.push(`generations budget reached (${stop.generations})`);
    if (stop.evaluations !== undefined && this.evaluations >= stop.evaluations) reasons.push(`evaluations budget reached (${stop.evaluations})`);
    if (stop.target !== undefined && this.best && this.best.weightedFitness >= stop.target) reasons.push(`target reached (${stop.target})`);
    if (stop.seconds !== undefined && (clock.now() - this.started) / 1000 >= stop.seconds) reasons.push(`time budget reached (${stop.seconds} s)`);
    return reasons.concat(core.stop());
  }

  private updateBest(generation: number, evaluations: Evaluation[]): void {
    for (const e of evaluations) {
      if (e.status !== 'ok') continue;
      if (this.best && !(e.weighted > this.best.weightedFitness)) continue;
      this.best = {
        fitness: Array.from(e.fitness),
        weightedFitness: e.weighted,
        individual: this.deps.space.toIndividual(e.x),
        generation,
        index: e.index,
      };
    }
  }

  private toRecord(generation: number, results: JobResult[], ev: Evaluation[], stats: Record<string, number>): GenerationRecord {
    const errors: Record<string, string> = {};
    results.forEach((r, k) => {
      if (r.error !== null) errors[k] = r.error;
    });
    return {
      generation,
      stats,
      individuals: {
        index: ev.map((e) => e.index),
        x: ev.map((e) => Array.from(e.x)),
        fitness: ev.map((e) => Array.from(e.fitness)),
        weighted: ev.map((e) => e.weighted),
        status: ev.map((e) => e.status),
        seconds: results.map((r) => r.seconds),
        rank: results.map((r) => r.rank),
        seed: results.map((r) => r.job.seed),
        errors,
      },
    };
  }
}

/** Best, mean, median and worst weighted fitness of the successful evaluations. */
export function generationStats(ev: readonly Evaluation[]): Record<string, number> {
  const w = ev.filter((e) => e.status === 'ok').map((e) => e.weighted).sort((a, b) => a - b);
  if (w.length === 0) return { evaluated: ev.length };
  const mid = w.length >> 1;
  return {
    evaluated: ev.length,
    best: w[w.length - 1],
    worst: w[0],
    mean: w.reduce((a, b) => a + b, 0) / w.length,
    median: w.length % 2 ? w[mid] : (w[mid - 1] + w[mid]) / 2,
  };
}
