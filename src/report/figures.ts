/**
 * The report's figures as vega-lite specs, data inlined (the tables of data.ts, already bounded).
 * Each figure also carries its file stem, its title and a caption for the report page.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data.js';
import { BATCH_GAP_SECONDS, LOW_UTILIZATION, SHORT_EVALUATION_SECONDS } from './throughput.js';
import { colonyFigure, confusionFigure, featuresFigure, matricesFigure, objectivesFigure, rasterFigure, seriesFigure, tracesFigure } from './assessment-figures.js';
import { CONFIG, FACET_WIDTH, MAX_MARKS, WIDTH, everyKth, fitnessColor, legendTitle, textFigure, thin, yFitness, type Figure } from './figure-style.js';
import { paretoFigure, scatterMatrixFigure } from './space-figures.js';

export type { Figure } from './figure-style.js';
export { FONT } from './figure-style.js';

const TRAJECTORY_COORDS = 12;
const TOP_MESSAGES = 10;
const MESSAGE_CHARS = 80;

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

function secondsText(v: number): string {
  return v < 1 ? `${fmt(v * 1000)} ms` : `${fmt(v)} s`;
}

/** A duration in the unit that reads best: microseconds under 1 ms, milliseconds under 1 s. */
function durationText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a < 1e-3 ? `${fmt3(v * 1e6)} \u00b5s` : a < 1 ? `${fmt3(v * 1e3)} ms` : `${fmt3(v)} s`;
}

/** A fraction as a percentage, two significant digits under 1% (0.47%), else one decimal (12.5%). */
function percentText(f: number): string {
  const p = 100 * f;
  return p > 0 && p < 1 ? `${Number(p.toPrecision(2))}%` : `${p.toFixed(1)}%`;
}

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

export function utilizationFigure(d: ReportData): Figure {
  const u = d.utilization;
  if (u.cells.length === 0) {
    return { id: 'utilization', title: 'Worker utilization', caption: 'No evaluation times were recorded.', spec: textFigure('Worker utilization', 'no evaluation times recorded') };
  }
  if (d.throughput.tooShort && d.throughput.windows.length > 0) return throughputFigure(d);
  const many = u.ranks.length > 40;
  const height = Math.max(60, Math.min(480, u.ranks.length * 22));
  const hosts = new Map((d.summary.workers ?? []).map((w) => [w.rank, w.host]));
  const label = (rank: number) => (hosts.get(rank) ? `${rank} (${hosts.get(rank)})` : String(rank));
  const values = u.cells.map((c) => ({ ...c, busy: Math.min(1, c.busy), worker: label(c.rank) }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: 'Worker utilization over time',
      subtitle: `busy fraction per rank in ${secondsText(u.binSeconds)} bins over ${secondsText(u.span)}; mean ${(100 * u.meanBusy).toFixed(1)}%`,
    },
    width: WIDTH,
    height,
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 't0', type: 'quantitative', title: 'seconds since the optimizer began', scale: { domain: [0, u.span], nice: false } },
      x2: { field: 't1' },
      y: { field: 'worker', type: 'ordinal', title: 'rank (host)', sort: u.ranks.map(label), axis: many ? { labels: false, ticks: false } : {} },
      color: { field: 'busy', type: 'quantitative', title: 'busy fraction', scale: { domain: [0, 1], scheme: 'blues' }, legend: { format: '.0%', gradientLength: Math.min(160, height) } },
    },
  };
  return {
    id: 'utilization', title: 'Worker utilization',
    caption: `The fraction of each ${secondsText(u.binSeconds)} interval that each rank spent evaluating (from each evaluation's start time and duration), ` +
      `over the ${secondsText(u.span)} from the optimizer's start to the last result. Mean ${(100 * u.meanBusy).toFixed(1)}%. ` +
      'Pale columns are waits: generation barriers, the optimizer thinking, or too few individuals for every worker.',
    spec,
  };
}

/** Three significant digits, for numbers in sentences. */
function fmt3(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}

/** A log axis with a tick and grid line at each power of ten, when the values span a decade or more. */
function logAxis(values: number[], format: string) {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return { format };
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  if (hi - lo < 2) return { format, tickCount: 4 };
  const step = Math.ceil((hi - lo) / 6);
  const decades: number[] = [];
  for (let e = lo; e <= hi; e += step) decades.push(Number(`1e${e}`));
  return { format, values: decades };
}

/**
 * In place of the utilization heat map when evaluations are too short to show in it (see
 * Throughput.tooShort in data.ts): what the run's time went to instead, per window of whole records.
 * It keeps the utilization figure's id, so its files stay utilization.svg and .png for pages and
 * scripts. Text lines are kept short: vega, without a canvas, guesses text widths generously and
 * widens the figure to fit its guess.
 */
