/**
 * The CMA-ES checkpoint as plain data, and its validation on the way back.
 *
 * No random state is stored (streams derive from seed and generation), and the strategy parameters
 * and tolerances are recomputed from the run's plan. Numbers that JSON cannot carry (Infinity for a
 * generation in which every evaluation failed, -Infinity for a run without a success) travel as the
 * strings 'Infinity', '-Infinity' and 'NaN'.
 */
import type { RestartBook, Regime, RunPlan } from './restarts.js';
import type { RunRecord, RunState } from './run.js';

export interface CoreState {
  generation: number;
  run: RunState;
  book: RestartBook;
  history: RunRecord[];
  /** The final stop reasons; empty while the optimization goes on. */
  final: string[];
  best: { weighted: number; x: Float64Array | null };
}

type Num = number | 'Infinity' | '-Infinity' | 'NaN';

export interface CmaesSnapshot {
  type: 'cmaes';
  version: 1;
  generation: number;
  book: RestartBook;
  final: string[];
  history: Array<Omit<RunRecord, 'best'> & { best: Num }>;
  best: { weighted: Num; x: number[] | null };
  run: {
    plan: RunPlan;
    startGeneration: number;
    mean: Num[]; sigma: Num; C: Num[]; pc: Num[]; ps: Num[]; B: Num[]; eigenvalues: Num[]; invsqrt: Num[];
    condition: Num; updatedEval: number; countiter: number; counteval: number;
    gamma: Num[] | null; penaltyHist: Num[];
    hist: Num[]; histbest: Num[]; histmedian: Num[]; flat: number;
    best: { f: Num; x: number[] | null; evals: number };
  };
}

const enc = (v: number): Num => (Number.isFinite(v) ? v : (String(v) as Num));
const encs = (a: ArrayLike<number>): Num[] => Array.from(a, enc);

export function encodeSnapshot(s: CoreState): CmaesSnapshot {
  const { run } = s;
  const { d, h } = run;
  return {
    type: 'cmaes', version: 1, generation: s.generation, book: { ...s.book }, final: [...s.final],
    history: s.history.map((r) => ({ ...r, reasons: [...r.reasons], best: enc(r.best) })),
    best: { weighted: enc(s.best.weighted), x: s.best.x && Array.from(s.best.x) },
    run: {
      plan: { ...run.plan }, startGeneration: run.startGeneration,
      mean: encs(d.mean), sigma: enc(d.sigma), C: encs(d.C), pc: encs(d.pc), ps: encs(d.ps), B: encs(d.B),
      eigenvalues: encs(d.eigenvalues), invsqrt: encs(d.invsqrt), condition: enc(d.condition),
      updatedEval: d.updatedEval, countiter: d.countiter, counteval: d.counteval,
      gamma: run.bounds.gamma && encs(run.bounds.gamma), penaltyHist: encs(run.bounds.hist),
      hist: encs(h.hist), histbest: encs(h.histbest), histmedian: encs(h.histmedian), flat: h.flat,
      best: { f: enc(run.best.f), x: run.best.x && Array.from(run.best.x), evals: run.best.evals },
    },
  };
}

function fail(what: string): never {
  throw new TypeError(`cmaes snapshot: ${what}`);
}

function num(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  return fail(`${what} must be a number`);
}

function count(v: unknown, what: string): number {
  return Number.isInteger(v) && (v as number) >= 0 ? (v as number) : fail(`${what} must be a non-negative integer`);
}

function nums(v: unknown, what: string, length?: number): Float64Array {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) fail(`${what} must be an array of ${length ?? 'some'} numbers`);
  return Float64Array.from(v, (e: unknown, i) => num(e, `${what}[${i}]`));
}

function obj(v: unknown, what: string): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${what} must be an object`);
}

const REGIMES: readonly Regime[] = ['first', 'large', 'small'];

function regime(v: unknown, what: string): Regime {
  return REGIMES.includes(v as Regime) ? (v as Regime) : fail(`${what} must be one of ${REGIMES.join(', ')}`);
}

function strings(v: unknown, what: string): string[] {
  return Array.isArray(v) && v.every((e) => typeof e === 'string') ? [...v] : fail(`${what} must be an array of strings`);
}

function decodePlan(v: unknown): RunPlan {
  const p = obj(v, 'run.plan');
  const lambda = count(p.lambda, 'run.plan.lambda');
  if (lambda < 2) fail('run.plan.lambda must be at least 2');
  return { regime: regime(p.regime, 'run.plan.regime'), lambda, sigma0: num(p.sigma0, 'run.plan.sigma0'), maxiter: count(p.maxiter, 'run.plan.maxiter') };
}

function decodeRun(v: unknown, n: number): RunState {
  const r = obj(v, 'run');
  const best = obj(r.best, 'run.best');
  const m = (key: string, len?: number) => nums(r[key], `run.${key}`, len);
  return {
    plan: decodePlan(r.plan), startGeneration: count(r.startGeneration, 'run.startGeneration'),
    d: {
      mean: m('mean', n), sigma: num(r.sigma, 'run.sigma'), C: m('C', n * n), pc: m('pc', n), ps: m('ps', n), B: m('B', n * n),
      eigenvalues: m('eigenvalues', n), invsqrt: m('invsqrt', n * n), condition: num(r.condition, 'run.condition'),
      updatedEval: count(r.updatedEval, 'run.updatedEval'), countiter: count(r.countiter, 'run.countiter'), counteval: count(r.counteval, 'run.counteval'),
    },
    bounds: { gamma: r.gamma === null ? null : m('gamma', n), hist: Array.from(m('penaltyHist')) },
    h: { hist: Array.from(m('hist')), histbest: Array.from(m('histbest')), histmedian: Array.from(m('histmedian')), flat: count(r.flat, 'run.flat') },
    best: { f: num(best.f, 'run.best.f'), x: best.x === null ? null : nums(best.x, 'run.best.x', n), evals: count(best.evals, 'run.best.evals') },
  };
}

function decodeRecord(v: unknown, i: number): RunRecord {
  const r = obj(v, `history[${i}]`);
  const c = (key: string) => count(r[key], `history[${i}].${key}`);
  return {
    regime: regime(r.regime, `history[${i}].regime`), lambda: c('lambda'), sigma0: num(r.sigma0, `history[${i}].sigma0`),
    generations: c('generations'), evaluations: c('evaluations'), best: num(r.best, `history[${i}].best`), reasons: strings(r.reasons, `history[${i}].reasons`),
  };
}

/** Rebuilds the state, checking that it fits this run's dimension n. */
export function decodeSnapshot(raw: unknown, n: number): CoreState {
  const s = obj(raw, 'the snapshot');
  if (s.type !== 'cmaes' || s.version !== 1) fail('not a version-1 CMA-ES snapshot');
  const book = obj(s.book, 'book');
  const best = obj(s.best, 'best');
  if (!Array.isArray(s.history)) fail('history must be an array');
  return {
    generation: count(s.generation, 'generation'),
    run: decodeRun(s.run, n),
    book: { runs: count(book.runs, 'book.runs'), smallRuns: count(book.smallRuns, 'book.smallRuns'), smallEvals: count(book.smallEvals, 'book.smallEvals'), largeEvals: count(book.largeEvals, 'book.largeEvals') },
    history: s.history.map(decodeRecord),
    final: strings(s.final, 'final'),
    best: { weighted: num(best.weighted, 'best.weighted'), x: best.x === null ? null : nums(best.x, 'best.x', n) },
  };
}
