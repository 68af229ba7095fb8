/**
 * The figures of a run that classifies (docs/snn.md): each objective apart, and, from the assessment of
 * the best individual on held-out data (assessment.json), its confusion matrix and the raster of one
 * sample. Drawn where the run has them; figures.ts puts them in the report's order.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data.js';
import { CONFIG, FACET_WIDTH, MAX_MARKS, WIDTH, type Figure } from './figure-style.js';

/** Each fitness value apart (1 - MSE and accuracy of a classification): best and median per point, one panel each. */
export function objectivesFigure(d: ReportData): Figure {
  const names = [...new Set(d.objectives.map((o) => o.objective))];
  const rows = d.objectives.flatMap((o) => [{ ...o, which: 'best', value: o.best }, { ...o, which: 'median', value: o.median }]);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: `Each objective ${d.xLabel === 'evaluations' ? 'against evaluations' : 'per generation'}`, subtitle: `${names.join(', ')}: the best and the median of the successful evaluations` },
    data: { values: rows },
    facet: { column: { field: 'objective', type: 'nominal', title: null, sort: names } },
    spec: {
      width: Math.floor((FACET_WIDTH - 40 * names.length) / names.length),
      height: 240,
      mark: { type: 'line', strokeWidth: 2, point: rows.length <= 160 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: d.xLabel, axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'which', type: 'nominal', scale: { domain: ['best', 'median'], range: ['#c0392b', '#1f5fa8'] }, legend: { title: null } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
  return {
    id: 'objectives', title: 'Each objective',
    caption: `Every fitness value of the evaluations on its own (${names.join(', ')}), the best (red) and the median (dark blue) ${d.xLabel === 'evaluations' ? 'against evaluations' : 'per generation'}; the weighted fitness the optimizer maximises is in the first figure.`,
    spec,
  };
}

/** The assessment's confusion matrix (true class by predicted class), where it has one. */
export function confusionFigure(d: ReportData): Figure | null {
  const a = d.assessment;
  const m = a?.confusion as number[][] | undefined;
  if (!a || !Array.isArray(m)) return null;
  const cells = m.flatMap((row, t) => row.map((count, p) => ({ true: t, predicted: p, count })));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Confusion matrix of the best individual on held-out data', subtitle: a.summary },
    width: 360,
    height: 360,
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted class' },
      y: { field: 'true', type: 'ordinal', title: 'true class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: { title: 'samples' } } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: `datum.count > ${Math.max(...cells.map((c) => c.count)) / 2}`, value: 'white' }, value: '#222' } } },
    ],
  };
  const ties = typeof a.ties === 'number' && a.ties > 0 ? ` ${a.ties} samples whose top scores tied are left out.` : '';
  return { id: 'confusion', title: 'Confusion matrix', caption: `The run's best individual on the held-out samples (assessment.json): how many of each true class (rows) it put in each class (columns); ${a.summary}.${ties}`, spec };
}

/**
 * The assessment's matrices side by side, where it has them (`matrices: {title, caption, panels: [{name,
 * values: rows}]}`): the tvb optimizee's simulated FC of the best individual beside its target's.
 */
