/**
 * A run's failed evaluations as the report tables them: their count, their messages grouped (first
 * lines that differ only in their numbers are one kind of failure), and the first MAX_FAILURE_ROWS rows.
 */
import type { GenerationRecord } from '../results/records.js';
import { STATUS_NAMES } from '../core/fitness.js';

const MAX_FAILURE_ROWS = 200;
/** Distinct first lines counted per kind of failure, at most. */
const MAX_VARIANTS = 10_000;

export interface FailureMessage {
  /** The first line of the first occurrence. */
  message: string;
  count: number;
  /** Distinct first lines counted here (they differ only in their numbers). */
  variants: number;
  status: string;
  first: { generation: number; index: number; rank: number };
  /** The whole text of the first occurrence (stack or traceback). */
  example: string;
}

export interface FailureRow {
  generation: number;
  index: number;
  rank: number;
  status: string;
  message: string;
}

export interface Failures {
  total: number;
  /** Most frequent first. */
  messages: FailureMessage[];
  rows: FailureRow[];
  rowsShown: number;
}

export function failuresOf(records: GenerationRecord[]): Failures {
  const messages = new Map<string, FailureMessage>();
  const variants = new Map<string, Set<string>>();
  const rows: FailureRow[] = [];
  let total = 0;
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++) {
      const s = r.status[k];
      if (s === 0) continue;
      total++;
      const text = r.errors?.[k] ?? '';
      const status = STATUS_NAMES[s] ?? `status ${s}`;
      const message = firstLine(text) || `(${status}, no message)`;
      // messages that differ only in their numbers (times, indices, values) are one kind of failure
      const key = `${status}\u0000${message.replace(/\d+(\.\d+)?(e[-+]?\d+)?/gi, '#')}`;
      const m = messages.get(key);
      if (m) {
        m.count++;
        const seen = variants.get(key)!;
        if (!seen.has(message) && seen.size < MAX_VARIANTS) seen.add(message);
        m.variants = seen.size;
      } else {
        messages.set(key, { message, count: 1, variants: 1, status, first: { generation: r.generation, index: r.index[k], rank: r.rank[k] }, example: text });
        variants.set(key, new Set([message]));
      }
      if (rows.length < MAX_FAILURE_ROWS) rows.push({ generation: r.generation, index: r.index[k], rank: r.rank[k], status, message });
    }
  }
  return { total, messages: [...messages.values()].sort((a, b) => b.count - a.count), rows, rowsShown: rows.length };
}

/** The first non-blank line, trimmed, at most 200 characters. */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const t = line.trim();
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
}
