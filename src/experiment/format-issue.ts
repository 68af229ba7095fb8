/**
 * Turns a zod issue into one line: "<key>: got <value>, expected <what>".
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export function formatValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Levenshtein distance, for did-you-mean hints on keys and names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

export function didYouMean(word: string, choices: readonly string[]): string {
  const lw = word.toLowerCase();
  let best = '';
  let bestD = Infinity;
  for (const c of choices) {
    const dd = distance(lw, c.toLowerCase());
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/** The keys an object schema accepts at a path, when the schema is a (wrapped) object or a union of objects. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  type Def = { innerType?: unknown; in?: unknown; out?: unknown; schema?: unknown; options?: unknown[] };
  const defOf = (x: unknown) => (x as { _zod?: { def?: Def } })._zod?.def;
  const shapes = (x: unknown, depth = 0): Array<Record<string, z.ZodType>> => {
    if (!x || depth > 8) return [];
    const shape = (x as { shape?: Record<string, z.ZodType> }).shape;
    if (shape) return [shape];
    const def = defOf(x);
    if (def?.options) return def.options.flatMap((o) => shapes(o, depth + 1));
    // wrappers: default/optional (innerType), pipes such as preprocess (out, else in)
    for (const inner of [def?.innerType, def?.out, def?.in, def?.schema]) {
      const found = shapes(inner, depth + 1);
      if (found.length) return found;
    }
    return [];
  };
  let current: unknown[] = [schema];
  for (const key of path) current = current.flatMap((c) => shapes(c).map((sh) => sh[String(key)]).filter(Boolean));
  const keys = new Set(current.flatMap((c) => shapes(c).flatMap((sh) => Object.keys(sh))));
  return keys.size ? [...keys] : null;
}

function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small': {
      const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
      const op = issue.inclusive ? '>=' : '>';
      return what ? `at least ${String(issue.minimum)} ${what}` : `a number ${op} ${String(issue.minimum)}`;
    }
    case 'too_big': {
      const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
      const op = issue.inclusive ? '<=' : '<';
      return what ? `at most ${String(issue.maximum)} ${what}` : `a number ${op} ${String(issue.maximum)}`;
    }
    case 'invalid_value':
      return `one of ${issue.values.map((v) => formatValue(v)).join(', ')}`;
    case 'invalid_format':
      return issue.message;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

export function formatIssue(issue: Issue, schema: z.ZodType, prefix: string): string {
  const join = (p: readonly PropertyKey[]) => [prefix, ...p.map(String)].filter((s) => s !== '').join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const valid = keysAt(schema, issue.path) ?? [];
    const key = issue.keys[0];
    const where = join([...issue.path, key]);
    const list = valid.length ? `; expected one of ${valid.join(', ')}` : '';
    return `${where}: unknown key${didYouMean(key, valid)}${list}`;
  }
  const where = join(issue.path);
  if (issue.code === 'custom' || (issue.code === 'invalid_format' && issue.format === 'regex')) {
    return `${where}: got ${formatValue(issue.input)}, expected ${issue.message}`;
  }
  if (issue.code === 'invalid_union') return `${where}: got ${formatValue(issue.input)}, ${issue.message}`;
  return `${where}: got ${formatValue(issue.input)}, expected ${expectation(issue)}`;
}