export function matricesFigure(d: ReportData): Figure | null {
  const m = d.assessment?.matrices as { title: string; caption?: string; panels: Array<{ name: string; values: Array<Array<number | null>> }> } | undefined;
  if (!m || !Array.isArray(m.panels) || m.panels.length === 0) return null;
  const n = Math.max(...m.panels.map((p) => p.values.length));
  const cells = m.panels.flatMap((p) => p.values.flatMap((row, i) => row.flatMap((value, j) => (value === null ? [] : [{ panel: p.name, i, j, value }]))));
  const lo = cells.reduce((a, c) => Math.min(a, c.value), Infinity), hi = cells.reduce((a, c) => Math.max(a, c.value), -Infinity);
  // correlations: a diverging scale symmetric about 0, as far as the largest; other values: their own range
  const correlations = lo >= -1 && hi <= 1;
  const reach = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const side = Math.max(160, Math.min(320, Math.floor((FACET_WIDTH - 40 * m.panels.length) / m.panels.length)));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, view: { stroke: null } },
    title: { text: m.title, subtitle: d.assessment!.summary },
    data: { values: cells.slice(0, 4 * MAX_MARKS) },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: m.panels.map((p) => p.name) } },
    spec: {
      width: side,
      height: side,
      mark: { type: 'rect', aria: false },
      encoding: {
        x: { field: 'j', type: 'ordinal', title: 'region', scale: { domain: Array.from({ length: n }, (_, k) => k) }, axis: n > 20 ? { values: Array.from({ length: Math.ceil(n / 10) }, (_, k) => k * 10), labelAngle: 0 } : { labelAngle: 0 } },
        y: { field: 'i', type: 'ordinal', title: 'region', scale: { domain: Array.from({ length: n }, (_, k) => k) }, axis: n > 20 ? { values: Array.from({ length: Math.ceil(n / 10) }, (_, k) => k * 10) } : {} },
        color: { field: 'value', type: 'quantitative', scale: correlations ? { scheme: 'redblue', domain: [-reach, reach], reverse: true } : { scheme: 'viridis' }, legend: { title: null } },
      },
    },
  };
  return { id: 'matrices', title: 'Matrices of the best individual', caption: `${m.caption ?? ''}${cells.length > 4 * MAX_MARKS ? ` (the first ${4 * MAX_MARKS} cells drawn)` : ''} From the run's assessment (assessment.json).`.trim(), spec };
}

/** The assessment's raster: the spikes of one held-out sample, by neuron and population, where it has one. */
export function rasterFigure(d: ReportData): Figure | null {
  const r = d.assessment?.raster as { steps: number[]; neurons: number[]; dt: number; populations: Array<{ name: string; lo: number; hi: number }>; label?: number; predicted?: number; duration_ms?: number } | undefined;
  if (!r || !Array.isArray(r.steps)) return null;
  const popOf = (i: number) => r.populations.find((p) => i >= p.lo && i < p.hi)?.name ?? '';
  const limit = Math.min(r.steps.length, MAX_MARKS);
  const points = Array.from({ length: limit }, (_, k) => ({ t: (r.steps[k] + 1) * r.dt, neuron: r.neurons[k], population: popOf(r.neurons[k]) }));
  const n = r.populations.reduce((m, p) => Math.max(m, p.hi), 0);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Raster of one held-out sample', subtitle: `${r.steps.length} spikes${limit < r.steps.length ? ` (the first ${limit} drawn)` : ''}; class ${r.label ?? '?'}, predicted ${r.predicted === undefined ? '?' : r.predicted < 0 ? 'none (a tie)' : r.predicted}` },
    width: WIDTH,
    height: 320,
    data: { values: points },
    mark: { type: 'tick', orient: 'vertical', thickness: 1, size: Math.max(2, Math.min(8, 320 / Math.max(1, n))) },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (ms)', scale: { domain: [0, r.duration_ms ?? Math.max(1, ...points.map((p) => p.t))] } },
      y: { field: 'neuron', type: 'quantitative', title: 'neuron', scale: { domain: [0, n], nice: false, reverse: true } },
      color: { field: 'population', type: 'nominal', sort: r.populations.map((p) => p.name), legend: { title: 'population' } },
    },
  };
  return { id: 'raster', title: 'Raster', caption: 'The spikes of every neuron of the network during one held-out sample, shown to the best individual at the assessment (assessment.json), coloured by population.', spec };
}

/**
 * The assessment's voltage traces, where it has them (`traces: {title, caption, dt_ms, protocols: [{name,
 * target, best}]}`): the cell optimizee's best individual against the target, one panel per protocol.
 */
