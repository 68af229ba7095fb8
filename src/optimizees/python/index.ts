/**
 * The python optimizee: a Python module evaluates each individual, through python/l2l_bridge.py, either
 * in the worker rank's embedded CPython (evaluation.isolation: in-process, the default: native call
 * speed, the simulator stays warm) or in a child process of the worker (isolation: process,
 * python/l2l_child.py: a crash, an abort or a hang costs that evaluation only). docs/python.md.
 *
 * Two shapes: a function evaluate(params, context), or a class in the reference framework's shape
 * (create_individual / bounding_func / simulate(traj)), named by `class`.
 *
 * The parameter space is declared in the experiment file (`parameters`), or by the module (PARAMETERS
 * or parameters(args)), which rank 0 then asks once, through a python3 process, while it validates:
 * the resolved experiment records the answer, so every rank and a resume see the same space.
 * The default weights are [-1]: the function's value is minimised (like the benchmark functions); give
 * optimizee.weights for a maximised or a multi-objective fitness.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Execution, Optimizee, OptimizeeFactory, SpaceQuery } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { MAX_DIMS } from '../../core/limits.js';

/** The Python side of the protocol; from dist/optimizees/python (or src/) it is ../../../python. */
export const PYTHON_CHILD = fileURLToPath(new URL('../../../python/l2l_child.py', import.meta.url));
export const PYTHON_BRIDGE = fileURLToPath(new URL('../../../python/l2l_bridge.py', import.meta.url));

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
    function: z.string().regex(IDENTIFIER, 'a Python identifier').optional().describe('the function called per individual (default evaluate): f(params, context) -> fitness | [fitness, ...] | {"fitness": [...], "outputs": [...]}'),
    class: z.string().regex(IDENTIFIER, 'a Python identifier').optional().describe("instead of a function: a class in the reference framework's shape, built once per process as Class(traj, **args), with create_individual(), bounding_func(individual) and simulate(traj)"),
    args: z.record(z.string(), z.unknown()).default({}).describe("passed once per process: to the module's optional setup(args), or as the class's keyword arguments"),
    parameters: z.array(parameterSchema).min(1).optional().describe('the parameter space: a list of {name, lower, upper, length?} (length for an array parameter); when left out, the module declares it (PARAMETERS or parameters(args), on the class or the module)'),
    preimport: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'a module name')).optional().describe('modules the worker ranks import before MPI starts (embedded Python); default: neuron when the module imports it, since NEURON imported after MPI_Init joins MPI with a collective call that hangs the job'),
    python: z.string().min(1).default('/usr/bin/python3').describe('the Python interpreter of the child process (isolation: process; needs the msgpack package) and of the question for the parameter space; the embedded interpreter is the one the addon was built with'),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.function !== undefined && cfg.class !== undefined) ctx.addIssue({ code: 'custom', path: ['class'], input: cfg.class, message: 'either function or class, not both' });
    const seen = new Set<string>();
    (cfg.parameters ?? []).forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], input: p.name, message: 'a name not used by another parameter' });
      seen.add(p.name);
      if (!(p.lower <= p.upper)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'upper'], input: p.upper, message: `a number >= lower (${p.lower})` });
    });
  });

export type PythonConfig = z.output<typeof pythonSchema>;

/** The model as this process sees it: the space and the weights. Python evaluates it (execution: python). */
export class PythonOptimizee implements Optimizee {
  readonly space: Space;
  readonly weights: readonly number[] = [-1];
  constructor(cfg: PythonConfig) {
    if (!cfg.parameters) throw new Error(`python module '${cfg.module}': no parameter space (optimizee.parameters)`);
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.name, length: p.length ?? null, lower: p.lower, upper: p.upper })));
  }
}

/** The bridge's load() config: where the module is, what to call, and the space in x's order. */
function bridgeConfig(cfg: PythonConfig): Record<string, unknown> {
  return {
    module: cfg.module,
    ...(cfg.class ? { class: cfg.class } : { function: cfg.function ?? 'evaluate' }),
    args: cfg.args,
    // in the order x is flattened (sorted by name); a configuration not resolved yet may lack them (the
    // module declares them, asked at validation), and is then only read for its preimport
    parameters: cfg.parameters ? new PythonOptimizee(cfg).space.params.map((p) => ({ name: p.name, length: p.length })) : null,
  };
}

function label(cfg: PythonConfig): string {
  return `python module '${cfg.module}'${cfg.class ? `, class ${cfg.class}` : ''}`;
}

export const pythonOptimizee: OptimizeeFactory<typeof pythonSchema> = {
  type: 'python',
  description: 'A Python function or reference-style class of named parameters, in the worker\'s embedded Python (or a child process with evaluation.isolation: process)',
  schema: pythonSchema,
  create: (cfg) => new PythonOptimizee(cfg),
  execution(cfg): Execution {
    const init = bridgeConfig(cfg);
    return {
      kind: 'python',
      python: { load: init, preimport: { module: cfg.module, ...(cfg.preimport ? { preimport: cfg.preimport } : {}) }, label: label(cfg) },
      child: { command: cfg.python, args: [PYTHON_CHILD], init, label: label(cfg) },
    };
  },
  spaceQuery(cfg): SpaceQuery | null {
    if (cfg.parameters) return null;
    const ask = { module: cfg.module, ...(cfg.class ? { class: cfg.class } : {}), args: cfg.args };
    return { command: cfg.python, args: [PYTHON_BRIDGE, 'describe'], input: JSON.stringify(ask), label: label(cfg) };
  },
};
