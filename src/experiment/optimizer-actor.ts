/**
 * OptimizerActor: runs the optimizer machine over a pure core. It turns the core's generations into
 * dispatcher jobs (with per-individual seeds derived from the experiment seed, generation and
 * index, never from rank or arrival order), collects results in place, tells the core row for row, keeps
 * the best individual, and hands each generation to the recorder.
 */
import { createActor, type Actor } from 'xstate';
import { STATUS_CODES } from '../core/fitness.js';
import type { OptimizerCore } from '../core/optimizer.js';
import type { Space } from '../core/space.js';
import { hashSeed } from '../math/rng.js';
import type { Clock } from '../runtime/clock.js';
import type { StopConfig } from './config.js';
import type { Dispatcher, ResultBatch } from './dispatcher.js';
import { GenerationBuffer } from './generation-buffer.js';
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

export class OptimizerActor implements OptimizerDriver {
  generations = 0;
  evaluations = 0;
  failures = 0;
  best: Best | null = null;
  private pending: GenerationBuffer | null = null;
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
  accept(batch: ResultBatch): void {
    const counted = this.pending?.accept(batch) ?? 0; // none pending: stale results after a stop
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
    const seed = this.deps.seed;
    const buf = new GenerationBuffer(gen, this.deps.space.dim, this.deps.weights, (g, i) => hashSeed(seed, 'eval', g, i));
    this.pending = buf;
    this.deps.dispatcher.submit(buf.block);
    return buf.n;
  }

  tellGeneration(): void {
    const buf = this.pending!;
    this.pending = null;
    const coreStats = this.deps.core.tell(buf);
    const stats = { ...buf.stats(), ...coreStats };
    this.generations++;
    this.evaluations += buf.n;
    this.failures += stats.failures;
    this.updateBest(buf);
    this.deps.record(buf.toRecord(stats));
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

  private updateBest(buf: GenerationBuffer): void {
    let k = -1;
    for (let i = 0; i < buf.n; i++) {
      if (buf.status[i] !== STATUS_CODES.ok) continue;
      if (k < 0 || buf.weighted[i] > buf.weighted[k]) k = i;
    }
    if (k < 0 || (this.best && !(buf.weighted[k] > this.best.weightedFitness))) return;
    const nObj = this.deps.weights.length;
    this.best = {
      fitness: Array.from(buf.fitness.subarray(k * nObj, (k + 1) * nObj)),
      weightedFitness: buf.weighted[k],
      individual: this.deps.space.toIndividual(buf.x.subarray(k * buf.dim, (k + 1) * buf.dim)),
      generation: buf.generation,
      index: buf.index[k],
    };
  }
}