export function tracesFigure(d: ReportData): Figure | null {
  const t = d.assessment?.traces as { title: string; caption?: string; dt_ms: number; protocols: Array<{ name: string; target: number[]; best: number[] }> } | undefined;
  if (!t || !Array.isArray(t.protocols) || t.protocols.length === 0) return null;
  // at most MAX_MARKS points per line in all
  const total = t.protocols.reduce((s, p) => s + p.target.length, 0);
  const stride = Math.max(1, Math.ceil(total / (MAX_MARKS / 2)));
  const rows = t.protocols.flatMap((p) => (['target', 'best'] as const).flatMap((which) => {
    const v = which === 'target' ? p.target : p.best;
    const out: Array<{ protocol: string; which: string; t: number; v: number }> = [];
    for (let k = 0; k < v.length; k += stride) out.push({ protocol: p.name, which, t: Number((k * t.dt_ms).toFixed(6)), v: v[k] });
    return out;
  }));
  const columns = Math.min(2, t.protocols.length);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: t.title, subtitle: d.assessment!.summary.length > 160 ? `${d.assessment!.summary.slice(0, 157)}...` : d.assessment!.summary },
    data: { values: rows },
    facet: { field: 'protocol', type: 'nominal', title: null, sort: t.protocols.map((p) => p.name) },
    columns,
    spec: {
      width: Math.floor((FACET_WIDTH - 60 * columns) / columns),
      height: 220,
      mark: { type: 'line', strokeWidth: 1.2, aria: false },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time (ms)' },
        y: { field: 'v', type: 'quantitative', title: 'voltage (mV)', scale: { zero: false } },
        color: { field: 'which', type: 'nominal', scale: { domain: ['target', 'best'], range: ['#888888', '#c0392b'] }, legend: { title: null } },
        strokeDash: { field: 'which', type: 'nominal', scale: { domain: ['target', 'best'], range: [[1, 0], [4, 2]] }, legend: { title: null } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
  return { id: 'traces', title: 'Traces of the best individual', caption: `${t.caption ?? ''} The target in grey, the best individual dashed red, one panel per protocol; from the run's assessment (assessment.json).`.trim(), spec };
}

/**
 * The assessment's features, where it has them (`features: [{protocol, feature, unit, target, std, best,
 * z}]`): how far each feature of the best individual lies from the target's, in standard deviations.
 */
export function featuresFigure(d: ReportData): Figure | null {
  const f = d.assessment?.features as Array<{ protocol: string; feature: string; unit: string; target: number | null; std: number | null; best: number | null; z: number | null }> | undefined;
  if (!Array.isArray(f) || f.length === 0) return null;
  const fmtv = (v: number | null, unit: string) => (v === null ? 'missing' : `${Number(v.toPrecision(4))}${unit ? ` ${unit}` : ''}`);
  const rows = f.map((r) => ({
    ...r, label: `${r.protocol} ${r.feature}`,
    shown: r.z ?? 0,
    state: r.z !== null ? 'scored' : r.target === null && r.best === null ? 'missing in both' : 'missing in one',
    text: `target ${fmtv(r.target, r.unit)}${r.std !== null ? ` \u00b1 ${Number(r.std.toPrecision(3))}` : ''}, best ${fmtv(r.best, r.unit)}`,
  }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Feature errors of the best individual', subtitle: '|best - target| / std per protocol and feature (eFEL-like definitions, docs/cell.md)' },
    data: { values: rows },
    width: 300,
    height: Math.max(80, rows.length * 16),
    hconcat: [
      {
        width: 300,
        mark: { type: 'bar', aria: false },
        encoding: {
          y: { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } },
          x: { field: 'shown', type: 'quantitative', title: 'distance (standard deviations)' },
          color: { field: 'state', type: 'nominal', scale: { domain: ['scored', 'missing in one', 'missing in both'], range: ['#1f5fa8', '#c0392b', '#b5b5b5'] }, legend: { title: null } },
        },
      },
      {
        width: 340,
        view: { stroke: null },
        mark: { type: 'text', align: 'left', fontSize: 11 },
        encoding: { y: { field: 'label', type: 'nominal', axis: null, sort: null }, x: { value: 4 }, text: { field: 'text' } },
      },
    ],
  };
  return { id: 'features', title: 'Feature errors', caption: 'Each feature of the best individual against the target, in the target\'s standard deviations (the fitness with fitness: features); a feature missing from one of the two (no spike, say) is what the feature_penalty is given for, one missing from both agrees. From the run\'s assessment (assessment.json).', spec };
}

/**
 * The assessment's series, where it has them (`series: {title, caption?, x, y, lines: [{name, points:
 * [[x, y], ...]}]}`): the ants optimizee's food returned tick by tick by the best individual's colonies.
 */
export function seriesFigure(d: ReportData): Figure | null {
  const s = d.assessment?.series as { title: string; caption?: string; x: string; y: string; lines: Array<{ name: string; points: Array<[number, number]> }> } | undefined;
  if (!s || !Array.isArray(s.lines) || s.lines.length === 0) return null;
  const per = Math.max(1, Math.floor(MAX_MARKS / s.lines.length));
  const rows = s.lines.flatMap((l) => {
    const stride = Math.max(1, Math.ceil(l.points.length / per));
    return l.points.filter((_, k) => k % stride === 0).map(([x, y]) => ({ line: l.name, x, y }));
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: s.title, subtitle: d.assessment!.summary },
    width: WIDTH,
    height: 300,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, aria: false },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: s.x },
      y: { field: 'y', type: 'quantitative', title: s.y },
      color: { field: 'line', type: 'nominal', sort: s.lines.map((l) => l.name), legend: { title: null } },
    },
  };
  return { id: 'series', title: s.title, caption: `${s.caption ?? ''} From the run's assessment (assessment.json).`.trim(), spec };
}