export function throughputFigure(d: ReportData): Figure {
  const u = d.utilization;
  const th = d.throughput;
  const ws = th.windows;
  const last = ws[ws.length - 1];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const per = d.mode === 'generational' ? 'generation' : 'record';
  const estimated = th.messagesEstimated;
  const rates = { domain: ['evaluations', `result messages${estimated ? ' (estimated)' : ''}`], range: ['#1f5fa8', '#e08a00'] };
  // step lines: a point at each window's start, and its last value again at the end of the run
  const steps = <T extends object>(f: (w: (typeof ws)[number]) => T[]) =>
    [...ws.map((w) => f(w).map((row) => ({ ...row, t: w.t0 }))), f(last).map((row) => ({ ...row, t: last.t1 }))].flat();
  const rateRows = steps((w) => [
    { series: rates.domain[0], v: w.evaluationsPerSecond },
    { series: rates.domain[1], v: w.messagesPerSecond },
  ]);
  const overheads = ws.flatMap((w) => (w.overhead === null ? [] : [w.overhead]));
  const top = Math.max(th.medianSeconds, th.overheadPerEvaluation, ...overheads);
  const [unit, factor] = top < 1e-3 ? ['\u00b5s', 1e6] : top < 1 ? ['ms', 1e3] : ['s', 1];
  const costs = {
    domain: ['per window', `whole run: ${durationText(th.overheadPerEvaluation)}`, `median evaluation: ${durationText(th.medianSeconds)}`],
    range: ['#c0392b', '#c0392b', '#555'],
  };
  const costRows = [
    ...steps((w) => (w.overhead === null ? [] : [{ series: costs.domain[0], v: w.overhead * factor }])),
    ...(th.overheadPerEvaluation > 0 ? [0, u.span].map((t) => ({ t, series: costs.domain[1], v: th.overheadPerEvaluation * factor })) : []),
    ...(th.medianSeconds > 0 ? [0, u.span].map((t) => ({ t, series: costs.domain[2], v: th.medianSeconds * factor })) : []),
  ];
  const x = {
    field: 't', type: 'quantitative' as const, title: 'seconds since the optimizer began',
    scale: { domain: [0, u.span], nice: false }, axis: { format: '~g', tickCount: 10, labelOverlap: 'greedy' as const },
  };
  const panelTitle = (text: string | string[]) => ({ text, fontSize: 12, fontWeight: 'normal' as const, anchor: 'start' as const, color: '#333' });
  const legend = { title: null, orient: 'top' as const, direction: 'horizontal' as const, gridAlign: 'none' as const, symbolStrokeWidth: 2.5, labelLimit: 300 };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: 'Throughput and dispatch overhead over time',
      subtitle: [
        'Evaluations were too short for utilization to show:',
        `median evaluation ${durationText(th.medianSeconds)}, workers busy ${percentText(u.meanBusy)} of the ${durationText(u.span)} run.`,
        `${plural(d.evaluations, 'evaluation')} on ${plural(th.workers, 'worker rank')}, in ${estimated ? 'about ' : ''}${plural(th.messages, 'result message')};`,
        `rates and overhead per window of whole ${per}s (${ws.length} windows).`,
      ],
    },
    vconcat: [
      {
        width: WIDTH,
        height: 160,
        title: panelTitle(['evaluations and result messages finished per second', estimated
          ? "(a message: one rank's rows of a generation that ran back to back)" : '(a message: one record, the results of one batch)']),
        data: { values: rateRows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'v', type: 'quantitative', title: 'per second (log scale)', scale: { type: 'log' }, axis: logAxis(rateRows.map((r) => r.v), '~s') },
          color: { field: 'series', type: 'nominal', scale: rates, legend },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: rates.domain, range: [[1, 0], [6, 3]] }, legend },
        },
      },
      {
        width: WIDTH,
        height: 160,
        title: panelTitle(['dispatch overhead: worker time not spent evaluating, per evaluation', '= (worker ranks \u00d7 window \u2212 time evaluating) / evaluations']),
        data: { values: costRows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'v', type: 'quantitative', title: `${unit} (log scale)`, scale: { type: 'log' }, axis: logAxis(costRows.map((r) => r.v), '~g') },
          color: { field: 'series', type: 'nominal', scale: costs, legend },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: costs.domain, range: [[1, 0], [6, 3], [2, 2]] }, legend },
        },
      },
    ],
    spacing: 28,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
  };
  return {
    id: 'utilization', title: 'Throughput and dispatch overhead (evaluations too short for utilization)',
    caption: `The evaluations were too short for the utilization heat map to show anything: median ${durationText(th.medianSeconds)}, ` +
      `workers busy ${percentText(u.meanBusy)} of the run (a median under ${durationText(SHORT_EVALUATION_SECONDS)} with a mean utilization under ` +
      `${100 * LOW_UTILIZATION}% draws this figure instead). It shows what the run's time went to, over ${plural(ws.length, 'window')} ` +
      `of whole ${per}s, each at least 1/60 of the run. Top: evaluations and result messages finished per second; the distance between the ` +
      `two lines is the evaluations per message (${fmt3(d.evaluations / Math.max(1, th.messages))} over the run). ` +
      (estimated
        ? 'The journal does not record messages, and a generation is one record: a message is counted where, within a record, the rank changes ' +
          `or a row starts before the previous one ended or more than ${durationText(BATCH_GAP_SECONDS)} after it (a worker runs a batch's rows ` +
          "back to back), so a worker's pause inside a batch counts twice. "
        : 'A steady-state run writes a record per result message, so messages are its records. ') +
      `Bottom: the dispatch overhead per evaluation, the worker time of each window (${plural(th.workers, 'worker rank')} \u00d7 its length) ` +
      'not spent evaluating, divided by its evaluations: messages, the dispatcher, the optimizer between generations, recording. ' +
      `The dashed line is the whole run's (${durationText(th.overheadPerEvaluation)}), the dotted one the median evaluation time.`,
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
