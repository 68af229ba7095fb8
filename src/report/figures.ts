/**
 * The report's figures as vega-lite specs, data inlined (the tables of data.ts, already bounded).
 * Each figure also carries its file stem, its title and a caption for the report page.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data.js';
import { colonyFigure, confusionFigure, featuresFigure, matricesFigure, objectivesFigure, rasterFigure, seriesFigure, tracesFigure } from './assessment-figures.js';
import { CONFIG, FACET_WIDTH, MAX_MARKS, WIDTH, everyKth, fitnessColor, fmt, legendTitle, textFigure, thin, yFitness, type Figure } from './figure-style.js';
import { utilizationFigure } from './worker-figures.js';
import { paretoFigure, scatterMatrixFigure } from './space-figures.js';

export type { Figure } from './figure-style.js';
export { FONT } from './figure-style.js';

const TRAJECTORY_COORDS = 12;
const TOP_MESSAGES = 10;
const MESSAGE_CHARS = 80;

/** Integers with thousands separators; SI prefixes (12k, 3M) from 100,000 on. */
function countFormat(max: number): string {
  return max >= 1e5 ? '~s' : ',d';
}

function xMax(d: ReportData): number {
  return d.xLabel === 'generation' ? d.series[d.series.length - 1]?.x ?? 0 : d.evaluations;
}

function xAxis(d: ReportData, field = 'x') {
  return {
    field, type: 'quantitative' as const, title: d.xLabel === 'generation' ? 'generation' : 'evaluations',
    axis: { tickMinStep: 1, format: countFormat(xMax(d)), tickCount: 10, labelOverlap: 'greedy' as const },
    scale: { nice: false, zero: false },
  };
}

export function fitnessFigure(d: ReportData): Figure {
  const o = d.objective;
  const rows = d.series.filter((p) => p.best !== null);
  const points = rows.length <= 40;
  const what = d.xLabel === 'evaluations' ? 'against evaluations' : 'per generation';
  const binNote = d.binned ? ` (in bins of ${d.binWidth} ${d.xLabel === 'evaluations' ? 'evaluations' : 'generations'})` : d.xLabel === 'evaluations' ? ' (per batch of results)' : '';
  const title = o.single ? 'Fitness' : 'Weighted fitness';
  const lines = { domain: ['best', 'median'], range: ['#c0392b', '#1f5fa8'] };
  const bands = { domain: ['interquartile range', 'min-max'], range: ['#5b9bd5', '#a9cbee'] };
  const y = (field: string, first = false) => ({
    field, type: 'quantitative' as const,
    ...(first ? { ...yFitness(d, rows.flatMap((p) => [p.lo, p.hi])), title: legendTitle(o.label) } : {}),
  });
  const spec: TopLevelSpec = rows.length === 0 ? textFigure(`Fitness ${what}`, d.evaluations === 0 ? 'no evaluations recorded' : 'no successful evaluation') : {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: `${title} ${what}${binNote}`, subtitle: `best, median, interquartile range and min-max of the successful evaluations${o.log ? ' (log scale)' : ''}` },
    width: WIDTH,
    height: 320,
    data: { values: rows },
    encoding: { x: xAxis(d) },
    layer: [
      { mark: { type: 'area', opacity: 0.45 }, encoding: { y: y('lo', true), y2: { field: 'hi' }, fill: { datum: 'min-max', scale: bands, legend: { title: 'spread', symbolType: 'square', symbolOpacity: 0.7 } } } },
      { mark: { type: 'area', opacity: 0.55 }, encoding: { y: y('q1'), y2: { field: 'q3' }, fill: { datum: 'interquartile range', scale: bands } } },
      { mark: { type: 'line', strokeWidth: 1.5, point: points }, encoding: { y: y('median'), stroke: { datum: 'median', scale: lines, legend: { title: null, symbolStrokeWidth: 3 } } } },
      { mark: { type: 'line', strokeWidth: 2.5, point: points }, encoding: { y: y('best'), stroke: { datum: 'best', scale: lines } } },
    ],
  };
  return {
    id: 'fitness', title: 'Fitness',
    caption: `${o.label[0].toUpperCase()}${o.label.slice(1)} of the evaluations ${what}${binNote}: the best (red), the median (dark blue), ` +
      `the interquartile range and the min-max range (shaded); failed evaluations are left out.` +
      (o.single && o.minimize ? ' One objective with a negative weight: the function value is shown, lower is better.' : '') +
      (o.log ? ' Log scale.' : ''),
    spec,
  };
}