/**
 * The assessment's colony, where it has one (`colony: {title, max_pxcor, returned, patches: [{x, y,
 * chemical, food, nest}], ants: [{x, y, carrying}]}`): a frame of the ants optimizee's world, patches
 * coloured by chemical (green, log scale), food (cyan) and nest (violet), the ants drawn where they stand
 * (red searching, orange carrying), as NetLogo colours them.
 */
export function colonyFigure(d: ReportData): Figure | null {
  const c = d.assessment?.colony as { title: string; max_pxcor: number; returned: number; patches: Array<{ x: number; y: number; chemical: number; food: number; nest: number }>; ants: Array<{ x: number; y: number; carrying: number }> } | undefined;
  if (!c || !Array.isArray(c.patches)) return null;
  const m = c.max_pxcor, side = 2 * m + 1;
  const size = Math.min(560, Math.max(280, side * 6));
  const domain = [-m - 0.5, m + 0.5];
  const axis = { field: '', type: 'quantitative' as const, scale: { domain, nice: false, zero: false }, axis: null };
  const kind = (p: { chemical: number; food: number; nest: number }) => (p.nest ? 'nest' : p.food > 0 ? 'food' : 'chemical');
  const patches = c.patches.map((p) => ({ x0: p.x - 0.5, x1: p.x + 0.5, y0: p.y - 0.5, y1: p.y + 0.5, chemical: Math.max(p.chemical, 0.05), kind: kind(p), food: p.food }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, view: { fill: 'black', stroke: null } },
    title: { text: c.title, subtitle: `${c.returned} food returned; ${c.ants.filter((a) => a.carrying).length} of ${c.ants.length} ants carrying food` },
    width: size,
    height: size,
    layer: [
      {
        data: { values: patches.filter((p) => p.kind === 'chemical') },
        mark: { type: 'rect', aria: false },
        encoding: {
          x: { ...axis, field: 'x0' }, x2: { field: 'x1' }, y: { ...axis, field: 'y0' }, y2: { field: 'y1' },
          color: { field: 'chemical', type: 'quantitative', scale: { type: 'log', domain: [0.05, 60], clamp: true, range: ['#0b3d0b', '#7cfc00'] }, legend: { title: 'chemical', format: '~g' } },
        },
      },
      {
        data: { values: patches.filter((p) => p.kind !== 'chemical') },
        mark: { type: 'rect', aria: false },
        encoding: {
          x: { ...axis, field: 'x0' }, x2: { field: 'x1' }, y: { ...axis, field: 'y0' }, y2: { field: 'y1' },
          fill: { field: 'kind', type: 'nominal', scale: { domain: ['nest', 'food'], range: ['#8e44ad', '#00bcd4'] }, legend: { title: null } },
        },
      },
      {
        data: { values: c.ants.map((a) => ({ ...a, load: a.carrying ? 'carrying' : 'searching' })) },
        mark: { type: 'circle', size: size > 400 ? 30 : 16, opacity: 1, strokeWidth: 0, aria: false },
        encoding: {
          x: { ...axis, field: 'x' }, y: { ...axis, field: 'y' },
          fill: { field: 'load', type: 'nominal', scale: { domain: ['searching', 'carrying'], range: ['#e74c3c', '#f39c12'] }, legend: { title: 'ants' } },
        },
      },
    ],
    resolve: { scale: { color: 'independent', fill: 'independent' } },
  };
  return { id: 'colony', title: 'A colony', caption: 'The world of one of the best individual\'s colonies at the end of its ticks (as NetLogo draws it): chemical in green (log scale), food in cyan, the nest in violet, the ants red while searching and orange while carrying food. From the run\'s assessment (assessment.json).', spec };
}
