/**
 * The `cell` optimizee in the experiment file: one neuron cell (its morphology, regions, channel
 * mechanisms and passive properties), the stimulus protocols it is fitted on, what an individual sets
 * (with bounds, log-scaled where densities span decades), the target traces and the fitness. The
 * description is the back ends' one: NEURON (embedded Python) and Arbor (native/arbor) simulate the
 * same cell. Names that need the morphology or a back end's catalogue (a region, a section, a
 * mechanism) are checked when the model is built (model.ts), still before any rank simulates.
 *
 * Units are NEURON's: um, ms, mV, nA, uF/cm2, ohm cm, S/cm2, degrees C.
 */
import { z } from 'zod';
import { MAX_DIMS } from '../../core/limits.js';
import { FEATURE_NAMES } from './features.js';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const positive = z.number().positive();

const sectionSchema = z.strictObject({
  name: z.string().min(1).regex(/^[A-Za-z_][\w[\]]*$/, 'a name of letters, digits, _ and []'),
  region: z.string().min(1).optional().describe('the region it belongs to (default: its name)'),
  parent: z.string().optional().describe('the section it attaches to, at its end (the root: the end nearer to it); absent for the root, which comes first'),
  length: positive.describe('um'),
  diameter: z.union([positive, z.tuple([positive, positive])]).describe('um: one value, or [at its start, at its end] (a frustum)'),
  nseg: z.number().int().min(1).optional().describe('compartments (default: from morphology.max_segment_um)'),
  direction: z.tuple([finite, finite, finite]).optional().describe('where it points from its parent (default: along +x)'),
});

const morphologySchema = z.union([
  z.strictObject({
    swc: z.string().min(1).describe("an SWC file: sections split at branch points and type changes; regions named by SWC type: soma (1), axon (2), dend (3), apic (4), type<k> otherwise; sections named <region>[k] in file order, as NEURON's Import3d names them"),
    max_segment_um: positive.default(20).describe('each section gets the odd number of compartments that keeps them at most this long'),
  }),
  z.strictObject({
    sections: z.array(sectionSchema).min(1).describe('a soma and cylinders: the first is the root'),
    max_segment_um: positive.default(20).describe('each section without nseg gets the odd number of compartments that keeps them at most this long'),
  }),
]);

const mechanismParams = z.record(z.string(), finite);

const stimulusSchema = z.strictObject({
  at: z.string().default('soma').describe('a section (a built-in name, or an SWC section such as soma[0]; a region names its first section)'),
  x: z.number().min(0).max(1).default(0.5),
  delay: z.number().min(0).describe('ms'),
  duration: positive.describe('ms'),
  amplitude: finite.describe('nA'),
});

const protocolSchema = z.strictObject({
  name: z.string().min(1).regex(/^[\w-]+$/, 'a name of letters, digits, _ and -'),
  tstop: positive.describe('ms simulated'),
  stimuli: z.array(stimulusSchema).min(1).max(8).describe('current steps; the first is the one features refer to'),
  record: z.strictObject({ at: z.string().default('soma'), x: z.number().min(0).max(1).default(0.5) }).default({ at: 'soma', x: 0.5 }),
});

const parameterSchema = z.strictObject({
  path: z.string().describe('<region>.<mechanism>.<parameter> (soma.hh.gnabar), or <region>.cm / <region>.ra'),
  lower: finite,
  upper: finite,
  log: z.boolean().default(false).describe('search log10 of the value (densities that span decades): the coordinate is named log10(<path>)'),
});

const featureTarget = z.strictObject({ mean: finite, std: positive });

