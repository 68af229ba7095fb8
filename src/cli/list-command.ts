/**
 * `list optimizers | optimizees`: every registered type with its hyper-parameters, defaults and a
 * one-line description, straight from the schemas the validator uses.
 */
import { listOptimizees } from '../optimizees/registry.js';
import { listOptimizers } from '../optimizers/registry.js';
import { EXIT, UsageError } from './exit-codes.js';
import { schemaRows } from './schema-table.js';

export const LIST_HELP = `usage: node dist/main.js list optimizers|optimizees [--markdown]

Prints every registered optimizer (or optimizee) with its keys: type, default, meaning.
--markdown prints the same as markdown tables (docs/optimizers.md is generated this way).
`;

interface Entry {
  type: string;
  description: string;
  reference?: string;
  schema: Parameters<typeof schemaRows>[0];
}

function text(e: Entry): string {
  const rows = schemaRows(e.schema);
  const w = [Math.max(4, ...rows.map((r) => r.key.length)), Math.max(4, ...rows.map((r) => r.type.length)), Math.max(7, ...rows.map((r) => r.default.length))];
  const lines = [`${e.type}: ${e.description}`];
  for (const r of rows) lines.push(`  ${r.key.padEnd(w[0])}  ${r.type.padEnd(w[1])}  ${r.default.padEnd(w[2])}  ${r.description}`);
  return lines.join('\n');
}

function markdown(e: Entry): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `### ${e.type}`, '', e.description, ...(e.reference ? ['', `Reference: ${e.reference}`] : []), '',
    '| key | type | default | meaning |', '|---|---|---|---|',
    ...schemaRows(e.schema).map((r) => `| \`${r.key}\` | ${esc(r.type)} | ${esc(r.default)} | ${esc(r.description)} |`),
  ].join('\n');
}

export function listCommand(args: string[]): number {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(LIST_HELP);
    return EXIT.ok;
  }
  const what = args.find((a) => !a.startsWith('-'));
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--markdown');
  if (unknown.length) throw new UsageError(`list: unknown option '${unknown[0]}' (see list --help)`);
  const entries: Entry[] | undefined =
    what === 'optimizers' ? [...listOptimizers()] : what === 'optimizees' ? [...listOptimizees()] : undefined;
  if (!entries) throw new UsageError(`list: got ${what === undefined ? 'nothing' : JSON.stringify(what)}, expected optimizers or optimizees`);
  const md = args.includes('--markdown');
  process.stdout.write(entries.map(md ? markdown : text).join('\n\n') + '\n');
  return EXIT.ok;
}
