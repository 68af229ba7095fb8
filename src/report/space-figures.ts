/**
 * Where the optimizer looked: the explored space (a scatter matrix of the coordinates, one full panel for
 * two, fitness against the coordinate for one) and, for two or more ranked objectives, the Pareto front.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data.js';
import { CONFIG, FACET_WIDTH, MAX_MARKS, WIDTH, everyKth, fitnessColor, legendTitle, textFigure, thin, yFitness, type Figure } from './figure-style.js';

const MATRIX_COORDS = 6;

export function scatterMatrixFigure(d: ReportData): Figure {
  const o = d.objective;
  const k = Math.min(MATRIX_COORDS, d.dim);
  const names = d.coordNames.slice(0, k);
  const oneD = k === 1;
  const pairs: Array<[number, number]> = [];
  for (let i = 1; i < k; i++) for (let j = 0; j < i; j++) pairs.push([i, j]);
  const shown = thin(d.samples.filter((s) => s.value !== null), Math.floor(MAX_MARKS / Math.max(1, pairs.length)), o.minimize);
  const size = shown.length > 3000 ? 5 : shown.length > 1000 ? 8 : 14;
  const subtitle = `${shown.length} successful individuals (a fixed sample)${k < d.dim ? `; the first ${k} of ${d.dim} coordinates` : ''}`;
  if (shown.length === 0) {
    return { id: 'scatter-matrix', title: 'Explored space', caption: 'No successful evaluation was recorded.', spec: textFigure('Explored space', d.evaluations === 0 ? 'no evaluations recorded' : 'no successful evaluation') };
  }
  const mark = { type: 'circle' as const, size, opacity: 0.7, aria: false };
  const color = fitnessColor(d, o.label);
  const side = Math.max(100, Math.min(200, Math.floor((FACET_WIDTH - 48 * (k - 2)) / Math.max(1, k - 1))));
  // two coordinates: one full-size panel, the fitness landscape as explored (a grid search draws it whole)
  const twoD: TopLevelSpec | null = k === 2 ? {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: `Explored space: ${o.label} over ${names[0]} x ${names[1]}`, subtitle },
    data: { values: shown.map((s) => ({ a: s.coords[0], b: s.coords[1], f: s.value })) },
    width: WIDTH,
    height: 360,
    mark: { ...mark, size: shown.length > 3000 ? 8 : shown.length > 1000 ? 18 : 60, opacity: 0.85 },
    encoding: {
      x: { field: 'a', type: 'quantitative', title: names[0], scale: { zero: false, nice: false, padding: 10 } },
      y: { field: 'b', type: 'quantitative', title: names[1], scale: { zero: false, nice: false, padding: 10 } },
      color,
    },
  } : null;
  const spec: TopLevelSpec = twoD ?? (oneD ? {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: `Explored space: ${names[0]} against fitness`, subtitle },
    data: { values: shown.map((s) => ({ a: s.coords[0], f: s.value })) },
    width: WIDTH,
    height: 280,
    mark,
    encoding: {
      x: { field: 'a', type: 'quantitative', title: names[0], scale: { zero: false, nice: false, padding: 5 } },
      y: { field: 'f', type: 'quantitative', title: legendTitle(o.label), ...yFitness(d, shown.map((s) => s.value)) },
      color,
    },
  } : {
    // a scatter matrix's lower triangle as a facet grid: the row is the y coordinate, the column the x
    // one; each column's panels share its x range (same points), each row's its y range
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Explored space (scatter matrix)', subtitle },
    // no frames: the upper triangle's cells stay blank
    config: { ...CONFIG, view: { stroke: null } },
    data: { values: pairs.flatMap(([i, j]) => shown.map((s) => ({ row: names[i], col: names[j], a: s.coords[j], b: s.coords[i], f: s.value }))) },
    spacing: { row: 30, column: 40 },
    bounds: 'flush',
    facet: {
      row: { field: 'row', type: 'nominal', sort: names.slice(1), title: null, header: { labelFontSize: 12, labelOrient: 'left', labelAngle: -90, labelPadding: 30 } },
      column: { field: 'col', type: 'nominal', sort: names.slice(0, -1), title: null, header: { labelFontSize: 12, labelOrient: 'bottom', labelPadding: 24 } },
    },
    spec: {
      width: side,
      height: side,
      mark,
      encoding: {
        x: { field: 'a', type: 'quantitative', title: null, scale: { zero: false, nice: false, padding: 5 }, axis: { tickCount: 4, format: '~g', labelFlush: true } },
        y: { field: 'b', type: 'quantitative', title: null, scale: { zero: false, nice: false, padding: 5 }, axis: { tickCount: 4, format: '~g', labelFlush: true } },
        color,
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
  return {
    id: 'scatter-matrix', title: 'Explored space',
    caption: (oneD ? `The one coordinate against ${o.label}` : k === 2 ? `The two coordinates of the sampled successful individuals` : `Every pair of the first ${k} coordinates of the sampled successful individuals (the lower triangle of a scatter matrix: the row names the vertical coordinate, the column the horizontal one)`) +
      `, coloured by ${o.label} (dark is best, drawn on top): where the optimizer looked, and where it found the good values.`,
    spec,
  };
}

/**
 * The Pareto front of a run with two or more ranked objectives (nonzero weights): every successful
 * evaluation's first two ranked objectives as recorded (grey), the non-dominated set of all of them
 * (red; with exactly two, joined in order of the first objective: the trade-off curve).
 */
