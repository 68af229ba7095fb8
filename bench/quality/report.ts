/**
 * The quality bench's statistics and its markdown: one table per function, then the targets, each
 * computed from this run's figures. Reports figures; asserts nothing.
 */
import type { RunResult } from './drive.js';
import type { ProblemKey } from './settings.js';

/** A row of the tables: an optimizer of ours (type and variant) or a baseline, with its runs per problem. */
export interface Row {
  label: string;
  ours: boolean;
  /** Set when the row did not run at all (skipped, settings refused): the reason, shown in every table. */
  status?: string;
  runs: Partial<Record<ProblemKey, RunResult[]>>;
  budgetNote?: string;
}

export interface Summary {
  median: number;
  q25: number;
  q75: number;
  evaluations: number[];
  seconds: number;
  ok: number;
  failed: number;
  firstError?: string;
  stops: Map<string, { n: number; first: string }>;
}

/** Percentile by linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(runs: readonly RunResult[]): Summary {
  const ok = runs.filter((r) => r.error === undefined && Number.isFinite(r.best));
  const best = ok.map((r) => r.best).sort((a, b) => a - b);
  const secs = ok.map((r) => r.seconds).sort((a, b) => a - b);
  // one entry per kind of reason: the same message with other numbers in it counts as the same
  const stops = new Map<string, { n: number; first: string }>();
  for (const r of ok) {
    if (!r.stopped) continue;
    const kind = r.stopped.replace(/\d[\d.e+-]*/g, '#');
    const s = stops.get(kind);
    if (s) s.n++;
    else stops.set(kind, { n: 1, first: r.stopped });
  }
  return {
    median: quantile(best, 0.5), q25: quantile(best, 0.25), q75: quantile(best, 0.75),
    evaluations: ok.map((r) => r.evaluations), seconds: quantile(secs, 0.5),
    ok: ok.length, failed: runs.length - ok.length, firstError: runs.find((r) => r.error !== undefined)?.error, stops,
  };
}

export const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
};

function evalsText(e: readonly number[]): string {
  if (e.length === 0) return '-';
  const lo = Math.min(...e);
  const hi = Math.max(...e);
  return lo === hi ? String(lo) : `${lo}-${hi} (median ${quantile([...e].sort((a, b) => a - b), 0.5)})`;
}

function notes(s: Summary, total: number): string {
  const out: string[] = [];
  if (s.failed > 0) out.push(`${s.failed} of ${total} failed: ${s.firstError}`);
  for (const { n, first } of s.stops.values()) out.push(`stopped itself in ${n} of ${total}, e.g. ${first.slice(0, 160)}`);
  return out.join('; ').replaceAll('|', '/');
}

export function functionTable(rows: readonly Row[], key: ProblemKey): string[] {
  const out = ['| optimizer | median best | IQR (25th-75th) | evaluations | s per run | notes |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const name = row.ours ? row.label : `**${row.label}** (baseline)`;
    const runs = row.runs[key];
    if (row.status !== undefined || runs === undefined) {
      out.push(`| ${name} | ${row.status ?? 'not run'} | | | | |`);
      continue;
    }
    const s = summarize(runs);
    if (s.ok === 0) {
      out.push(`| ${name} | failed: ${(s.firstError ?? 'no result').replaceAll('|', '/').slice(0, 200)} | | | | |`);
      continue;
    }
    const note = [row.budgetNote, notes(s, runs.length)].filter((t) => t).join('; ');
    out.push(`| ${name} | ${fmt(s.median)} | ${fmt(s.q25)} - ${fmt(s.q75)} | ${evalsText(s.evaluations)} | ${s.seconds.toFixed(3)} | ${note} |`);
  }
  return out;
}

/** Below this, values are floating-point noise around the optimum 0: two runs that both reach it tie. */
export const SOLVED = 1e-8;

/** "Clearly better": median at most half the other's and the IQRs disjoint (our 75th below their 25th). */
export const CLEARLY = 'median at most half of the baseline\'s and IQRs disjoint (our 75th percentile below its 25th)';

export interface Target {
  what: string;
  problem: ProblemKey;
  ours: string;
  theirs: string;
  kind: 'at-least-as-good' | 'clearly-better';
}

function cell(rows: readonly Row[], label: string, key: ProblemKey): Summary | undefined {
  const runs = rows.find((r) => r.label === label)?.runs[key];
  const s = runs ? summarize(runs) : undefined;
  return s && s.ok > 0 ? s : undefined;
}

const band = (s: Summary) => `${fmt(s.median)} [${fmt(s.q25)}, ${fmt(s.q75)}]`;

export function targetTable(rows: readonly Row[], targets: readonly Target[]): string[] {
  const out = ['| target | function | ours: median [IQR] | baseline: median [IQR] | criterion | status |', '|---|---|---|---|---|---|'];
  for (const t of targets) {
    const a = cell(rows, t.ours, t.problem);
    const b = cell(rows, t.theirs, t.problem);
    const criterion = t.kind === 'at-least-as-good' ? `median ours <= median baseline (or both < ${SOLVED})` : CLEARLY;
    let status = 'not measured (a side did not run)';
    if (a && b) {
      const tie = t.kind === 'at-least-as-good' && a.median > b.median && a.median < SOLVED && b.median < SOLVED;
      const met = t.kind === 'at-least-as-good' ? a.median <= b.median || tie : a.median <= 0.5 * b.median && a.q75 < b.q25;
      status = met ? `**met**${tie ? ` (a tie: both below ${SOLVED}; ours is the higher)` : ''}` : '**not met**';
    }
    out.push(`| ${t.what} | ${t.problem} | ${a ? band(a) : '-'} | ${b ? band(b) : '-'} | ${criterion} | ${status} |`);
  }
  return out;
}
