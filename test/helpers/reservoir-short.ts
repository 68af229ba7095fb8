/**
 * What the snn end-to-end tests share (test/e2e/snn.test.ts, snn-loops.test.ts): a short reservoir
 * experiment (digits, an EnKF training the readout) and a run's rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';

/** A short reservoir experiment; `over` is appended inside objective.classify. */
export const reservoir = (over = '') => `name: reservoir-short
seed: 2
optimizer: {type: enkf, pop_size: 24, n_batches: 2, worst_n: 0}
optimizee:
  type: snn
  model: iaf_psc_alpha
  duration_ms: 50
  populations:
    pixels: {size: 64, params: {t_ref: 1}}
    exc: {size: 40, v0: {uniform: [-70, -55]}}
    inh: {size: 10}
  projections:
    - {name: pe, from: pixels, to: exc, rule: {fixed_indegree: 8}, weight: 600}
    - {name: ee, from: exc, to: exc, rule: {fixed_indegree: 8, autapses: false}, weight: 30, delay_ms: 1.5}
    - {name: ei, from: exc, to: inh, rule: {fixed_indegree: 8}, weight: 30}
    - {name: ie, from: inh, to: exc, rule: {fixed_indegree: 4}, weight: -300}
  inputs:
    - {name: image, type: poisson, to: pixels, rate_hz: 0, weight: 1500}
  parameters:
    - {path: readout.weights, lower: -0.5, upper: 0.5}
  objective:
    classify: {input: image, scores: {readout: [exc, inh]}, batch: 8${over}}
dispatch: {batch: 12}
stop: {generations: 3}
`;

/** A run's rows, one per individual, from its generations.msgpack. */
export const rows = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).flatMap((g) => Array.from(g.index, (index, i) => ({
  generation: g.generation, index, x: Array.from(g.x.subarray(i * g.dim, (i + 1) * g.dim)), fitness: g.fitness[i], status: g.status[i], outputs: g.outputs?.[i] ? Array.from(g.outputs[i]!) : [],
})));
