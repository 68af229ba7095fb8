/**
 * vega-lite spec -> SVG (vega's headless View, renderer 'none': no browser, no canvas package)
 * -> PNG (resvg, with the DejaVu fonts the SVG names).
 */
import { existsSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import resvg from '@resvg/resvg-js';
import { FONT } from './figures.js';

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu'].filter((d) => existsSync(d));

/** The figure as a standalone SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vgSpec } = compile(spec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return compact(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Smaller SVG, same picture: coordinates to 2 decimals (vega writes 15 digits), colours as hex, no
 * stroke width on paths without a stroke. A scatter plot's SVG shrinks by half.
 */
function compact(svg: string): string {
  return svg
    .replace(/\b(transform|d)="([^"]*)"/g, (_m, attr: string, v: string) =>
      `${attr}="${v.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))}"`)
    .replace(/rgb\((\d+), ?(\d+), ?(\d+)\)/g, (_m, r: string, g: string, b: string) =>
      `#${[r, g, b].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`)
    .replace(/<path [^>]*>/g, (tag) => (tag.includes(' stroke="') ? tag : tag.replace(' stroke-width="2"', '')));
}

/** The SVG as a PNG at `scale` times its size, on white. */
export function renderPng(svg: string, scale = 2): Buffer {
  const r = new resvg.Resvg(svg, {
    font: { loadSystemFonts: true, fontDirs: FONT_DIRS, defaultFontFamily: FONT, sansSerifFamily: FONT },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    shapeRendering: 2,
    textRendering: 1,
  });
  return r.render().asPng();
}
