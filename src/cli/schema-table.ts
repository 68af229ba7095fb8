/**
 * A factory's zod schema as rows of (key, type, default, description), through zod's JSON Schema
 * export, so `list` and the generated docs always say what the validator enforces.
 */
import { z } from 'zod';

export interface KeyRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  /** A default computed from other keys (src/optimizers/shared/derived-default.ts), as its rule in words. */
  derivedDefault?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

const BIG = 2 ** 52;

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' | ');
  let t = Array.isArray(s.type) ? s.type.join(' | ') : s.type ?? 'any';
  if (t === 'array' && s.items) t = `${typeOf(s.items)}[]`;
  if (t === 'object' && s.properties?.type?.const !== undefined) t = `{type: ${JSON.stringify(s.properties.type.const)}, ...}`;
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  const bounds: string[] = [];
  if (lo !== undefined && lo > -BIG) bounds.push(`${s.exclusiveMinimum !== undefined ? '>' : '>='} ${lo}`);
  if (hi !== undefined && hi < BIG) bounds.push(`${s.exclusiveMaximum !== undefined ? '<' : '<='} ${hi}`);
  return bounds.length ? `${t} ${bounds.join(', ')}` : t;
}

function rowsOf(json: JsonSchema): KeyRow[] {
  const props = json.properties ?? {};
  const required = new Set(json.required ?? []);
  return Object.entries(props).map(([key, s]) => ({
    key,
    type: typeOf(s),
    default: s.default !== undefined ? JSON.stringify(s.default) : s.derivedDefault ?? (required.has(key) ? '(required)' : '(optional)'),
    description: s.description ?? (s.anyOf ?? s.oneOf ?? []).map((a) => a.description).find(Boolean) ?? '',
  }));
}

/** The discriminator of a union alternative: its key whose schema is a constant (e.g. variant: 'adam'). */
function tagOf(alt: JsonSchema): [string, string] | null {
  for (const [k, s] of Object.entries(alt.properties ?? {})) if (s.const !== undefined) return [k, String(s.const)];
  return null;
}

/**
 * A union of objects (a discriminated union, e.g. per-variant hyper-parameters) as one table: each key
 * once, its default per alternative where they differ, and which alternatives accept it.
 */
function unionRows(alts: JsonSchema[]): KeyRow[] {
  const tags = alts.map(tagOf);
  const tagKey = tags.find(Boolean)?.[0];
  const byKey = new Map<string, Array<{ row: KeyRow; tag: string }>>();
  alts.forEach((alt, i) => {
    for (const row of rowsOf(alt)) byKey.set(row.key, [...(byKey.get(row.key) ?? []), { row, tag: tags[i]?.[1] ?? String(i) }]);
  });
  return [...byKey.entries()].map(([key, seen]) => {
    if (key === tagKey) return { key, type: seen.map((s) => JSON.stringify(s.tag)).join(' | '), default: seen.find((s) => s.row.default !== '(required)' && s.row.default !== '(optional)')?.row.default ?? '(required)', description: seen[0].row.description };
    const defaults = new Set(seen.map((s) => s.row.default));
    const only = seen.length < alts.length ? ` (${tagKey ?? 'alternative'}: ${seen.map((s) => s.tag).join(', ')})` : '';
    return {
      key,
      type: seen[0].row.type,
      default: defaults.size === 1 ? seen[0].row.default : seen.map((s) => `${s.tag}: ${s.row.default}`).join(', '),
      description: seen[0].row.description + only,
    };
  });
}

export function schemaRows(schema: z.ZodType): KeyRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const alts = json.oneOf ?? json.anyOf;
  if (!json.properties && alts?.every((a) => a.properties)) {
    // a default chosen by the schema's own code (e.g. a preprocess step) shows only by parsing {}
    const empty = schema.safeParse({});
    const chosen = empty.success ? (empty.data as Record<string, unknown>) : {};
    return unionRows(alts).map((r) => (r.default === '(required)' && chosen[r.key] !== undefined ? { ...r, default: JSON.stringify(chosen[r.key]) } : r));
  }
  return rowsOf(json);
}
