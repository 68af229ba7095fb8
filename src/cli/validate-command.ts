/**
 * `validate EXPERIMENT.yaml`: every check a run makes before it starts (syntax, keys, types, ranges,
 * the optimizer and model built once), and nothing else. One line on success, one per problem on failure.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from './exit-codes.js';
import { ConfigError, loadExperiment } from './load-config.js';
import { budgetText, preview } from './preview.js';

export const VALIDATE_HELP = `usage: node dist/main.js validate EXPERIMENT.yaml [--seed N]

Checks the experiment file as a run would (syntax, unknown keys, types, ranges, the optimizer and the
model built once) without running anything. Exit code 0 when valid, 2 with one line naming each
problem otherwise. 'run --dry-run' also prints the resolved configuration and the first individuals.
`;

export function validateCommand(args: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (err) {
    throw new UsageError(`validate: ${(err as Error).message.split('\n')[0]} (see validate --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(VALIDATE_HELP);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`validate: expected one experiment file, got ${parsed.positionals.length} (see validate --help)`);
  const seed = parsed.values.seed === undefined ? undefined : Number(parsed.values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new UsageError(`validate: --seed: got ${JSON.stringify(parsed.values.seed)}, expected an integer in [0, 2^32)`);
  }
  try {
    const exp = loadExperiment(parsed.positionals[0], seed);
    const p = preview(exp);
    process.stdout.write(`ok: ${parsed.positionals[0]}: ${exp.name}: ${exp.optimizer.type} (${p.mode}) on ${exp.optimizee.type}, ` +
      `${p.dim} parameters (${p.parameters.join(', ')}), budget ${budgetText(exp)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { cause: err.cause });
    throw err;
  }
}
