/**
 * `list optimizers | optimizees`: every registered type with its hyper-parameters, defaults and a
 * one-line description, straight from the schemas the validator uses.
 */
import { listOptimizees } from '../optimizees/registry.js';
import { listOptimizers } from '../optimizers/registry.js';
import { EXIT, UsageError } from './exit-codes.js';
import { schemaRows } from './schema-table.js';

export const LIST_HELP = `usage: node dist/main.js list optimizers|optimizees [--markdown]

Prints every registered optimizer (or optimizee) with its keys: type, default, meaning, fitted to
the terminal's width (to $COLUMNS, else 100 columns, when the output is not a terminal).
--markdown prints the same as markdown tables (docs/optimizers.md is generated this way), unwrapped.
`;

interface Entry {
  type: string;
  description: string;
  reference?: string;
  schema: Parameters<typeof schemaRows>[0];
}

/** The width `list` fits: the terminal's when stdout is one, else $COLUMNS, else 100. */
function outputWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : 100;
}

/** The narrowest meaning column worth wrapping into; below it the meaning goes on lines of its own. */
const MIN_MEANING = 30;
/** Indent of the meaning (and of a wrapped key line) when it goes below its key. */
const BELOW = 6;

/**
 * `text` word-wrapped into lines of at most `room(i)` characters (i: the line's number); a word wider
 * than a whole line (a long JSON default) is broken after a comma where one fits, else anywhere.
 */
function wrap(text: string, room: (line: number) => number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (let word of text.split(' ').filter((w) => w !== '')) {
    while (word !== '') {
      const max = Math.max(1, room(lines.length));
      if ((cur === '' ? 0 : cur.length + 1) + word.length <= max) {
        cur = cur === '' ? word : `${cur} ${word}`;
        word = '';
      } else if (cur !== '') {
        lines.push(cur);
        cur = '';
      } else {
        const comma = word.lastIndexOf(',', max - 1);
        const cut = comma > 0 ? comma + 1 : max;
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
      }
    }
  }
  if (cur !== '' || lines.length === 0) lines.push(cur);
  return lines;
}

/** `text` wrapped to `width`, its first line after `first` (a prefix), the others indented by `indent`. */
function block(first: string, text: string, indent: number, width: number): string[] {
  const lines = wrap(text, (i) => width - (i === 0 ? first.length : indent));
  return lines.map((l, i) => (i === 0 ? `${first}${l}` : `${' '.repeat(indent)}${l}`).trimEnd());
}

/**
 * An entry as a table fitted to `width`: key, type and default columns as wide as they need, the
 * meaning wrapped in its column; where that column would be too narrow to read (long types such as
 * the preset names, long defaults), each meaning goes below its key instead.
 */
function text(e: Entry, width: number): string {
  const rows = schemaRows(e.schema);
  const w = [Math.max(4, ...rows.map((r) => r.key.length)), Math.max(4, ...rows.map((r) => r.type.length)), Math.max(7, ...rows.map((r) => r.default.length))];
  const head = `${e.type}: `;
  const lines = block(head, e.description, width - head.length >= MIN_MEANING ? head.length : 4, width);
  const meaningAt = 2 + w[0] + 2 + w[1] + 2 + w[2] + 2;
  for (const r of rows) {
    if (width - meaningAt >= MIN_MEANING) {
      lines.push(...block(`  ${r.key.padEnd(w[0])}  ${r.type.padEnd(w[1])}  ${r.default.padEnd(w[2])}  `, r.description, meaningAt, width));
    } else {
      const keyAt = `  ${r.key.padEnd(w[0])}  `;
      const aligned = `${keyAt}${r.type.padEnd(w[1])}  ${r.default}`;
      const plain = `${keyAt}${r.type}  ${r.default}`;
      if (aligned.length <= width) lines.push(aligned);
      else if (plain.length <= width) lines.push(plain);
      else lines.push(...block(keyAt, r.type, BELOW, width), ...block(`${' '.repeat(BELOW)}default `, r.default, BELOW, width));
      if (r.description) lines.push(...block(' '.repeat(BELOW), r.description, BELOW, width));
    }
  }
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
  const width = outputWidth();
  process.stdout.write(entries.map((e) => (md ? markdown(e) : text(e, width))).join('\n\n') + '\n');
  return EXIT.ok;
}
