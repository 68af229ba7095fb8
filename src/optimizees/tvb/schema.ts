/**
 * The `tvb` optimizee in the experiment file: a network of one neural-mass model (a model file of
 * native/tvb/models) on a connectome, and what an individual sets in it (global coupling, conduction
 * speed, noise, the model's parameters); fitness the correlation of its FC with a target's. Every name
 * (the model, a parameter path, a state variable) is checked against the model file here, so a wrong
 * one is a one-line error before any rank simulates.
 */
import { z } from 'zod';
import { MAX_DIMS } from '../../core/limits.js';
import { TVB_COUPLING_PARAMS, type TvbCouplingKind } from '../../native/tvb.js';
import { ModelFileError } from './model-file.js';
import { shippedModel, shippedModelNames } from './models.js';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const positive = z.number().positive();

const parameterSchema = z.strictObject({
  path: z.string().describe("what it sets: coupling.<parameter of the coupling function> (coupling.a ...), speed, noise.<state variable>, or model.<parameter of the model file>"),
  lower: finite,
  upper: finite,
});

const targetSchema = z.union([
  z.strictObject({ fc: z.string().min(1).describe('a file: nodes x nodes numbers (text) or a float64 .npy') }),
  z.strictObject({ generate: z.record(z.string(), finite).describe('parameter path -> value; the rest as configured') }),
  z.strictObject({ sc: z.literal(true).describe('the structural weights themselves') }),
]);

