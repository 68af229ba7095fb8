/**
 * The python optimizee: a Python module's function evaluates each individual, in a child process of
 * the worker rank (python/l2l_child.py), so a crash, an abort or a hang costs that evaluation only.
 * It needs evaluation.isolation: process (embedding CPython in the worker is a later step).
 *
 * The parameter space is declared in the experiment file (`parameters`), so rank 0 never needs Python.
 * The default weights are [-1]: the function's value is minimised (like the benchmark functions); give
 * optimizee.weights for a maximised or a multi-objective fitness.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EvalOutput, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { MAX_DIMS } from '../../core/limits.js';
import type { ExternalChild, ExternalOptimizeeFactory } from './external.js';

export { isExternal, type ExternalChild, type ExternalOptimizeeFactory } from './external.js';

/** The Python side of the protocol; from dist/optimizees/python (or src/) it is ../../../python. */
export const PYTHON_CHILD = fileURLToPath(new URL('../../../python/l2l_child.py', import.meta.url));

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const parameterSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a name of letters, digits, "_", "." or "-", starting with a letter or "_"').describe('the key of params in the Python function'),
  lower: z.number().refine(Number.isFinite, 'a finite number').describe('lower bound'),
  upper: z.number().refine(Number.isFinite, 'a finite number').describe('upper bound'),
  length: z.number().int().min(1).max(MAX_DIMS).optional().describe('for an array parameter: its number of elements'),
});

export const pythonSchema = z
  .strictObject({
    module: z.string().min(1).describe('the Python module: a path to a .py file (relative to the working directory of the run) or an importable module name'),
    function: z.string().regex(IDENTIFIER, 'a Python identifier').default('evaluate').describe('the function called per individual: f(params, context) -> fitness | [fitness, ...] | {"fitness": [...], "outputs": [...]}'),
    args: z.record(z.string(), z.unknown()).default({}).describe("passed once per process to the module's optional setup(args)"),
    parameters: z.array(parameterSchema).min(1).describe('the parameter space: a list of {name, lower, upper, length?} (length for an array parameter)'),
    python: z.string().min(1).default('/usr/bin/python3').describe('the Python interpreter (needs the msgpack package; numpy is used when present)'),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.parameters.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], input: p.name, message: 'a name not used by another parameter' });
      seen.add(p.name);
      if (!(p.lower <= p.upper)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'upper'], input: p.upper, message: `a number >= lower (${p.lower})` });
    });
  });

export type PythonConfig = z.output<typeof pythonSchema>;

const NEEDS_PROCESS = 'the python optimizee runs in a child process of each worker: set evaluation.isolation: process';

/** What rank 0 and the validation see: the space and the weights. It never runs Python. */
export class PythonOptimizee implements Optimizee {
  readonly space: Space;
  readonly weights: readonly number[] = [-1];
  /** Evaluations happen in the child process only. */
  readonly isolation = 'process' as const;

  constructor(cfg: PythonConfig) {
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.name, length: p.length ?? null, lower: p.lower, upper: p.upper })));
  }

  evaluate(): EvalOutput {
    throw new Error(NEEDS_PROCESS);
  }
}

export const pythonOptimizee: OptimizeeFactory<typeof pythonSchema> & Pick<ExternalOptimizeeFactory, 'external'> = {
  type: 'python',
  description: 'A Python function of named parameters, in a child process of each worker (needs evaluation.isolation: process)',
  schema: pythonSchema,
  create: (cfg) => new PythonOptimizee(cfg),
  external(config): ExternalChild {
    const cfg = config as PythonConfig & { weights?: number[] };
    const space = new PythonOptimizee(cfg).space;
    return {
      command: cfg.python,
      args: [PYTHON_CHILD],
      init: {
        module: cfg.module,
        function: cfg.function,
        args: cfg.args,
        // in the order x is flattened (sorted by name)
        parameters: space.params.map((p) => ({ name: p.name, length: p.length })),
      },
      nObj: (cfg.weights ?? [-1]).length,
      label: `python module '${cfg.module}'`,
    };
  },
};
