/**
 * OptimizerActor: rank 0's actor ('optimizer') that runs the optimizer machine over a pure core. It
 * turns the core's asks into dispatcher job blocks (with per-individual seeds derived from the
 * experiment seed, generation and index, never from rank or arrival order), collects results in place,
 * tells the core row for row, keeps the best individual, and hands every told row to the recorder.
 *
 * Generational cores are told once per generation; steady-state cores as each batch arrives, with as
 * many individuals outstanding as the workers can hold (capacity).
 *
 * A resumed run goes through the same machine: the core and counters come from the checkpoint, then
 * the events logged after it feed the machine as the live run's did. Each ask the machine makes takes
 * the next logged ask (its hash verified, nothing dispatched) and each logged batch of results arrives
 * as results do; once the log is spent, the rows of the replayed asks that have no result are
 * dispatched and the run goes on live. So nothing evaluated is evaluated again, and the trajectory is
 * the one an uninterrupted run gives.
 *
 * Accepts:
 *   'eval.done'     ResultBatch (from the dispatcher, on this rank)
 *   'run.stop'      {reason}    a signal: the run ends as interrupted
 *   'actor.failed'  ActorFailure (it supervises rank 0's actors): the run ends as failed
 */
import { createActor, type Actor } from 'xstate';
import { STATUS_CODES } from '../core/fitness.js';
import type { OptimizerCore, SteadyStateCore } from '../core/optimizer.js';
import type { Space } from '../core/space.js';
import { seedsAfter } from '../math/rng.js';
import type { ActorFailure, Behaviour } from '../runtime/actor-system.js';
import type { Clock } from '../runtime/clock.js';
import { askHash, type Checkpoint, type ResultsEvent, type RunEvent } from '../results/checkpoint.js';
import type { Best, GenerationRecord } from '../results/records.js';
import type { StopConfig } from './config.js';
import type { Dispatcher, JobBlock, ResultBatch } from './dispatcher.js';
import { GenerationBuffer, type FailurePolicy } from './generation-buffer.js';
import { optimizerMachine, type OptimizerDriver, type OptimizerOutput } from './optimizer-machine.js';

/** What a checkpoint holds of the optimizer actor (the recorder adds the rest). */
export type ActorState = Pick<Checkpoint, 'core' | 'counters' | 'best' | 'open'>;

/** Where the actor's events and checkpoints go, and how often checkpoints are taken. */
export interface Persistence {
  event(e: RunEvent): void;
  checkpoint(state: ActorState): void;
  /**
   * A checkpoint once generations told (generational) or evaluations told (steady) reach their count
   * and min_seconds have passed since the last, or once `seconds` have passed.
   */
  every: { generations: number; evaluations: number; seconds: number; min_seconds: number };
}

export interface OptimizerActorDeps {
  core: OptimizerCore;
  dispatcher: Dispatcher;
  space: Space;
  weights: readonly number[];
  seed: number;
  stop: StopConfig;
  clock: Clock;
  /** Steady state: individuals to keep outstanding now (the dispatcher's capacity: it grows once evaluations are timed). */
  capacity: () => number;
  record(rec: GenerationRecord): void;
  progress(state: { generation: number; evaluations: number; failures: number; best: number }): void;
  persist?: Persistence;
  /** Retries and penalties for failed evaluations (default: none, told as failed). */
  failures?: FailurePolicy;
  /** Continue a run from its checkpoint and the events logged after it (run --resume). */
  resume?: { checkpoint: Pick<Checkpoint, 'core' | 'counters' | 'best' | 'open'>; events: readonly RunEvent[] };
  /** How a failure of one of rank 0's actors is worded in the run log. */
  onFailure?: (failure: ActorFailure) => void;
}

export class OptimizerActor implements OptimizerDriver {
  /** Generations told (steady state: result batches told). */
  generations = 0;
  evaluations = 0;
  failures = 0;
  best: Best | null = null;
  readonly mode: OptimizerDriver['mode'];
  private pending: GenerationBuffer | null = null;
  /** Steady state: asks with rows not yet told, by ask number. */
  private readonly open = new Map<number, GenerationBuffer>();
  /** Steady state: rows with results not yet told, by ask. */
  private arrived: Array<{ generation: number; rows: Int32Array }> = [];
  private asked = 0;
  private started: number;
  /** A resumed run's logged events, and how many the machine has been fed. */
  private log: readonly RunEvent[] = [];
  private cursor = 0;
  /** Feeding the log: nothing is logged again or checkpointed. */
  private replaying = false;
  /** Asks that came from the checkpoint or the log: their rows without a result are dispatched once it is spent. */
  private readonly replayed = new Set<GenerationBuffer>();
  private lastCheckpoint = { generations: 0, evaluations: 0, time: 0 };
  private readonly actor: Actor<typeof optimizerMachine>;
  /** Individual i of generation g is evaluated with seed hashSeed(experiment seed, 'eval', g, i). */
  private readonly seedOf: (generation: number, index: number) => number;

