/**
 * What an experiment would do, without running it: the resolved configuration (every default filled
 * in) and the first individuals the optimizer would ask for, by name. Used by `validate` and
 * `run --dry-run`.
 */
import type { ResolvedExperiment } from '../experiment/config.js';
import { getOptimizee } from '../optimizees/registry.js';
import { getOptimizer } from '../optimizers/registry.js';
import type { Individual } from '../core/space.js';

export interface Preview {
  dim: number;
  parameters: string[];
  mode: 'generational' | 'steady-state';
  first: Array<{ index: number; individual: Individual }>;
  firstSize: number;
}

/** How many individuals a steady-state core is asked for in a preview. */
const STEADY_PREVIEW = 8;

export function preview(exp: ResolvedExperiment): Preview {
  const model = getOptimizee(exp.optimizee.type).create(exp.optimizee);
  const weights = exp.optimizee.weights ?? [...model.weights];
  const core = getOptimizer(exp.optimizer.type).create(exp.optimizer, { space: model.space, weights, seed: exp.seed });
  const gen = core.mode === 'steady-state' ? core.ask(STEADY_PREVIEW) : core.ask();
  const dim = model.space.dim;
  return {
    dim,
    parameters: model.space.params.map((p) => (p.length === null ? p.name : `${p.name}[${p.length}]`)),
    mode: core.mode,
    firstSize: gen.index.length,
    first: Array.from(gen.index, (index, k) => ({ index, individual: model.space.toIndividual(gen.x.subarray(k * dim, (k + 1) * dim)) })),
  };
}

export function budgetText(exp: ResolvedExperiment): string {
  const s = exp.stop;
  const parts = [
    s.generations !== undefined ? `${s.generations} generations` : '',
    s.evaluations !== undefined ? `${s.evaluations} evaluations` : '',
    s.seconds !== undefined ? `${s.seconds} s` : '',
    s.target !== undefined ? `target ${s.target}` : '',
  ].filter(Boolean);
  return parts.length > 1 ? `${parts.join(', ')} (whichever comes first)` : parts[0];
}
