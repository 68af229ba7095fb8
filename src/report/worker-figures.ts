/**
 * The report's figures of what the workers did: the utilization heat map (each rank's busy fraction
 * over time), or, where evaluations are too short to show in it, the run's throughput and the
 * framework's cost per evaluation in its place.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data.js';
import { BATCH_GAP_SECONDS, LOW_UTILIZATION, SHORT_EVALUATION_SECONDS } from './throughput.js';
import { CONFIG, WIDTH, fmt, textFigure, type Figure } from './figure-style.js';

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
 * Throughput.tooShort in throughput.ts): what the run's time went to instead, per window of whole records.
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

