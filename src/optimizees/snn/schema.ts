/**
 * The declarative description of a spiking network in the experiment file (the `snn` optimizee): its
 * populations, projections, inputs and recordings, what an individual's parameters set in it, and
 * what the run is worth. A scientist writes this, not C++; the back end (src/optimizees/snn/build.ts
 * for the native simulator) builds the network from it. Every reference (a population, a projection,
 * an input, a parameter's path) is checked here, so a description that cannot work is one line that
 * names the key, before any rank simulates.
 */
import { z } from 'zod';
import { MAX_DIMS } from '../../core/limits.js';
import { DATASETS } from './data.js';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const positive = z.number().positive();

/** NEST's iaf_psc_exp / iaf_psc_alpha parameters and defaults (potentials mV, times ms, C_m pF, currents pA). */
export const NEURON_DEFAULTS = { tau_m: 10, C_m: 250, tau_syn_ex: 2, tau_syn_in: 2, E_L: -70, V_th: -55, V_reset: -70, t_ref: 2, I_e: 0 } as const;
export type NeuronParamName = keyof typeof NEURON_DEFAULTS;
export const NEURON_PARAMS = Object.keys(NEURON_DEFAULTS) as NeuronParamName[];

const neuronParamsSchema = z.strictObject({
  tau_m: positive.optional().describe('membrane time constant, ms'),
  C_m: positive.optional().describe('membrane capacitance, pF'),
  tau_syn_ex: positive.optional().describe('excitatory synaptic time constant, ms'),
  tau_syn_in: positive.optional().describe('inhibitory synaptic time constant, ms'),
  E_L: finite.optional().describe('resting potential, mV'),
  V_th: finite.optional().describe('threshold, mV'),
  V_reset: finite.optional().describe('reset potential, mV'),
  t_ref: z.number().min(0).optional().describe('absolute refractory period, ms'),
  I_e: finite.optional().describe('constant input current, pA'),
});

const valueSchema = z.union([
  finite,
  z.strictObject({ normal: z.tuple([finite, z.number().min(0)]) }).describe('{normal: [mean, sd]}'),
  z.strictObject({ uniform: z.tuple([finite, finite]) }).describe('{uniform: [low, high]}'),
]);

const populationSchema = z.strictObject({
  size: z.number().int().min(1).max(1_000_000).describe('neurons'),
  params: neuronParamsSchema.default({}).describe(`neuron parameters (defaults: NEST's ${Object.entries(NEURON_DEFAULTS).map(([k, v]) => `${k} ${v}`).join(', ')})`),
  v0: valueSchema.optional().describe('initial membrane potential, mV: a number, {normal: [mean, sd]} or {uniform: [low, high]}, drawn per neuron from each evaluation\'s seed (default E_L)'),
});

const ruleSchema = z.union([
  z.enum(['all_to_all', 'one_to_one']),
  z.strictObject({ fixed_probability: z.number().min(0).max(1), autapses: z.boolean().default(true) }),
  z.strictObject({ fixed_indegree: z.number().int().min(0), autapses: z.boolean().default(true) }),
  z.strictObject({ pairs: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).min(1) }).describe('{pairs: [[pre, post], ...]}, indices within the populations'),
]);

const projectionSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier').optional().describe('how parameters and records name it (default from_to)'),
  from: z.string().describe('the presynaptic population'),
  to: z.string().describe('the postsynaptic population'),
  rule: ruleSchema.describe("all_to_all, one_to_one, {fixed_probability: p, autapses}, {fixed_indegree: k, autapses} or {pairs: [[pre, post], ...]}"),
  weight: valueSchema.describe('pA: a number, or a distribution drawn per synapse; negative weights are inhibitory'),
  delay_ms: positive.default(1).describe('ms, at least one step; rounded to whole steps'),
});

const inputSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('poisson'),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier').optional(),
    to: z.string(),
    rate_hz: z.number().min(0).describe('each target neuron gets an independent Poisson source of this rate'),
    weight: finite.describe('pA per input spike'),
  }),
  z.strictObject({
    type: z.literal('current'),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier').optional(),
    to: z.string(),
    amplitude: finite.describe('pA, added to I_e'),
    start_ms: z.number().min(0).default(0),
    stop_ms: z.number().positive().optional().describe('default: the end of the run'),
  }),
  z.strictObject({
    type: z.literal('spikes'),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier').optional(),
    to: z.string(),
    times_ms: z.array(z.number().min(0)).min(1).describe('spike times, ms, into every neuron of `to` (rounded to steps)'),
    weight: finite,
  }),
]);