export const tvbSchema = z.strictObject({
  model: z.string().describe(`a model file of native/tvb/models (shipped: ${(() => { try { return shippedModelNames().join(', '); } catch { return 'see docs/tvb.md'; } })()})`),
  connectome: z.string().default('synthetic76').describe('a connectome shipped in native/tvb/connectomes (synthetic76: the 76 regions of the TVB references), or a folder or .zip in TVB\'s text format (weights.txt, tract_lengths.txt, centres.txt; in a zip, in any subfolder)'),
  dt: positive.default(0.1).describe('ms'),
  duration_ms: positive.describe('simulated time per evaluation'),
  transient_ms: z.number().min(0).default(0).describe('left out of the FC'),
  sample_ms: positive.default(1).describe('the observable is sampled every this many ms (a whole number of steps)'),
  observable: z.string().optional().describe("the state variable whose FC is fitted (default the model file's first observable)"),
  speed: positive.default(4).describe('conduction speed, mm/ms'),
  bold: z.strictObject({
    tr_ms: positive.default(2000).describe('the BOLD sampling period (repetition time), a whole number of sample_ms'),
    tau_s: positive.optional(), tau_f: positive.optional(), tau_o: positive.optional(), alpha: positive.optional(),
    TE: positive.optional(), V0: positive.optional(), E0: z.number().gt(0).lt(1).optional(), epsilon: positive.optional(),
    nu_0: positive.optional(), r_0: positive.optional(),
  }).optional().describe("fit the FC of the observable's BOLD signal (TVB's BalloonModel: revised coefficients, non-linear; its parameters default to TVB's) sampled every tr_ms, instead of the observable itself; absent: the observable"),
  coupling: z.strictObject({
    kind: z.enum(['linear', 'kuramoto', 'sigmoidal']).optional().describe("the model file's default when absent"),
    a: finite.optional().describe('global coupling: linear a s + b, kuramoto a s, sigmoidal ... exp(-a (s - midpoint) / sigma) (TVB defaults: linear 0.00390625, kuramoto 1, sigmoidal 1)'),
    b: finite.optional().describe('linear offset (default 0)'),
    cmin: finite.optional().describe('sigmoidal minimum (default -1)'),
    cmax: finite.optional().describe('sigmoidal maximum (default 1)'),
    midpoint: finite.optional().describe('sigmoidal midpoint (default 0)'),
    sigma: finite.optional().describe('sigmoidal width (default 230)'),
  }).default({}).describe("TVB's coupling functions and their parameters: linear {a, b}, kuramoto {a}, sigmoidal {cmin, cmax, midpoint, a, sigma}"),
  device: z.enum(['auto', 'cpu', 'cuda']).default('auto').describe('auto: the CUDA kernel where this build has it and the rank sees a GPU, else the CPU kernel (the worker says which, once); cuda: fail without one'),
  noise: z.union([z.number().min(0), z.record(z.string(), z.number().min(0))]).optional().describe('nsig of additive noise (stochastic Heun): one number for every state variable, or per state variable; absent: deterministic'),
  noise_seed: z.union([z.number().int().min(0).max(2 ** 32 - 1), z.literal('individual')]).default(1).describe("the noise's stream: one seed for every individual (the same noise, so individuals differ by their parameters only: common random numbers), or 'individual' (each its own seed)"),
  params: z.record(z.string(), finite).default({}).describe("the model's parameters that differ from the model file's defaults"),
  initial_seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('the initial state, drawn uniformly in the model file\'s state ranges: the same for every individual'),
  target: targetSchema.describe('{fc: file}, {generate: {path: value, ...}} (the FC of this configuration with those values) or {sc: true}'),
  penalty: finite.default(-1).describe('the fitness of a run whose FC is undefined (a fixed point, a divergence); the record says why'),
  parameters: z.array(parameterSchema).min(1).max(MAX_DIMS),
}).superRefine((c, ctx) => {
  // each issue reads "got <input>, expected <message>"
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  let m: ReturnType<typeof shippedModel>;
  try {
    m = shippedModel(c.model);
  } catch (err) {
    // a model file edited since the build: its file, line and column, as the build would say
    if (!(err instanceof ModelFileError)) throw err;
    issue(['model'], c.model, `a model of native/tvb/models whose files all parse (${err.message})`);
    return;
  }
  if (!m) {
    issue(['model'], c.model, `a model of native/tvb/models (one of ${shippedModelNames().join(', ')})`);
    return;
  }
  const states = m.state.map((s) => s.name);
  const params = m.parameters.map((p) => p.name);
  const kind = couplingKind(c.coupling.kind, m.coupling);
  const names = TVB_COUPLING_PARAMS[kind];
  for (const key of Object.keys(c.coupling)) if (key !== 'kind' && !names.includes(key)) issue(['coupling', key], key, `a parameter of the ${kind} coupling (${names.join(', ')})`);
  const paths = [...names.map((n) => `coupling.${n}`), 'speed', ...states.map((s) => `noise.${s}`), ...params.map((p) => `model.${p}`)];
  c.parameters.forEach((p, k) => {
    if (!paths.includes(p.path)) issue(['parameters', k, 'path'], p.path, `what ${m.name} has (one of ${paths.join(', ')})`);
    if (!(p.lower < p.upper)) issue(['parameters', k, 'upper'], p.upper, `above lower (${p.lower})`);
    if (p.path.startsWith('noise.') && c.noise === undefined) issue(['parameters', k, 'path'], p.path, 'a noise level of a stochastic run (this one has no noise: set noise:)');
  });
  for (const key of Object.keys(c.params)) if (!params.includes(key)) issue(['params', key], key, `a parameter of ${m.name} (one of ${params.join(', ')})`);
  if (typeof c.noise === 'object') for (const key of Object.keys(c.noise)) if (!states.includes(key)) issue(['noise', key], key, `a state variable of ${m.name} (one of ${states.join(', ')})`);
  if (c.observable !== undefined && !states.includes(c.observable)) issue(['observable'], c.observable, `a state variable of ${m.name} (one of ${states.join(', ')})`);
  if ('generate' in c.target) for (const key of Object.keys(c.target.generate)) if (!paths.includes(key)) issue(['target', 'generate', key], key, `what ${m.name} has (one of ${paths.join(', ')})`);
  const every = c.sample_ms / c.dt;
  if (Math.abs(every - Math.round(every)) > 1e-9) issue(['sample_ms'], c.sample_ms, `a whole number of steps of ${c.dt} ms`);
  if (c.bold) {
    const tr = c.bold.tr_ms / c.sample_ms;
    if (Math.abs(tr - Math.round(tr)) > 1e-9) issue(['bold', 'tr_ms'], c.bold.tr_ms, `a whole number of samples of ${c.sample_ms} ms`);
    else if (Math.ceil(c.transient_ms / c.bold.tr_ms - 1e-9) + 3 > Math.floor(c.duration_ms / c.bold.tr_ms + 1e-9)) issue(['duration_ms'], c.duration_ms, `at least transient_ms + 3 BOLD samples of ${c.bold.tr_ms} ms, so that the FC has 3 samples`);
  } else if (c.transient_ms + 3 * c.sample_ms > c.duration_ms) issue(['transient_ms'], c.transient_ms, `at most duration_ms - 3 samples (${c.duration_ms - 3 * c.sample_ms} ms), so that the FC has 3 samples`);
});

export type TvbConfig = z.output<typeof tvbSchema>;

/** The coupling a run uses: the configured kind, or the model file's default. */
export function couplingKind(configured: TvbCouplingKind | undefined, modelDefault: string): TvbCouplingKind {
  return configured ?? (modelDefault as TvbCouplingKind);
}

/** TVB's defaults of each coupling function's parameters. */
export const COUPLING_DEFAULTS: Record<TvbCouplingKind, Record<string, number>> = {
  linear: { a: 0.00390625, b: 0 },
  kuramoto: { a: 1 },
  sigmoidal: { cmin: -1, cmax: 1, midpoint: 0, a: 1, sigma: 230 },
};
