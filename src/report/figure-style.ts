/**
 * What every figure of the report shares: the Figure record, the font, the sizes and the vega-lite
 * config, and the helpers several figures use (figures.ts draws the run's figures, space-figures.ts the
 * explored space and the Pareto front, assessment-figures.ts those of an assessment).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData, Sample } from './data.js';

export interface Figure {
  /** File stem: fitness, best-so-far, ... (fitness.svg, fitness.png). */
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

export const FONT = 'DejaVu Sans';
export const WIDTH = 640;
/** Circles (or ticks) drawn in one figure (the SVG grows with them). */
export const MAX_MARKS = 8000;
/** Width of a figure of several panels (facets, matrices). */
export const FACET_WIDTH = 860;

export const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#222', labelColor: '#333', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', labelLimit: 240, titleLimit: 240 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 10 },
} as const;

/** An every-k-th subset of at most `max` rows (deterministic), in their order. */
export function everyKth<T>(rows: readonly T[], max: number): T[] {
  const step = Math.max(1, Math.ceil(rows.length / Math.max(1, max)));
  return rows.filter((_, i) => i % step === 0);
}

/** An every-k-th subset of at most `max` (deterministic), worst first so the best are drawn on top. */
export function thin(samples: Sample[], max: number, minimize: boolean): Sample[] {
  const out = everyKth(samples, max);
  // failed (null) first, then worst to best
  return out.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : -1) : 1;
    return minimize ? b.value - a.value : a.value - b.value;
  });
}

/** A figure that is only a sentence (no failures, no timings). */
export function textFigure(title: string, text: string, subtitle?: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, view: { stroke: null } },
    title: subtitle ? { text: title, subtitle } : title,
    width: WIDTH,
    height: 50,
    data: { values: [{ text }] },
    mark: { type: 'text', fontSize: 16, color: '#2a7d2a', align: 'center', baseline: 'middle' },
    encoding: { text: { field: 'text', type: 'nominal' } },
  };
}

/** "fitness (lower is better)" on two lines, for legends and vertical axis titles (vega would reserve room for one long line). */
export function legendTitle(label: string): string[] {
  const i = label.indexOf(' (');
  return i < 0 ? [label] : [label.slice(0, i), label.slice(i + 1)];
}

export function fitnessColor(d: ReportData, title: string, gradientLength = 160) {
  const o = d.objective;
  return {
    field: 'f', type: 'quantitative' as const, title: legendTitle(title),
    // viridis: dark is best (low when minimising), drawn on top
    scale: { type: o.log ? ('log' as const) : ('linear' as const), scheme: 'viridis', reverse: !o.minimize },
    legend: { gradientLength, ...(o.log ? { format: '.0e' } : {}) },
  };
}

/**
 * The y scale and axis of shown fitness values. On a log scale spanning two decades or more: whole
 * decades, with a tick and grid line at each power of ten (every other one past 12 decades);
 * spanning less, the data's own range with vega's ticks (whole decades would leave it flat).
 */
export function yFitness(d: ReportData, values: Array<number | null>) {
  if (!d.objective.log) return { scale: { zero: false }, axis: {} };
  const finite = values.filter((v): v is number => v !== null && v > 0 && Number.isFinite(v));
  if (finite.length === 0) return { scale: { type: 'log' as const }, axis: {} };
  const min = finite.reduce((a, b) => Math.min(a, b));
  const max = finite.reduce((a, b) => Math.max(a, b));
  if (Math.log10(max / min) < 2) return { scale: { type: 'log' as const, nice: false, padding: 8 }, axis: { format: '~g', tickCount: 6 } };
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const step = hi - lo > 12 ? 2 : 1;
  const decades: number[] = [];
  for (let e = lo; e <= hi; e += step) decades.push(Number(`1e${e}`));
  return { scale: { type: 'log' as const }, axis: { values: decades, format: '~g' } };
}

/** Four significant digits, exponential below 1e-3 and from 1e5 on, for numbers in sentences. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