const parameterSchema = z.strictObject({
  path: z.string().describe('what the parameter sets: projections.<name>.weight (a scalar: every synapse, or the scale of a distribution), projections.<name>.weights (an array, one per synapse), inputs.<name>.rate_hz, or populations.<name>.I_e'),
  lower: finite,
  upper: finite,
});

const ratesObjective = z.array(z.strictObject({ population: z.string(), target_hz: z.number().min(0), weight: z.number().positive().default(1) })).min(1)
  .describe('fitness = -sum of weight * (rate - target_hz)^2 over these populations (minimised distance to the target rates); the rates are the model outputs');

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier');

const classifyObjective = z.strictObject({
  data: z.enum(Object.keys(DATASETS) as [keyof typeof DATASETS]).default('digits').describe("the dataset: digits (UCI's 8x8 handwritten digits, 1797 samples, 64 pixels, 10 classes, from python3-sklearn's file)"),
  file: z.string().optional().describe("the dataset's file, where it is not in the place its Debian package puts it"),
  input: identifier.describe("the poisson input that carries a sample: its population has one neuron per feature, each driven at low_hz + (high_hz - low_hz) * feature (features scaled to [0, 1])"),
  low_hz: z.number().min(0).default(0).describe('the rate of a feature of 0'),
  high_hz: z.number().positive().default(100).describe('the rate of a feature of 1'),
  scores: z.union([
    z.strictObject({ population: identifier.describe('split into as many equal groups as classes, in order') }),
    z.strictObject({ readout: z.array(identifier).min(1).describe('populations whose rates a linear readout weighs (parameter readout.weights)') }),
  ]).describe("what a class's score is: {population: out} the mean rate of its group of out's neurons (the reference's output clusters), or {readout: [exc, inh]} a linear readout of these populations' rates, its weights the parameter readout.weights"),
  softmax_scale_hz: z.number().positive().default(1).describe('population scores: the softmax takes rate / this (1: rates in Hz, as the reference has it)'),
  rate_unit_hz: z.number().positive().default(100).describe('readout scores: the readout weighs rate / this, plus a bias per class'),
  batch: z.number().int().min(1).max(100_000).default(10).describe('training samples per evaluation: generation g shows the g-th window of this many of the shuffled training set (every member the same samples and the same input noise)'),
  test_fraction: z.number().min(0).max(0.9).default(0.2).describe('the share of the samples held out for assessment, never trained on'),
  split_seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('the permutation that splits and orders the samples'),
  split: z.enum(['train', 'test']).default('train').describe('train: mini-batches of the training samples; test: every held-out sample in each evaluation (to assess a trained individual)'),
});

const objectiveSchema = z.strictObject({
  rates: ratesObjective.optional(),
  classify: classifyObjective.optional().describe('fitness [1 - MSE(one-hot label, softmax of the class scores), accuracy] over the samples of the evaluation, weights [1, 0]; model outputs the softmax minus the one-hot label per sample (an EnKF fits them to zero)'),
});

const snnSchemaBase = z.strictObject({
    model: z.enum(['iaf_psc_exp', 'iaf_psc_alpha']).default('iaf_psc_exp').describe('LIF neurons with exponential or alpha-shaped current synapses, integrated exactly'),
    backend: z.enum(['native', 'brian2', 'nest']).default('native').describe("the simulator: native (native/snn, in the worker), brian2 or nest (Debian's python3-brian, or a NEST 3 that `import nest` finds, in the worker's embedded Python; Poisson inputs and constant currents only); the same network from the same arrays"),
    dt: positive.default(0.1).describe('ms'),
    duration_ms: positive.describe('simulated time per evaluation'),
    network_seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('the connectivity and weight draws: the same network for every individual'),
    populations: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier'), populationSchema).describe('name -> {size, params, v0}'),
    projections: z.array(projectionSchema).default([]).describe('{name?, from, to, rule, weight, delay_ms}: rule all_to_all, one_to_one, {fixed_probability: p, autapses}, {fixed_indegree: k, autapses} or {pairs: [[pre, post], ...]}; weight in pA, a number or {normal: [mean, sd]} / {uniform: [low, high]} per synapse (negative: inhibitory); delay_ms at least one step (docs/snn.md)'),
    inputs: z.array(inputSchema).default([]).describe('{type: poisson, to, rate_hz, weight} (an independent source per target neuron), {type: current, to, amplitude, start_ms, stop_ms} or {type: spikes, to, times_ms, weight}; each with an optional name'),
    parameters: z.array(parameterSchema).min(1).describe('what an individual sets: {path, lower, upper}'),
    objective: objectiveSchema.describe('{rates: [{population, target_hz, weight}]} (fitness = -sum of weight * (rate - target_hz)^2; the rates are the model outputs) or {classify: {data, input, scores, batch, ...}} (docs/snn.md)'),
});