export const cellSchema = z.strictObject({
  backend: z.enum(['neuron', 'arbor']).default('neuron').describe("neuron: Debian's NEURON through the embedded Python (python/l2l_cell.py); arbor: Arbor's C++ API (native/arbor), where the build found Arbor"),
  morphology: morphologySchema,
  cm: positive.default(1).describe('membrane capacitance, uF/cm2, every region unless membrane: says otherwise'),
  ra: positive.default(100).describe('axial resistivity, ohm cm'),
  membrane: z.record(z.string(), z.strictObject({ cm: positive.optional(), ra: positive.optional() })).default({}).describe('per region: cm and ra that differ from the cell\'s'),
  temperature: finite.default(6.3).describe('degrees C'),
  v_init: finite.default(-65).describe('mV, everywhere at t = 0'),
  ena: finite.default(50).describe('sodium reversal potential, mV'),
  ek: finite.default(-77).describe('potassium reversal potential, mV'),
  mechanisms: z.record(z.string(), z.record(z.string(), mechanismParams)).describe('region -> mechanism -> parameter values (hh: gnabar, gkbar, gl, el; pas: g, e); a parameter not given keeps the mechanism\'s default'),
  dt: positive.default(0.025).describe('ms, the fixed time step'),
  sample_ms: positive.default(0.1).describe('the voltage is sampled every this many ms (a whole number of steps): the traces fitted and drawn'),
  protocols: z.array(protocolSchema).min(1).max(16),
  parameters: z.array(parameterSchema).min(1).max(MAX_DIMS),
  target: z.union([
    z.strictObject({ generate: z.record(z.string(), finite).describe('parameter path -> value; the rest as described') }),
    z.strictObject({ traces: z.record(z.string(), z.string().min(1)).describe('protocol name -> a CSV file of time (ms), voltage (mV) rows (a header line allowed), covering 0..tstop') }),
  ]).describe('{generate: {path: value}} (the traces of this cell with those values) or {traces: {protocol: file.csv}}'),
  fitness: z.enum(['mse', 'features']).default('mse').describe('mse: one objective per protocol, the mean squared difference of the voltage from the target (mV^2, lower is better); features: one per protocol and feature, its distance from the target in standard deviations'),
  features: z.array(z.enum(FEATURE_NAMES)).min(1).default([...FEATURE_NAMES]).describe('with fitness: features'),
  feature_std: z.strictObject({
    relative: positive.default(0.05).describe("a target feature's standard deviation: this fraction of its value ..."),
    floor: z.record(z.string(), positive).default({}).describe('... but at least this (per feature; defaults in docs/cell.md)'),
  }).default({ relative: 0.05, floor: {} }),
  feature_targets: z.record(z.string(), z.record(z.string(), featureTarget)).default({}).describe('protocol -> feature -> {mean, std}: measured values that replace the target traces\' own'),
  feature_penalty: positive.default(250).describe('the distance given when a feature is missing from one trace and not the other (no spike, say); the record says which'),
  threshold_mv: finite.default(-20).describe('a spike is an upward crossing of this voltage'),
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  const every = c.sample_ms / c.dt;
  if (Math.abs(every - Math.round(every)) > 1e-9) issue(['sample_ms'], c.sample_ms, `a whole number of steps of ${c.dt} ms`);
  const names = c.protocols.map((p) => p.name);
  names.forEach((n, k) => {
    if (names.indexOf(n) !== k) issue(['protocols', k, 'name'], n, 'a name no other protocol has');
  });
  c.parameters.forEach((p, k) => {
    if (!(p.lower < p.upper)) issue(['parameters', k, 'upper'], p.upper, `above lower (${p.lower})`);
    if (p.log && !(p.lower > 0)) issue(['parameters', k, 'lower'], p.lower, 'above 0 (log: true searches log10 of the value)');
  });
  if ('traces' in c.target) {
    for (const key of Object.keys(c.target.traces)) if (!names.includes(key)) issue(['target', 'traces', key], key, `a protocol (one of ${names.join(', ')})`);
    for (const n of names) if (!(n in c.target.traces)) issue(['target', 'traces'], Object.keys(c.target.traces), `a trace for every protocol (${n} has none)`);
  }
  for (const [proto, fs] of Object.entries(c.feature_targets)) {
    if (!names.includes(proto)) issue(['feature_targets', proto], proto, `a protocol (one of ${names.join(', ')})`);
    for (const f of Object.keys(fs)) if (!(FEATURE_NAMES as readonly string[]).includes(f)) issue(['feature_targets', proto, f], f, `a feature (one of ${FEATURE_NAMES.join(', ')})`);
  }
  for (const f of Object.keys(c.feature_std.floor)) if (!(FEATURE_NAMES as readonly string[]).includes(f)) issue(['feature_std', 'floor', f], f, `a feature (one of ${FEATURE_NAMES.join(', ')})`);
});

export type CellConfig = z.output<typeof cellSchema>;
