/**
 * OptimizerActor: runs the optimizer machine over a pure core. It turns the core's asks into
 * dispatcher job blocks (with per-individual seeds derived from the experiment seed, generation and
 * index, never from rank or arrival order), collects results in place, tells the core row for row,
 * keeps the best individual, and hands every told row to the recorder.
 *
 * Generational cores are told once per generation; steady-state cores as each batch arrives, with as
 * many individuals outstanding as the workers can hold (capacity).
 */
import { createActor, type Actor } from 'xstate';
import { STATUS_CODES } from '../core/fitness.js';
import type { OptimizerCore } from '../core/optimizer.js';
import type { Space } from '../core/space.js';
import { hashSeed } from '../math/rng.js';
import type { Clock } from '../runtime/clock.js';
import type { StopConfig } from './config.js';
import type { Dispatcher, JobBlock, ResultBatch } from './dispatcher.js';
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
  /** Steady state: individuals kept outstanding (worker ranks x batches in flight each). */
  capacity: number;
  record(rec: GenerationRecord): void;
  progress(state: { generation: number; evaluations: number; failures: number; best: number }): void;
}

export class OptimizerActor implements OptimizerDriver {
  /** Generations told (steady state: result batches told). */
  generations = 0;
  evaluations = 0;
  failures = 0;
  best: Best | null = null;
  readonly mode: OptimizerDriver['mode'];
  private pending: GenerationBuffer | null = null;
  private readonly open = new Map<JobBlock, GenerationBuffer>();
  private arrived: ResultBatch[] = [];
  private asked = 0;
  private readonly started: number;
  private readonly actor: Actor<typeof optimizerMachine>;

  constructor(private readonly deps: OptimizerActorDeps) {
    this.mode = deps.core.mode;
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
    const buf = this.mode === 'steady-state' ? this.open.get(batch.block) : this.pending;
    const counted = buf?.accept(batch) ?? 0; // nothing open for it: stale results after a stop
    if (counted === 0) return;
    if (this.mode === 'steady-state') this.arrived.push(batch);
    this.actor.send({ type: 'results', count: counted });
  }

  stopRun(reason: string): void {
    this.actor.send({ type: 'stop', reason });
  }

  failRun(reason: string): void {
    this.actor.send({ type: 'fail', reason });
  }

  askGeneration(): number {
    const buf = this.buffer(this.deps.core.ask());
    this.pending = buf;
    this.deps.dispatcher.submit(buf.block);
    return buf.n;
  }

  tellGeneration(): void {
    const buf = this.pending!;
    this.pending = null;
    if (this.deps.core.mode !== 'generational') throw new Error('tellGeneration on a steady-state core');
    const coreStats = this.deps.core.tell(buf);
    this.told(buf, 0, buf.n, coreStats);
  }

  fill(): void {
    let n = this.deps.capacity - this.outstanding();
    if (this.deps.stop.evaluations !== undefined) n = Math.min(n, this.deps.stop.evaluations - this.asked);
    if (n <= 0) return;
    const buf = this.buffer(this.deps.core.ask(n));
    this.open.set(buf.block, buf);
    this.asked += buf.n;
    this.deps.dispatcher.submit(buf.block);
  }

  tellArrived(): void {
    const batches = this.arrived;
    this.arrived = [];
    for (const b of batches) {
      const buf = this.open.get(b.block);
      if (!buf) continue;
      const coreStats = this.deps.core.tell(buf.slice(b.offset, b.n));
      this.told(buf, b.offset, b.n, coreStats);
      if (buf.complete) this.open.delete(b.block);
    }
  }

  outstanding(): number {
    return this.asked - this.evaluations;
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

  private buffer(gen: ReturnType<OptimizerCore['ask']>): GenerationBuffer {
    const seed = this.deps.seed;
    return new GenerationBuffer(gen, this.deps.space.dim, this.deps.weights, (g, i) => hashSeed(seed, 'eval', g, i));
  }

  /** Bookkeeping after the core was told rows [offset, offset + n) of buf. */
  private told(buf: GenerationBuffer, offset: number, n: number, coreStats: Record<string, number>): void {
    const stats = { ...buf.stats(offset, n), ...coreStats };
    this.generations++;
    this.evaluations += n;
    this.failures += stats.failures;
    this.updateBest(buf, offset, n);
    this.deps.record(buf.sliceRecord(offset, n, stats));
    this.deps.progress({
      generation: this.generations,
      evaluations: this.evaluations,
      failures: this.failures,
      best: this.best?.weightedFitness ?? -Infinity,
    });
  }

  private updateBest(buf: GenerationBuffer, offset: number, n: number): void {
    let k = -1;
    for (let i = offset; i < offset + n; i++) {
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
