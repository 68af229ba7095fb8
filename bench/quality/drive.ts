/**
 * One run of one optimizer core on one benchmark function, in-process (quality does not depend on the
 * transport): ask, evaluate, tell, until the budget or the core's own stop().
 *
 * Budget rule: evaluations are counted; the generation that would cross the budget is evaluated only up to
 * it (its first rows, in the order asked), is not told to the core, and ends the run. So every run uses at
 * most the budget, and exactly the budget unless the core stopped itself first.
 */
import { STATUS_CODES } from '../../src/core/fitness.js';
import type { Evaluations, Generation, OptimizerCore, OptimizerFactory } from '../../src/core/optimizer.js';
import type { Space } from '../../src/core/space.js';
import type { BenchFn } from '../../src/optimizees/benchmark/index.js';

export interface RunResult {
  seed: number;
  /** The lowest function value evaluated (the functions are minimised). */
  best: number;
  evaluations: number;
  seconds: number;
  /** Why the run ended before the budget: the core's stop() reasons, or the time cap. */
  stopped?: string;
  /** The run threw: the error's message. */
  error?: string;
}

export interface RunSpec {
  factory: OptimizerFactory;
  params: unknown;
  space: Space;
  fn: BenchFn;
  seed: number;
  budget: number;
  inFlight: number;
  maxSeconds: number;
}

/** Evaluates the first `take` rows of a generation; fitness is the function value, weight -1 minimises it. */
function evaluate(gen: Generation, dim: number, take: number, fn: BenchFn): Evaluations {
  const n = Math.min(take, gen.index.length);
  const x = gen.x.subarray(0, n * dim);
  const ev: Evaluations = {
    generation: gen.generation, dim, nObj: 1, index: gen.index.subarray(0, n), x,
    fitness: new Float64Array(n), weighted: new Float64Array(n), status: new Uint8Array(n).fill(STATUS_CODES.ok), outputs: null,
  };
  for (let k = 0; k < n; k++) {
    ev.fitness[k] = fn(x.subarray(k * dim, (k + 1) * dim));
    ev.weighted[k] = -ev.fitness[k];
  }
  return ev;
}

function minOf(a: Float64Array, start: number): number {
  let m = start;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

/** Rows of a generation, one at a time (a steady-state core's results arrive singly). */
function rowOf(gen: Generation, k: number, dim: number): Generation {
  return { generation: gen.generation, index: gen.index.subarray(k, k + 1), x: gen.x.subarray(k * dim, (k + 1) * dim) };
}

export function runOne(spec: RunSpec): RunResult {
  const { factory, space, seed } = spec;
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  const state = { best: Infinity, used: 0, stopped: undefined as string | undefined };
  try {
    const core = factory.create(spec.params as never, { space, weights: [-1], seed });
    if (core.mode === 'generational') driveGenerational(core, spec, state, elapsed);
    else driveSteadyState(core, spec, state, elapsed);
    return { seed, best: state.best, evaluations: state.used, seconds: elapsed(), ...(state.stopped ? { stopped: state.stopped } : {}) };
  } catch (e) {
    return { seed, best: state.best, evaluations: state.used, seconds: elapsed(), error: e instanceof Error ? e.message : String(e) };
  }
}

interface State { best: number; used: number; stopped: string | undefined }

function driveGenerational(core: OptimizerCore & { mode: 'generational' }, spec: RunSpec, s: State, elapsed: () => number): void {
  const dim = spec.space.dim;
  let empty = 0;
  while (s.used < spec.budget) {
    const reasons = core.stop();
    if (reasons.length > 0) return void (s.stopped = reasons.join('; '));
    if (elapsed() > spec.maxSeconds) return void (s.stopped = `time cap ${spec.maxSeconds} s`);
    const gen = core.ask();
    const n = gen.index.length;
    // a GA whose children all equal their parents asks nothing; give up if that never changes
    if (n === 0 && ++empty > 1000) return void (s.stopped = 'asked no individuals 1,000 times running');
    const ev = evaluate(gen, dim, spec.budget - s.used, spec.fn);
    s.used += ev.index.length;
    s.best = minOf(ev.fitness, s.best);
    if (ev.index.length < n) return; // the budget ends inside this generation: not told
    core.tell(ev);
  }
}

/** W evaluations in flight: ask W, then, oldest first, tell each result and ask one more in its place. */
function driveSteadyState(core: OptimizerCore & { mode: 'steady-state' }, spec: RunSpec, s: State, elapsed: () => number): void {
  const dim = spec.space.dim;
  const queue: Generation[] = [];
  const refill = (n: number) => {
    const gen = core.ask(n);
    for (let k = 0; k < gen.index.length; k++) queue.push(rowOf(gen, k, dim));
  };
  refill(Math.min(spec.inFlight, spec.budget));
  while (s.used < spec.budget && queue.length > 0) {
    const reasons = core.stop();
    if (reasons.length > 0) return void (s.stopped = reasons.join('; '));
    if (elapsed() > spec.maxSeconds) return void (s.stopped = `time cap ${spec.maxSeconds} s`);
    const ev = evaluate(queue.shift()!, dim, 1, spec.fn);
    s.used += 1;
    s.best = minOf(ev.fitness, s.best);
    core.tell(ev);
    // only ask what the budget can still evaluate
    if (s.used + queue.length < spec.budget) refill(1);
  }
}