export const snnSchema = snnSchemaBase
  .superRefine((cfg, ctx) => {
    const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
    const pops = Object.keys(cfg.populations);
    const pop = (name: string, path: (string | number)[]) => {
      if (!pops.includes(name)) issue(path, name, `a population (one of ${pops.join(', ') || 'none'})`);
    };
    if (pops.length === 0) issue(['populations'], cfg.populations, 'at least one population');
    const names = new Set<string>();
    cfg.projections.forEach((p, i) => {
      pop(p.from, ['projections', i, 'from']);
      pop(p.to, ['projections', i, 'to']);
      const name = p.name ?? `${p.from}_${p.to}`;
      if (names.has(name)) issue(['projections', i, 'name'], name, 'a name no other projection has (give each a name)');
      names.add(name);
      if (p.delay_ms < cfg.dt * (1 - 1e-9)) issue(['projections', i, 'delay_ms'], p.delay_ms, `at least one step (dt = ${cfg.dt} ms)`);
      const a = cfg.populations[p.from];
      const b = cfg.populations[p.to];
      if (a && b && p.rule === 'one_to_one' && a.size !== b.size) issue(['projections', i, 'rule'], p.rule, `one_to_one between populations of the same size (${p.from} ${a.size}, ${p.to} ${b.size})`);
      if (a && b && typeof p.rule === 'object' && 'fixed_indegree' in p.rule && p.rule.fixed_indegree > a.size) issue(['projections', i, 'rule', 'fixed_indegree'], p.rule.fixed_indegree, `at most ${p.from}'s size (${a.size})`);
      if (a && b && typeof p.rule === 'object' && 'pairs' in p.rule) {
        p.rule.pairs.forEach(([pre, post], k) => {
          if (pre >= a.size || post >= b.size) issue(['projections', i, 'rule', 'pairs', k], [pre, post], `indices within ${p.from} (${a.size}) and ${p.to} (${b.size})`);
        });
      }
    });
    const inputs = new Set<string>();
    cfg.inputs.forEach((inp, i) => {
      pop(inp.to, ['inputs', i, 'to']);
      const name = inp.name ?? `${inp.type}_${inp.to}`;
      if (inputs.has(name)) issue(['inputs', i, 'name'], name, 'a name no other input has (give each a name)');
      inputs.add(name);
      if (inp.type === 'current' && inp.stop_ms !== undefined && inp.stop_ms <= inp.start_ms) issue(['inputs', i, 'stop_ms'], inp.stop_ms, `after start_ms (${inp.start_ms})`);
      if (cfg.backend !== 'native' && inp.type !== 'poisson') issue(['inputs', i, 'type'], inp.type, `a poisson input with backend ${cfg.backend} (its runs take Poisson inputs and constant currents, I_e, only)`);
    });
    const { rates, classify } = cfg.objective;
    if ((rates === undefined) === (classify === undefined)) issue(['objective'], Object.keys(cfg.objective), 'one of rates or classify');
    rates?.forEach((r, i) => pop(r.population, ['objective', 'rates', i, 'population']));
    if (classify) classifyProblems(cfg, classify, issue);
    const seen = new Set<string>();
    cfg.parameters.forEach((p, i) => {
      if (classify && p.path.startsWith('inputs.')) issue(['parameters', i, 'path'], p.path, 'no input rates with objective.classify: each trial\'s rates are its sample\'s (and the inputs\' own)');
      if (seen.has(p.path)) issue(['parameters', i, 'path'], p.path, 'a path no other parameter sets');
      seen.add(p.path);
      if (!(p.lower <= p.upper)) issue(['parameters', i, 'upper'], p.upper, `a number >= lower (${p.lower})`);
      const why = pathProblem(cfg, p.path, names, inputs);
      if (why) issue(['parameters', i, 'path'], p.path, why);
    });
  });

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

