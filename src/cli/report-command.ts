/**
 * `report DIR`: the figures of a results directory (SVG and PNG) and one self-contained report.html.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from './exit-codes.js';
import { version } from '../runtime/version.js';
import type { RenderedFigure } from '../report/page.js';

export const REPORT_HELP = `usage: node dist/main.js report RESULTS_DIR [--out OUTDIR] [--format png,svg] [--scale N]

Draws a finished (or killed) run's results directory as figures and one self-contained report.html
(no scripts, no external links: open it in any browser, mail it, archive it).

  --out OUTDIR       where to write (default RESULTS_DIR/report)
  --format LIST      figure files to write beside report.html: png, svg or png,svg (default png,svg)
  --scale N          PNG pixels per SVG pixel, 0.5 to 8 (default 2)

Figures: fitness (best, median, spread per generation), best-so-far (against evaluations),
parameters (each coordinate per generation, coloured by fitness), scatter-matrix (pairs of up to 6
coordinates), utilization (busy fraction per rank over time; for a run whose evaluations are too
short to show there, throughput and dispatch overhead instead, saying so), failures (per generation,
and the most frequent messages); colony.gif, an animation, where the run's assessment has a colony's
frames (ants). Exit code 0 when written, 2 when RESULTS_DIR is not a results directory.
`;

const FORMATS = ['png', 'svg'] as const;
type Format = (typeof FORMATS)[number];

export interface ReportOutput {
  outDir: string;
  files: string[];
  seconds: { load: number; svg: number; png: number; total: number };
}

/**
 * Writes the figures and report.html for results directory `dir`. Throws ReportInputError (from
 * report/data.js) when `dir` is not a results directory. vega and resvg are loaded here, not when
 * the command line starts (every rank of every run would pay for them).
 */
export async function writeReport(dir: string, opts: { outDir?: string; formats?: readonly Format[]; scale?: number } = {}): Promise<ReportOutput> {
  const [{ loadReportData }, { allFigures }, { renderPage }, { renderPng, renderSvg }, { allAnimations }] = await Promise.all([
    import('../report/data.js'), import('../report/figures.js'), import('../report/page.js'), import('../report/render.js'), import('../report/colony-animation.js'),
  ]);
  const t0 = performance.now();
  const data = loadReportData(dir);
  const t1 = performance.now();
  const outDir = opts.outDir ?? join(dir, 'report');
  const formats = opts.formats ?? FORMATS;
  const figures = allFigures(data);
  const rendered: RenderedFigure[] = [];
  for (const f of figures) rendered.push({ ...f, svg: await renderSvg(f.spec) });
  const t2 = performance.now();
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const f of rendered) {
    if (formats.includes('svg')) {
      writeFileSync(join(outDir, `${f.id}.svg`), f.svg);
      files.push(join(outDir, `${f.id}.svg`));
    }
    if (formats.includes('png')) {
      writeFileSync(join(outDir, `${f.id}.png`), renderPng(f.svg, opts.scale));
      files.push(join(outDir, `${f.id}.png`));
    }
  }
  // animations (the ants colony's GIF) whatever the formats: they have no SVG or PNG of their own
  const animations = allAnimations(data);
  for (const a of animations) {
    writeFileSync(join(outDir, a.file), a.bytes);
    files.push(join(outDir, a.file));
  }
  const t3 = performance.now();
  const html = renderPage(data, rendered, { generatedBy: `l2l-mpi ${version()} report` }, animations);
  writeFileSync(join(outDir, 'report.html'), html);
  files.push(join(outDir, 'report.html'));
  const t4 = performance.now();
  return { outDir, files, seconds: { load: (t1 - t0) / 1000, svg: (t2 - t1) / 1000, png: (t3 - t2) / 1000, total: (t4 - t0) / 1000 } };
}

export async function reportCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: { out: { type: 'string' }, format: { type: 'string' }, scale: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    throw new UsageError(`report: ${(err as Error).message.split('\n')[0]} (see report --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(REPORT_HELP);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`report: expected one results directory, got ${parsed.positionals.length} (see report --help)`);
  let formats: Format[] = [...FORMATS];
  if (parsed.values.format !== undefined) {
    const asked = parsed.values.format.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    const bad = asked.filter((s) => !(FORMATS as readonly string[]).includes(s));
    if (asked.length === 0 || bad.length > 0) {
      throw new UsageError(`report: --format: got ${JSON.stringify(parsed.values.format)}, expected png, svg or png,svg`);
    }
    formats = [...new Set(asked)] as Format[];
  }
  const scale = parsed.values.scale === undefined ? undefined : Number(parsed.values.scale);
  if (scale !== undefined && !(scale >= 0.5 && scale <= 8)) {
    throw new UsageError(`report: --scale: got ${JSON.stringify(parsed.values.scale)}, expected a number from 0.5 to 8`);
  }
  const dir = parsed.positionals[0];
  let out: ReportOutput;
  try {
    out = await writeReport(dir, { outDir: parsed.values.out, formats, scale });
  } catch (err) {
    if (err instanceof (await import('../report/data.js')).ReportInputError) throw new UsageError(`report: ${err.message}`);
    throw err;
  }
  for (const f of out.files) process.stdout.write(`wrote ${f}\n`);
  process.stdout.write(`report: ${resolve(out.outDir, 'report.html')} (${out.seconds.total.toFixed(2)} s)\n`);
  return EXIT.ok;
}