export function bestSoFarFigure(d: ReportData): Figure {
  const o = d.objective;
  const rows = d.bestSoFar;
  const last = rows[rows.length - 1];
  const spec: TopLevelSpec = rows.length === 0 ? textFigure('Best so far', d.evaluations === 0 ? 'no evaluations recorded' : 'no successful evaluation') : {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Best so far against evaluations', subtitle: `${rows.length - 1} improvements; final ${fmt(last.best)} after ${last.evaluations} evaluations` },
    width: WIDTH,
    height: 280,
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, color: '#c0392b', point: rows.length <= 200 ? { size: 18, color: '#c0392b' } : false },
    encoding: {
      x: { field: 'evaluations', type: 'quantitative', title: 'evaluations', axis: { format: countFormat(last.evaluations), tickMinStep: 1, tickCount: 10, labelOverlap: 'greedy' }, scale: { domain: [0, last.evaluations], nice: false } },
      y: { field: 'best', type: 'quantitative', title: legendTitle(`best ${o.label}`), ...yFitness(d, rows.map((r) => r.best)) },
    },
  };
  return {
    id: 'best-so-far', title: 'Best so far',
    caption: `The best ${o.label} found after each number of evaluations (in the order results were recorded); each step is an improvement.${o.log ? ' Log scale.' : ''}`,
    spec,
  };
}

export function parametersFigure(d: ReportData): Figure {
  const o = d.objective;
  const k = Math.min(TRAJECTORY_COORDS, d.dim);
  const shown = thin(d.samples, Math.floor(MAX_MARKS / Math.max(1, k)), o.minimize);
  const names = d.coordNames.slice(0, k);
  const values = shown.flatMap((s) => names.map((name, c) => ({ x: s.x, name, v: s.coords[c], f: s.value })));
  const failed = shown.some((s) => s.value === null);
  const ok = shown.some((s) => s.value !== null);
  if (shown.length === 0) {
    return { id: 'parameters', title: 'Parameter trajectories', caption: 'No evaluations were recorded.', spec: textFigure('Parameters', 'no evaluations recorded') };
  }
  // as many columns as fill the rows evenly
  const columns = k <= 3 ? k : k === 4 ? 2 : k <= 6 ? 3 : k <= 8 ? 4 : k === 9 ? 3 : k === 10 ? 5 : 4;
  const spacing = 56;
  const panelWidth = Math.min(WIDTH, Math.floor((FACET_WIDTH - spacing * (columns - 1)) / columns));
  const okLayer = {
    transform: [{ filter: 'datum.f != null' }],
    mark: { type: 'circle' as const, size: shown.length > 1000 ? 8 : 14, opacity: 0.7, aria: false },
    encoding: { color: fitnessColor(d, o.label, Math.min(160, Math.ceil(k / columns) * 134 - 44)) },
  };
  const failedLayer = {
    transform: [{ filter: 'datum.f == null' }],
    mark: { type: 'point' as const, shape: 'cross', size: 16, color: '#d62728', opacity: 0.8, aria: false },
  };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: `Parameters ${d.xLabel === 'generation' ? 'per generation' : 'against evaluations'}`,
      subtitle: `${shown.length} of ${d.evaluations} evaluated individuals (a fixed sample); ${k < d.dim ? `the first ${k} of ${d.dim} coordinates` : d.dim === 1 ? 'the one coordinate' : `all ${d.dim} coordinates`}`,
    },
    data: { values },
    columns,
    spacing: { column: spacing, row: 24 },
    // panels placed by their size alone, so headers and axes line up whatever the tick labels
    bounds: 'flush',
    facet: { field: 'name', type: 'nominal', sort: names, title: null, header: { labelFontSize: 12, labelPadding: 4 } },
    spec: {
      width: panelWidth,
      height: 110,
      encoding: {
        x: { ...xAxis(d), scale: { nice: false, zero: false, padding: 5 }, axis: { tickMinStep: 1, format: countFormat(xMax(d)), tickCount: 4, labelFlush: true } },
        y: { field: 'v', type: 'quantitative', title: null, scale: { zero: false, nice: false, padding: 5 }, axis: { tickCount: 4, format: '~g', labelFlush: true } },
      },
      layer: ok && failed ? [okLayer, failedLayer] : ok ? [okLayer] : [failedLayer],
    },
    resolve: { scale: { y: 'independent' } },
  };
  return {
    id: 'parameters', title: 'Parameter trajectories',
    caption: `Each flattened coordinate of the sampled individuals ${d.xLabel === 'generation' ? 'per generation' : 'against the evaluation number'}, ` +
      `coloured by ${o.label} (dark is best, drawn on top)${failed ? '; red crosses are failed evaluations' : ''}. ` +
      `${shown.length} individuals, a fixed deterministic sample of the ${d.evaluations} evaluated.`,
    spec,
  };
}

