/**
 * What every figure of the report shares: the Figure record, the font, the sizes and the vega-lite
 * config (figures.ts draws the run's figures, assessment-figures.ts those of an assessment).
 */
import type { TopLevelSpec } from 'vega-lite';

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