export function paretoFigure(d: ReportData): Figure | null {
  const p = d.pareto;
  if (!p) return null;
  const [oa, ob] = p.objectives;
  const better = (o: { sign: number }) => (o.sign < 0 ? 'lower is better' : 'higher is better');
  const m = p.objectives.length;
  const over = m > 2 ? `; the front is over all ${m} objectives (${p.objectives.map((o) => o.name).join(', ')}), the figure shows the first two` : '';
  if (p.front.length === 0) {
    return {
      id: 'pareto', title: 'Pareto front',
      caption: `No successful evaluation with finite ${oa.name} and ${ob.name}, so no Pareto front${over}.`,
      spec: textFigure('Pareto front', d.evaluations === 0 ? 'no evaluations recorded' : 'no successful evaluation'),
    };
  }
  const front = everyKth(p.front, MAX_MARKS / 2);
  const points = everyKth(p.points, MAX_MARKS - front.length);
  const line = m === 2;
  const kinds = { domain: ['evaluations', 'non-dominated'], range: ['#b5b5b5', '#c0392b'] };
  const axis = (field: string, o: { name: string; sign: number }) => ({
    field, type: 'quantitative' as const, title: legendTitle(`${o.name} (${better(o)})`), scale: { zero: false, nice: false, padding: 10 },
  });
  const frontNote = front.length < p.front.length ? ` (${front.length} drawn)` : '';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: `Pareto front: ${oa.name} x ${ob.name}`,
      subtitle: `${p.front.length} non-dominated of ${p.evaluations} successful evaluations${frontNote}; ${points.length < p.evaluations ? `${points.length} of them drawn (a fixed sample)` : 'all drawn'}${m > 2 ? `; front over all ${m} objectives` : ''}`,
    },
    width: WIDTH,
    height: 360,
    encoding: { x: { ...axis('a', oa), title: `${oa.name} (${better(oa)})` }, y: axis('b', ob) },
    layer: [
      {
        data: { values: points },
        mark: { type: 'circle', size: points.length > 3000 ? 8 : points.length > 1000 ? 14 : 24, opacity: 0.6, aria: false },
        encoding: { color: { datum: 'evaluations', scale: kinds, legend: { title: null, symbolOpacity: 1 } } },
      },
      ...(line ? [{ data: { values: front }, mark: { type: 'line' as const, strokeWidth: 1.5, color: '#c0392b', aria: false } }] : []),
      {
        data: { values: front },
        mark: { type: 'circle', size: front.length > 1000 ? 18 : 46, opacity: 0.95, aria: false },
        encoding: { color: { datum: 'non-dominated', scale: kinds } },
      },
    ],
  };
  return {
    id: 'pareto', title: 'Pareto front',
    caption: `The first two ranked objectives of every successful evaluation (grey${points.length < p.evaluations ? `, a fixed sample of ${points.length} of the ${p.evaluations}` : ''}): ` +
      `${oa.name} (${better(oa)}: weight ${oa.sign < 0 ? 'negative' : 'positive'}) against ${ob.name} (${better(ob)}: weight ${ob.sign < 0 ? 'negative' : 'positive'}), as recorded. ` +
      `In red the ${p.front.length} non-dominated of all ${p.evaluations} (no other is as good in every objective and better in one)${frontNote}` +
      `${line ? ', joined in order of the first objective' : ''}${over}. Failed evaluations are left out; the same set as trajectory.h5's /pareto/rows.`,
    spec,
  };
}