/** A classification must name a poisson input of one neuron per feature, and scores that can be read. */
function classifyProblems(cfg: z.output<typeof snnSchemaBase>, c: z.output<typeof classifyObjective>, issue: Issue): void {
  const at = (...k: string[]) => ['objective', 'classify', ...k];
  const info = DATASETS[c.data];
  const input = cfg.inputs.find((i) => (i.name ?? `${i.type}_${i.to}`) === c.input);
  if (!input || input.type !== 'poisson') {
    issue(at('input'), c.input, `a poisson input's name (${cfg.inputs.filter((i) => i.type === 'poisson').map((i) => i.name ?? `${i.type}_${i.to}`).join(', ') || 'none'})`);
  } else {
    const p = cfg.populations[input.to];
    if (p && p.size !== info.features) issue(at('input'), c.input, `an input into a population of ${info.features} neurons, one per feature of ${c.data} (${input.to} has ${p.size})`);
  }
  if (!(c.low_hz <= c.high_hz)) issue(at('high_hz'), c.high_hz, `a rate >= low_hz (${c.low_hz})`);
  if ('population' in c.scores) {
    const p = cfg.populations[c.scores.population];
    if (!p) issue(at('scores', 'population'), c.scores.population, `a population (${Object.keys(cfg.populations).join(', ')})`);
    else if (p.size % info.classes !== 0) issue(at('scores', 'population'), c.scores.population, `a population whose size is a multiple of the ${info.classes} classes of ${c.data} (${c.scores.population} has ${p.size})`);
  } else {
    c.scores.readout.forEach((name, i) => {
      if (!cfg.populations[name]) issue(at('scores', 'readout', String(i)), name, `a population (${Object.keys(cfg.populations).join(', ')})`);
    });
    if (!cfg.parameters.some((p) => p.path === 'readout.weights')) issue(['parameters'], cfg.parameters.map((p) => p.path), 'a parameter readout.weights: the readout\'s weights are what training sets');
  }
}

export type SnnConfig = z.output<typeof snnSchema>;
export type Projection = SnnConfig['projections'][number];
export type Input = SnnConfig['inputs'][number];

export function projectionName(p: Projection): string {
  return p.name ?? `${p.from}_${p.to}`;
}

export function inputName(i: Input): string {
  return i.name ?? `${i.type}_${i.to}`;
}

/** What is wrong with a parameter path (as "expected ..."), or null when it names something that can be set. */
function pathProblem(cfg: SnnConfig, path: string, projections: Set<string>, inputs: Set<string>): string | null {
  const parts = path.split('.');
  const kinds = 'projections.<name>.weight, projections.<name>.weights, inputs.<name>.rate_hz, populations.<name>.I_e or readout.weights';
  if (path === 'readout.weights') {
    const scores = cfg.objective.classify?.scores;
    return scores && 'readout' in scores ? null : 'readout.weights only with objective.classify.scores.readout';
  }
  if (parts.length !== 3) return `a path of the form ${kinds}`;
  const [kind, name, what] = parts;
  if (kind === 'projections') {
    if (!projections.has(name)) return `a projection's name (${[...projections].join(', ') || 'none'})`;
    if (what !== 'weight' && what !== 'weights') return `projections.${name}.weight or projections.${name}.weights`;
    return null;
  }
  if (kind === 'inputs') {
    if (!inputs.has(name)) return `an input's name (${[...inputs].join(', ') || 'none'})`;
    const input = cfg.inputs.find((i) => inputName(i) === name)!;
    if (input.type !== 'poisson' || what !== 'rate_hz') return `inputs.${name}.rate_hz of a poisson input`;
    return null;
  }
  if (kind === 'populations') {
    if (!(name in cfg.populations)) return `a population (${Object.keys(cfg.populations).join(', ')})`;
    if (what !== 'I_e') return `populations.${name}.I_e`;
    return null;
  }
  return `a path of the form ${kinds}`;
}

/** Array parameters have as many elements as their projection has synapses (known once the network is built). */
export const MAX_SNN_DIMS = MAX_DIMS;