export function failuresFigure(d: ReportData): Figure {
  const f = d.failures;
  if (d.evaluations === 0) {
    return { id: 'failures', title: 'Failures', caption: 'No evaluations were recorded.', spec: textFigure('Failures', 'no evaluations recorded') };
  }
  if (f.total === 0) {
    return {
      id: 'failures', title: 'Failures',
      caption: `No failures: all ${d.evaluations} evaluations succeeded.`,
      spec: textFigure('Failures', `no failures: all ${d.evaluations} evaluations succeeded`),
    };
  }
  // stacked by hand: failed from 0, timed out on top
  const counts = d.series.flatMap((p) => [
    ...(p.failed > 0 ? [{ from: p.from, to: p.to, status: 'failed', y0: 0, y1: p.failed }] : []),
    ...(p.timedOut > 0 ? [{ from: p.from, to: p.to, status: 'timed-out', y0: p.failed, y1: p.failed + p.timedOut }] : []),
  ]);
  const top = f.messages.slice(0, TOP_MESSAGES).map((m, i) => ({
    label: String(i + 1),
    text: `${m.count} x ${m.message.length > MESSAGE_CHARS ? `${m.message.slice(0, MESSAGE_CHARS - 3)}...` : m.message}${m.variants > 1 ? ` (${m.variants} variants)` : ''}`,
    n: m.count, status: m.status,
  }));
  const statusColor = { domain: ['failed', 'timed-out'], range: ['#d62728', '#ff9f1c'] };
  const per = d.binned ? 'bin' : d.xLabel === 'generation' ? 'generation' : 'batch of results';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Failures', subtitle: `${f.total} of ${d.evaluations} evaluations failed or timed out (${(100 * f.total / Math.max(1, d.evaluations)).toFixed(1)}%); top: per ${per}` },
    vconcat: [
      {
        width: WIDTH,
        height: 180,
        data: { values: counts },
        mark: { type: 'rect' },
        encoding: {
          x: { ...xAxis(d, 'from'), scale: { nice: false, zero: false, domain: [d.series[0].from, d.series[d.series.length - 1].to] } },
          x2: { field: 'to' },
          y: { field: 'y0', type: 'quantitative', title: 'failures', scale: { zero: true }, axis: { tickMinStep: 1 } },
          y2: { field: 'y1' },
          color: { field: 'status', type: 'nominal', scale: statusColor, title: 'status', legend: { symbolOpacity: 1 } },
        },
      },
      {
        // the messages as text over pale bars: axis labels would be cut short (vega guesses text widths)
        width: WIDTH,
        height: { step: 24 },
        title: { text: 'most frequent messages (first line; variants differ only in their numbers)', fontSize: 12, fontWeight: 'normal', anchor: 'start' },
        data: { values: top },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: top.map((m) => m.label), title: null, axis: null },
        },
        layer: [
          {
            mark: { type: 'bar', opacity: 0.3, aria: false },
            encoding: {
              x: { field: 'n', type: 'quantitative', title: 'count', axis: { tickMinStep: 1 }, scale: { domain: [0, Math.max(...top.map((m) => m.n)) * 1.08] } },
              color: { field: 'status', type: 'nominal', scale: statusColor, title: 'status', legend: { symbolOpacity: 1 } },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: '#222' },
            encoding: { x: { datum: 0, type: 'quantitative' }, text: { field: 'text', type: 'nominal' } },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'shared' } },
  };
  return {
    id: 'failures', title: 'Failures',
    caption: `Failed and timed-out evaluations per ${per} (top), and the ${top.length} most frequent error messages by their first line (bottom; ` +
      'messages that differ only in their numbers count as one, with their number of variants); the table below lists them with a full example.',
    spec,
  };
}

export function allFigures(d: ReportData): Figure[] {
  const extra = [d.objectives.length > 0 ? objectivesFigure(d) : null, paretoFigure(d), confusionFigure(d), rasterFigure(d), matricesFigure(d), tracesFigure(d), featuresFigure(d), seriesFigure(d), colonyFigure(d)].filter((f): f is Figure => f !== null);
  return [fitnessFigure(d), bestSoFarFigure(d), ...extra, parametersFigure(d), scatterMatrixFigure(d), utilizationFigure(d), failuresFigure(d)];
}