  constructor(private readonly deps: OptimizerActorDeps) {
    this.mode = deps.core.mode;
    this.seedOf = seedsAfter(deps.seed, 'eval');
    this.started = deps.clock.now();
    this.lastCheckpoint.time = this.started;
    this.actor = createActor(optimizerMachine, { input: { driver: this } });
    if (deps.resume) this.restore(deps.resume.checkpoint, deps.resume.events);
  }

  /** The actor's behaviour: results from the dispatcher, a stop, a failure of an actor it supervises. */
  readonly behaviour: Behaviour = (msg) => {
    switch (msg.type) {
      case 'eval.done':
        return this.accept(msg.body as ResultBatch);
      case 'run.stop':
        return this.stopRun((msg.body as { reason: string }).reason);
      case 'actor.failed': {
        const f = msg.body as ActorFailure;
        this.deps.onFailure?.(f);
        return this.failRun(`${f.message} (while handling '${f.type}' from rank ${f.from.rank})`);
      }
      default:
        throw new Error(`the optimizer cannot handle '${msg.type}'`);
    }
  };

  /**
   * Runs to the end of the budget (or a stop/fail event) and resolves with the outcome. A resumed run
   * first feeds its logged events through the machine, then goes live.
   */
  run(): Promise<OptimizerOutput> {
    return new Promise((resolve, reject) => {
      this.actor.subscribe({
        complete: () => resolve(this.actor.getSnapshot().output!),
        error: reject,
      });
      this.actor.start();
      this.replaying = this.log.length > 0;
      try {
        this.actor.send({ type: 'start' });
        this.feedLog();
      } finally {
        this.replaying = false;
      }
      this.goLive();
    });
  }

  /** The logged results, in order, through the path live results take (asks are taken by the machine's asks). */
  private feedLog(): void {
    while (this.cursor < this.log.length && this.actor.getSnapshot().status === 'active') {
      const e = this.log[this.cursor];
      if (e.kind === 'ask') {
        throw new Error(`resume: the log asks generation ${e.generation} where the optimizer asked nothing: events.msgpack does not follow checkpoint.msgpack, or the program changed since the run started`);
      }
      this.cursor++;
      this.acceptLogged(e);
    }
  }

  /** The log is spent: the replayed asks' rows that have no result are dispatched. */
  private goLive(): void {
    for (const buf of this.replayed) {
      const missing = buf.missingBlock();
      if (missing && this.isOpen(buf)) this.deps.dispatcher.submit(missing);
    }
    this.replayed.clear();
  }

  private isOpen(buf: GenerationBuffer): boolean {
    return this.actor.getSnapshot().status === 'active' && (this.pending === buf || this.open.get(buf.generation) === buf);
  }

  /** Entry point for the dispatcher's results. */
  accept(batch: ResultBatch): void {
    const buf = this.mode === 'steady-state' ? this.open.get(batch.block.generation) : this.pending;
    if (!buf?.owns(batch)) return; // nothing open for it: stale results after a stop
    const done = buf.accept(batch);
    const retry = buf.takeRetryBlock();
    if (done.length === 0 && !retry) return; // repeated results
    const { offset, n, rank, ranks, nObj, fitness, status, seconds, started, errors, outputs } = batch;
    this.deps.persist?.event({ kind: 'results', generation: batch.block.generation, rows: buf.rowsOf(batch), offset, n, rank, ...(ranks ? { ranks } : {}), nObj, fitness, status, seconds, started, errors, outputs });
    if (retry) this.deps.dispatcher.submit(retry);
    if (done.length === 0) return;
    if (this.mode === 'steady-state') this.arrived.push({ generation: buf.generation, rows: done });
    this.actor.send({ type: 'results', count: done.length });
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
    if (this.takeLoggedAsk(buf)) return buf.n;
    this.logAsk(buf);
    this.deps.dispatcher.submit(buf.block);
    return buf.n;
  }

  /**
   * While the log lasts, an ask is the next logged one: verified against its hash, not dispatched
   * (its rows' results follow in the log, the rest go out once it is spent). False when live.
   */
  private takeLoggedAsk(buf: GenerationBuffer): boolean {
    const e = this.log[this.cursor];
    if (e === undefined) return false;
    if (e.kind !== 'ask') throw new Error(`resume: the optimizer asked generation ${buf.generation} where the log has results of generation ${e.generation}: events.msgpack does not follow checkpoint.msgpack`);
    this.cursor++;
    if (buf.generation !== e.generation || buf.n !== e.n || askHash(buf.index, buf.x) !== e.hash) {
      throw new Error(`resume: the optimizer asked other individuals than before the interruption (generation ${e.generation}): the program, its dependencies or the optimizer changed since the run started`);
    }
    this.replayed.add(buf);
    return true;
  }

  tellGeneration(): void {
    const buf = this.pending!;
    this.pending = null;
    if (this.deps.core.mode !== 'generational') throw new Error('tellGeneration on a steady-state core');
    const coreStats = this.deps.core.tell(buf);
    this.told(buf, 0, buf.n, coreStats);
    this.maybeCheckpoint();
  }

