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

export function schemaRows(schema: z.ZodType): KeyRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const props = json.properties ?? {};
  const required = new Set(json.required ?? []);
  return Object.entries(props).map(([key, s]) => ({
    key,
    type: typeOf(s),
    default: s.default !== undefined ? JSON.stringify(s.default) : required.has(key) ? '(required)' : '(optional)',
    description: s.description ?? (s.anyOf ?? s.oneOf ?? []).map((a) => a.description).find(Boolean) ?? '',
  }));
}
