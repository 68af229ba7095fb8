/**
 * The process optimizee: any program, run once per individual, the way users drive NetLogo headless or
 * a legacy binary. The parameters go in as JSON or CSV (a file, or the program's stdin) or through a
 * template (a BehaviorSpace setup file, say); the fitness comes back as JSON or CSV (its stdout, or a
 * file; a CSV column by name, as NetLogo's --table writes it). The program runs in a child process of
 * the worker (execution kind `process`: python/l2l_command.py speaks the worker's frames and runs the
 * command), so evaluation.timeout_seconds kills it and a crash costs one evaluation; a non-zero exit, a
 * signal or output that cannot be read fails that evaluation with one line that says which, its
 * folder kept. docs/process.md.
 */
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Execution, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { MAX_DIMS } from '../../core/limits.js';

/** The command runner; from dist/optimizees/process (or src/) it is ../../../python. */
const RUNNER = fileURLToPath(new URL('../../../python/l2l_command.py', import.meta.url));

const finite = z.number().refine(Number.isFinite, 'a finite number');

export const processSchema = z.strictObject({
  command: z.array(z.string().min(1)).min(1).describe('the program and its arguments; {input}, {output}, {dir} (the evaluation\'s folder, its working directory), {seed}, {generation}, {index} and {<parameter>} are replaced per evaluation'),
  input: z.strictObject({
    format: z.enum(['json', 'csv', 'template']).default('json').describe('json: {"parameters": {name: value}, "generation", "index", "seed"}; csv: a header of the names and one row of values; template: the template file with {name} replaced by each value'),
    to: z.enum(['stdin', 'file']).default('stdin').describe('the program\'s stdin, or the file {input} names'),
    template: z.string().min(1).optional().describe('with format: template, the file'),
  }).default({ format: 'json', to: 'stdin' }),
  output: z.strictObject({
    format: z.enum(['json', 'csv']).default('json').describe('json: a number, a list of numbers, or {"fitness": ...}; csv: the last row (its first values, or the named column)'),
    from: z.enum(['stdout', 'file']).default('stdout').describe('the program\'s stdout, or the file {output} names'),
    file: z.string().min(1).optional().describe('the output file\'s name in the evaluation\'s folder (default output.json or output.csv)'),
    column: z.string().min(1).optional().describe('csv: the column whose last value is the fitness (the last header row naming it counts, as BehaviorSpace tables have several header lines)'),
  }).default({ format: 'json', from: 'stdout' }),
  objectives: z.array(z.string().min(1)).min(1).default(['fitness']).describe('a name per fitness value the program returns'),
  maximize: z.boolean().default(true).describe('the default weights: +1 per objective (maximise), or -1 (minimise); optimizee.weights overrides'),
  env: z.record(z.string(), z.string()).default({}).describe('variables added to the program\'s environment'),
  workdir: z.string().min(1).optional().describe('where each evaluation gets its folder (default: the system\'s temporary folder, l2l-process)'),
  keep: z.boolean().default(false).describe('keep every evaluation\'s folder (a failed one is always kept)'),
  python: z.string().min(1).default('/usr/bin/python3').describe('the Python that runs the command runner (python/l2l_command.py; needs the msgpack package)'),
  parameters: z.array(z.strictObject({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a name of letters, digits, "_", "." or "-", starting with a letter or "_"'),
    lower: finite,
    upper: finite,
  })).min(1).max(MAX_DIMS),
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  if (c.input.format === 'template' && !c.input.template) issue(['input', 'template'], undefined, 'a template file with input.format: template');
  if (c.output.column !== undefined && c.output.format !== 'csv') issue(['output', 'column'], c.output.column, 'no column with output.format: json');
  if (c.output.column !== undefined && c.objectives.length !== 1) issue(['objectives'], c.objectives, 'one objective with output.column');
  const seen = new Set<string>();
  c.parameters.forEach((p, k) => {
    if (seen.has(p.name)) issue(['parameters', k, 'name'], p.name, 'a name no other parameter has');
    seen.add(p.name);
    if (!(p.lower < p.upper)) issue(['parameters', k, 'upper'], p.upper, `above lower (${p.lower})`);
  });
});

export type ProcessConfig = z.output<typeof processSchema>;

class ProcessOptimizee implements Optimizee {
  readonly space: Space;
  readonly weights: readonly number[];
  readonly objectives: readonly string[];
  constructor(cfg: ProcessConfig) {
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.name, length: null, lower: p.lower, upper: p.upper })));
    this.weights = cfg.objectives.map(() => (cfg.maximize ? 1 : -1));
    this.objectives = cfg.objectives;
  }
}

export const processOptimizee: OptimizeeFactory<typeof processSchema> = {
  type: 'process',
  description: 'Any program run once per individual (NetLogo headless, a legacy binary): parameters in as JSON, CSV or a template, fitness out as JSON or CSV; in a child process of the worker (needs evaluation.isolation: process), with timeouts and failures kept per evaluation',
  schema: processSchema,
  create: (cfg) => new ProcessOptimizee(cfg),
  execution: (cfg): Execution => ({
    kind: 'process',
    child: {
      command: cfg.python,
      args: [RUNNER],
      init: {
        argv: cfg.command,
        input: { ...cfg.input, ...(cfg.input.template ? { template: resolve(cfg.input.template) } : {}) },
        output: cfg.output,
        parameters: new Space(cfg.parameters.map((p) => ({ name: p.name, length: null, lower: p.lower, upper: p.upper }))).params.map((p) => p.name),
        objectives: cfg.objectives.length,
        env: cfg.env,
        workdir: resolve(cfg.workdir ?? `${tmpdir()}/l2l-process`),
        keep: cfg.keep,
      },
      label: `command '${cfg.command[0]}'`,
    },
  }),
};