  fill(): void {
    // while the log lasts, the asks are the logged ones (their sizes came from the workers of then)
    while (this.log[this.cursor]?.kind === 'ask') this.askSteady((this.log[this.cursor] as { n: number }).n);
    if (this.cursor < this.log.length) return;
    let n = this.deps.capacity() - this.outstanding();
    if (this.deps.stop.evaluations !== undefined) n = Math.min(n, this.deps.stop.evaluations - this.asked);
    if (n <= 0) return;
    const buf = this.askSteady(n);
    this.deps.dispatcher.submit(buf.block);
  }

  tellArrived(): void {
    const batches = this.arrived;
    this.arrived = [];
    for (const b of batches) this.tellRows(b.generation, b.rows);
    this.maybeCheckpoint();
  }

  /** Steady state: tells rows of an ask that just got their results. */
  private tellRows(generation: number, rows: Int32Array): void {
    const buf = this.open.get(generation);
    if (!buf || rows.length === 0) return;
    const [src, at] = GenerationBuffer.contiguous(rows) ? [buf, rows[0]] : [buf.subset(rows), 0];
    const coreStats = this.deps.core.tell(src.slice(at, rows.length));
    this.told(src, at, rows.length, coreStats);
    if (buf.complete) this.open.delete(generation);
  }

  private askSteady(n: number): GenerationBuffer {
    const buf = this.buffer((this.deps.core as SteadyStateCore).ask(n));
    this.open.set(buf.generation, buf);
    this.asked += buf.n;
    if (!this.takeLoggedAsk(buf)) this.logAsk(buf);
    return buf;
  }

  private logAsk(buf: GenerationBuffer): void {
    this.deps.persist?.event({ kind: 'ask', generation: buf.generation, n: buf.n, hash: askHash(buf.index, buf.x) });
  }

  /** The state a checkpoint holds, at a quiet point (after a tell). */
  state(): ActorState {
    const { core, clock } = this.deps;
    return {
      core: core.snapshot(),
      counters: { generations: this.generations, evaluations: this.evaluations, failures: this.failures, asked: this.asked, elapsedSeconds: (clock.now() - this.started) / 1000 },
      best: this.best,
      open: [...this.open.values()].map((b) => ({ generation: b.generation, index: b.index, x: b.x, done: b.doneMask() })),
    };
  }

  /**
   * Takes a checkpoint now (the run's start, and its end). Only at a quiet point: with a generation
   * in progress or results not yet told, the event log keeps them and the last checkpoint stays.
   */
  checkpoint(): void {
    if (!this.deps.persist || this.replaying || this.pending || this.arrived.length > 0) return;
    this.deps.persist.checkpoint(this.state());
    this.lastCheckpoint = { generations: this.generations, evaluations: this.evaluations, time: this.deps.clock.now() };
  }

  private maybeCheckpoint(): void {
    const p = this.deps.persist;
    if (!p || this.replaying) return;
    const last = this.lastCheckpoint;
    const due = this.mode === 'generational'
      ? this.generations - last.generations >= p.every.generations
      : this.evaluations - last.evaluations >= p.every.evaluations;
    const elapsed = (this.deps.clock.now() - last.time) / 1000;
    if ((due && elapsed >= p.every.min_seconds) || elapsed >= p.every.seconds) this.checkpoint();
  }

  /** A resumed run's starting point: the core, the counters, the open asks; the log to feed. */
  private restore(cp: Pick<Checkpoint, 'core' | 'counters' | 'best' | 'open'>, events: readonly RunEvent[]): void {
    const { core, clock } = this.deps;
    core.restore(cp.core);
    ({ generations: this.generations, evaluations: this.evaluations, failures: this.failures, asked: this.asked } = cp.counters);
    this.best = cp.best;
    this.started = clock.now() - cp.counters.elapsedSeconds * 1000;
    this.lastCheckpoint = { generations: this.generations, evaluations: this.evaluations, time: clock.now() };
    for (const o of cp.open) {
      const buf = this.buffer({ generation: o.generation, index: o.index, x: o.x });
      buf.markDone(o.done);
      this.open.set(buf.generation, buf);
      this.replayed.add(buf);
    }
    this.log = events;
  }

  /** Logged results, stored as they were and counted by the machine as live results are. */
  private acceptLogged(e: ResultsEvent): void {
    const buf = this.mode === 'generational' ? this.pending : this.open.get(e.generation);
    if (!buf || buf.generation !== e.generation) throw new Error(`resume: results for generation ${e.generation}, which is not open: events.msgpack does not follow checkpoint.msgpack`);
    const done = buf.acceptAt(e, e.rows);
    buf.takeRetryBlock(); // dispatched with the rest still missing once the log is spent
    if (done.length === 0) return;
    if (this.mode === 'steady-state') this.arrived.push({ generation: buf.generation, rows: done });
    this.actor.send({ type: 'results', count: done.length });
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
    return new GenerationBuffer(gen, this.deps.space.dim, this.deps.weights, this.seedOf, this.deps.failures);
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
