/**
 * `report DIR` on real runs (a GA, and a steady-state run under mpirun) and on a run with failures
 * written through the Recorder: every file written, SVGs that parse and hold marks, PNGs of sensible
 * size, a self-contained page; bounded tables; one-line errors for what is not a results directory.
 * Runs of microsecond evaluations draw throughput and dispatch overhead in place of the utilization
 * heat map, and say why; runs of slow evaluations keep the heat map.
 */
import t, { type Test } from 'tap';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import resvg from '@resvg/resvg-js';
import { ROOT, runMain, runMainMpi } from '../helpers/run-main.js';
import { readJournal } from '../../src/results/journal.js';
import { loadReportData, SAMPLE_TARGET } from '../../src/report/data.js';
import { MAX_SERIES } from '../../src/report/series.js';
import { LOW_UTILIZATION, SHORT_EVALUATION_SECONDS } from '../../src/report/throughput.js';
import { writeSyntheticRun } from './fixtures/synthetic-run.js';

const root = mkdtempSync(join(tmpdir(), 'l2l-report-'));
const FIGURES = ['fitness', 'best-so-far', 'parameters', 'scatter-matrix', 'utilization', 'failures'];

function experiment(name: string, body: string): string {
  const file = join(root, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nseed: 5\n${body}`);
  return file;
}

/** PNG signature and the IHDR's width and height. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  if (!b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error(`${file}: no PNG signature`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Vega's SVG names every mark group by type: class="mark-symbol role-mark ...". */
function markTypes(svg: string): Set<string> {
  return new Set([...svg.matchAll(/class="mark-([a-z]+) role-mark/g)].map((m) => m[1]));
}

/** Checks the figures every run has, and `extra` (a run's own: pareto), written, parsed and shown. */
function checkReport(t: Test, out: string, stdout: string, extra: string[] = []): Record<string, string> {
  const svgs: Record<string, string> = {};
  for (const id of [...FIGURES, ...extra]) {
    for (const ext of ['svg', 'png']) {
      const f = join(out, `${id}.${ext}`);
      t.ok(existsSync(f), `${id}.${ext} written`);
      t.match(stdout, `wrote ${f}`, `${id}.${ext} reported`);
    }
    const svg = readFileSync(join(out, `${id}.svg`), 'utf8');
    svgs[id] = svg;
    t.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${id}.svg is an SVG document`);
    // resvg parses the XML strictly (roxmltree) and knows the figure's size
    const parsed = new resvg.Resvg(svg);
    t.ok(parsed.width > 200 && parsed.height > 50, `${id}.svg parses, ${parsed.width}x${parsed.height}`);
    t.ok(markTypes(svg).size > 0, `${id}.svg holds marks (${[...markTypes(svg)].join(', ')})`);
    const png = pngSize(join(out, `${id}.png`));
    t.ok(png.width >= 400 && png.width <= 6000 && png.height >= 100 && png.height <= 6000, `${id}.png is ${png.width}x${png.height}`);
    t.ok(Math.abs(png.width / png.height - parsed.width / parsed.height) < 0.05, `${id}.png has the SVG's proportions`);
  }
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  t.notMatch(html, /<script/i, 'no scripts');
  t.notMatch(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]*"/g, ''), /(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no external URLs');
  for (const id of [...FIGURES, ...extra]) t.match(html, `<figure id="fig-${id}"`, `report.html shows ${id}`);
  return svgs;
}

t.test('a generational GA run: every figure, fitness as the function value on a log scale', async (t) => {
  const out = join(root, 'ga');
  const r = runMain(['run', experiment('ga', 'optimizer: {type: ga, pop_size: 30, tourn_size: 4}\noptimizee: {type: benchmark, preset: Rastrigin10d}\nstop: {generations: 15}\n'), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  t.equal(rep.stderr, '', 'nothing on stderr (no vega warnings)');
  const svgs = checkReport(t, join(out, 'report'), rep.stdout);
  t.ok(markTypes(svgs.fitness).has('area') && markTypes(svgs.fitness).has('line'), 'fitness: bands and lines');
  t.match(svgs.fitness, /fitness \(lower is better\)/, 'the function value, lower is better');
  t.match(svgs.fitness, /log scale/);
  t.ok(markTypes(svgs['best-so-far']).has('line'));
  t.ok(markTypes(svgs.parameters).has('symbol') && (svgs.parameters.match(/<path /g) ?? []).length > 300, 'parameters: many points');
  t.match(svgs.parameters, />coords\[9\]</, 'a panel per coordinate, named');
  t.match(svgs['scatter-matrix'], />coords\[5\]</);
  t.notMatch(svgs['scatter-matrix'], />coords\[6\]</, 'at most 6 coordinates in the matrix');
  // microsecond evaluations in process: the throughput figure or the heat map, whichever the rule picks
  t.ok(markTypes(svgs.utilization).has(loadReportData(out).throughput.tooShort ? 'line' : 'rect'), 'utilization: lines or a heat map');
  t.match(svgs.failures, /no failures/, 'the failures figure says so when there are none');
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.match(html, `<td id="summary-evaluations">${summary.evaluations}`);
  t.match(html, /id="no-failures"/);

  const d = loadReportData(out);
  t.match(d.objective, { single: true, minimize: true, log: true, weights: [-1] });
  t.equal(d.pareto, null, 'one objective: no Pareto front');
  t.notOk(existsSync(join(out, 'report', 'pareto.svg')), 'nor its figure');
  t.notMatch(html, /fig-pareto/);
  t.equal(d.mode, 'generational');
  t.equal(d.series.length, 15);
  t.equal(d.evaluations, summary.evaluations);
  t.equal(d.bestSoFar[d.bestSoFar.length - 1].best, summary.best.fitness[0], 'best so far ends at the best');
  t.ok(d.series.every((p) => p.best! <= p.median! && p.q1! <= p.median! && p.median! <= p.q3! && p.lo! <= p.q1! && p.q3! <= p.hi!), 'quantiles ordered');

  const only = runMain(['report', out, '--out', join(root, 'ga-svg'), '--format', 'svg']);
  t.equal(only.code, 0, only.stderr);
  t.same(readdirSync(join(root, 'ga-svg')).sort(), [...FIGURES.map((f) => `${f}.svg`), 'report.html'].sort(), '--format svg: SVGs and the page only');
  const small = runMain(['report', out, '--out', join(root, 'ga-png'), '--format', 'png', '--scale', '1']);
  t.equal(small.code, 0, small.stderr);
  const big = pngSize(join(out, 'report', 'fitness.png'));
  const one = pngSize(join(root, 'ga-png', 'fitness.png'));
  t.ok(Math.abs(one.width * 2 - big.width) <= 2, `--scale 1: half the default size (${one.width} px against ${big.width})`);
  t.equal(runMain(['report', out, '--scale', '0']).code, 2);
});

t.test('a steady-state run under mpirun: binned by evaluations, utilization per rank', async (t) => {
  const out = join(root, 'async');
  const file = experiment('async', 'optimizer: {type: async-evolution, pop_size: 16, n_islands: 2, migration_interval: 10}\n' +
    'optimizee: {type: benchmark, preset: Ackley2d, delay: {median_ms: 0.5, sigma: 0.5}}\nstop: {evaluations: 700}\n');
  const r = await runMainMpi(3, ['run', file, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  const svgs = checkReport(t, join(out, 'report'), rep.stdout);
  const d = loadReportData(out);
  t.equal(d.mode, 'steady-state');
  t.equal(d.xLabel, 'evaluations');
  t.equal(d.evaluations, 700);
  if (d.records > MAX_SERIES) {
    t.ok(d.binned && d.series.length <= 250, `${d.records} records binned into ${d.series.length} points`);
    t.equal(d.series.reduce((n, p) => n + p.evaluated, 0), 700, 'every evaluation in one bin');
  }
  t.same(d.utilization.ranks, [1, 2], 'the worker ranks');
  t.ok(d.utilization.meanBusy > 0.05 && d.utilization.meanBusy <= 1, `mean busy ${d.utilization.meanBusy}`);
  t.match(svgs.utilization, />1 \(/, 'rank 1 labelled with its host');
  t.match(svgs.fitness, /evaluations/);
  // evaluations of about half a millisecond that keep the workers busy: the heat map shows them (a
  // loaded machine stretches them past a millisecond, which makes them no shorter: either way, not
  // too short, since the workers are busy)
  t.ok(!d.throughput.tooShort, `median ${d.throughput.medianSeconds} s, workers busy ${d.utilization.meanBusy}: still drawn as utilization`);
  t.ok(markTypes(svgs.utilization).has('rect'));
  t.notMatch(svgs.utilization, /too short/);
  t.equal(d.throughput.messages, d.records, 'steady state: a record per result message');
});

/** The text of an SVG's text marks, a line each (a title's lines are tspans), entities decoded (µ and × are written as is). */
function svgText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)]
    .flatMap((m) => m[1].split(/<tspan[^>]*>/).map((part) => part.replace(/<\/tspan>/g, '')))
    .filter((line) => line !== '')
    .map((line) => line.replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
    .join('\n');
}

t.test('trivial evaluations under mpirun: throughput and dispatch overhead instead of an empty heat map', async (t) => {
  const out = join(root, 'trivial');
  const r = await runMainMpi(3, ['run', experiment('trivial', 'optimizer: {type: ga, pop_size: 50, tourn_size: 4}\noptimizee: {type: benchmark, preset: Rastrigin10d}\nstop: {generations: 40}\n'), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  t.equal(rep.stderr, '', 'nothing on stderr (no vega warnings)');
  const svgs = checkReport(t, join(out, 'report'), rep.stdout);
  const d = loadReportData(out);
  const th = d.throughput;
  t.ok(th.medianSeconds < SHORT_EVALUATION_SECONDS, `median evaluation ${th.medianSeconds} s`);
  t.ok(d.utilization.meanBusy < LOW_UTILIZATION, `mean utilization ${d.utilization.meanBusy}`);
  t.ok(th.tooShort, 'too short to show');
  t.equal(th.workers, 2);

  const text = svgText(svgs.utilization);
  t.match(text, /Evaluations were too short for utilization to show:/, 'the figure says why');
  t.match(text, /median evaluation [\d.]+ \u00b5s, workers busy [\d.]+% of the [\d.]+ (ms|s) run/, 'with the median evaluation and the mean utilization');
  t.match(text, /Throughput and dispatch overhead over time/);
  t.match(text, /result messages \(estimated\)/);
  t.match(text, /whole run: [\d.]+ (\u00b5s|ms)/);
  t.ok(markTypes(svgs.utilization).has('line'), 'rates and overhead as lines');
  t.notOk(markTypes(svgs.utilization).has('rect'), 'no heat map');
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  t.match(html, /<figcaption><b>Figure 5\. Throughput and dispatch overhead \(evaluations too short for utilization\)\.<\/b> The evaluations were too short/);

  // windows of whole generations from the optimizer's start to the last result, every evaluation in one
  t.equal(th.windows[0].t0, 0);
  t.equal(th.windows[th.windows.length - 1].t1, d.utilization.span);
  t.ok(th.windows.every((w, i) => w.t1 > w.t0 && (i === 0 || w.t0 === th.windows[i - 1].t1)), 'windows tile the run');
  t.ok(th.windows.length <= 61 && th.windows.length >= 10, `${th.windows.length} windows`);
  t.equal(th.windows.reduce((n, w) => n + w.evaluations, 0), d.evaluations);
  t.equal(th.windows.reduce((n, w) => n + w.messages, 0), th.messages);
  t.ok(th.messages > d.records && th.messages <= d.evaluations, `${th.messages} messages: more than one per generation, at most one per evaluation`);
  // overhead: the workers' time not spent evaluating, per evaluation; here it dwarfs the evaluations
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const busy = summary.workers.reduce((s: number, w: { busySeconds: number }) => s + w.busySeconds, 0);
  const expected = (2 * d.utilization.span - busy) / d.evaluations;
  t.ok(Math.abs(th.overheadPerEvaluation / expected - 1) < 0.05, `overhead ${th.overheadPerEvaluation} s per evaluation (${expected} from the workers' busy seconds)`);
  t.ok(th.overheadPerEvaluation > 10 * th.medianSeconds, 'the framework costs more than the evaluations');
  t.ok(th.windows.every((w) => w.evaluationsPerSecond >= w.messagesPerSecond && w.messagesPerSecond > 0));
});

t.test('result messages estimated from a generational journal: close to the truth with a fixed batch size', async (t) => {
  const out = join(root, 'batched');
  const batch = 4;
  const r = await runMainMpi(3, ['run', experiment('batched', `optimizer: {type: ga, pop_size: 60, tourn_size: 4}\noptimizee: {type: benchmark, preset: Ackley2d}\nstop: {generations: 10}\ndispatch: {batch: ${batch}}\n`), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const d = loadReportData(out);
  // every generation is one block, cut into batches of `batch` rows. The journal does not record
  // messages: they are estimated from gaps between start times, which a loaded machine blurs (a worker
  // preempted inside a batch, two batches back to back), so only the order of magnitude is held here;
  // on a quiet machine the estimate was exact (88 of 88)
  const truth = d.series.reduce((n, p) => n + Math.ceil(p.evaluated / batch), 0);
  t.ok(d.throughput.messages >= truth / 2 && d.throughput.messages <= 2 * truth, `${d.throughput.messages} messages estimated, ${truth} sent`);
});

t.test('slow evaluations: the utilization heat map stays', async (t) => {
  const out = join(root, 'slow');
  const r = await runMainMpi(3, ['run', experiment('slow', 'optimizer: {type: ga, pop_size: 8, tourn_size: 2}\noptimizee: {type: benchmark, preset: Ackley2d, delay: {median_ms: 20, sigma: 0.1}}\nstop: {generations: 4}\n'), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  const svgs = checkReport(t, join(out, 'report'), rep.stdout);
  const d = loadReportData(out);
  t.ok(d.throughput.medianSeconds > 0.015 && d.throughput.medianSeconds < 0.03, `median evaluation ${d.throughput.medianSeconds} s`);
  t.notOk(d.throughput.tooShort);
  t.ok(markTypes(svgs.utilization).has('rect'), 'a heat map');
  t.match(svgs.utilization, /Worker utilization over time/);
  t.notMatch(svgs.utilization, /too short/);
  t.match(readFileSync(join(out, 'report', 'report.html'), 'utf8'), /<b>Figure 5\. Worker utilization\.<\/b>/);
});

t.test('a run with failures: counted per generation, messages grouped, tabled', async (t) => {
  const out = join(root, 'synthetic');
  const { failures, evaluations } = await writeSyntheticRun(out);
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  t.equal(rep.stderr, '');
  const svgs = checkReport(t, join(out, 'report'), rep.stdout, ['objectives', 'pareto']);
  t.ok(markTypes(svgs.failures).has('rect') && markTypes(svgs.failures).has('text'), 'failures per generation and the messages');
  t.match(svgs.failures, /ValueError: weight matrix is singular/);
  t.match(svgs.failures, new RegExp(`${failures} of ${evaluations} evaluations failed`));
  t.match(svgs.fitness, /weighted fitness \(higher is better\)/, 'two objectives: the weighted fitness');
  t.match(svgs.parameters, />gain</);
  t.match(svgs.parameters, />w\[2\]</);

  const d = loadReportData(out);
  t.equal(d.failures.total, failures);
  t.same(d.failures.messages.map((m) => [m.status, m.count]), [['failed', 15], ['failed', 12], ['timed-out', 6]]);
  t.equal(d.failures.messages[0].variants, 9, 'messages differing only in numbers are one kind');
  t.match(d.failures.messages[0].example, /at Network\.step/, 'the whole text kept for the table');
  t.equal(d.series.reduce((n, p) => n + p.failed + p.timedOut, 0), failures);
  t.match(d.objective, { single: false, weights: [1, -0.5], minimize: false, log: false });
  // two weighted objectives, whatever the optimizer (a GA here): the Pareto front, after the objectives figure
  t.match(d.pareto?.objectives, [{ component: 0, name: 'fitness[0]', sign: 1 }, { component: 1, name: 'fitness[1]', sign: -1 }]);
  t.equal(d.pareto?.evaluations, evaluations - failures, 'every success, no failure');
  t.match(svgs.pareto, /fitness\[0\] \(higher is better\)/);
  t.match(svgs.pareto, /lower is better/);
  t.match(svgs.pareto, new RegExp(`${d.pareto!.front.length} non-dominated of ${evaluations - failures} successful evaluations`));
  t.same(d.coordNames, ['gain', 'w[0]', 'w[1]', 'w[2]']);
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  t.match(html, /<table id="failure-messages"/);
  t.match(html, /Traceback \(most recent call last\)/, 'full text in the table');
  t.match(html, /<td id="summary-failures">33<\/td>/);
});

/** The non-dominated successful evaluations (0-based, journal order) of a run's journal, by pairwise dominance, as ranked with `signs`. */
function bruteFront(dir: string, signs: number[]): number[] {
  const rows: Array<number[] | null> = [];
  for (const r of readJournal(join(dir, 'generations.msgpack')).records) {
    for (let k = 0; k < r.index.length; k++) {
      const y = signs.map((s, j) => s * r.fitness[k * r.nObj + j]);
      rows.push(r.status[k] === 0 && y.every(Number.isFinite) ? y : null);
    }
  }
  const dominates = (a: number[], b: number[]) => a.every((v, j) => v >= b[j]) && a.some((v, j) => v > b[j]);
  return rows.flatMap((y, i) => (y && !rows.some((z) => z && dominates(z, y)) ? [i] : []));
}

t.test('an nsga2 run of two minimised objectives (ZDT1 in Python): the Pareto front drawn, the non-dominated set of all evaluations', async (t) => {
  const out = join(root, 'nsga2');
  const r = runMain(['run', experiment('nsga2', `optimizer: {type: nsga2, pop_size: 24}
optimizee:
  type: python
  module: ${ROOT}test/report/fixtures/zdt1.py
  weights: [-1, -1]
  parameters: [{name: x, lower: 0, upper: 1, length: 4}]
stop: {generations: 12}
evaluation: {isolation: process}
`), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  t.equal(rep.stderr, '', 'nothing on stderr (no vega warnings)');
  const svgs = checkReport(t, join(out, 'report'), rep.stdout, ['objectives', 'pareto']);
  const d = loadReportData(out);
  const brute = bruteFront(out, [-1, -1]);
  t.ok(brute.length >= 3, `a front of ${brute.length}`);
  t.same(d.pareto!.front.map((p) => p.evaluation).sort((a, b) => a - b), brute, 'the non-dominated set of every evaluation');
  t.ok(d.pareto!.front.every((p, i, f) => i === 0 || (p.a >= f[i - 1].a && p.b <= f[i - 1].b)), 'in order of the first objective: the second falls along it');
  t.equal(d.pareto!.evaluations, d.evaluations);
  t.equal(d.pareto!.points.length, d.evaluations, 'few evaluations: every one drawn');
  t.ok(markTypes(svgs.pareto).has('symbol') && markTypes(svgs.pareto).has('line'), 'points and the front\'s line');
  t.match(svgs.pareto, /fitness\[0\] \(lower is better\)/);
  t.match(svgs.pareto, new RegExp(`${brute.length} non-dominated of ${d.evaluations} successful evaluations`));
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  const order = [...html.matchAll(/<figure id="fig-([a-z-]+)"/g)].map((m) => m[1]);
  t.equal(order.indexOf('pareto'), order.indexOf('objectives') + 1, 'the Pareto front right after each objective');
  t.match(html, new RegExp(`In red the ${brute.length} non-dominated of all ${d.evaluations}`));
});

t.test('a killed run: a truncated last record is left out, and the page says so', async (t) => {
  const src = join(root, 'ga');
  const out = join(root, 'killed');
  mkdirSync(out, { recursive: true });
  for (const f of ['summary.json', 'config.json', 'generations.msgpack']) copyFileSync(join(src, f), join(out, f));
  const gen = join(out, 'generations.msgpack');
  truncateSync(gen, statSync(gen).size - 100);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  writeFileSync(join(out, 'summary.json'), JSON.stringify({ ...summary, status: 'running', stopReasons: [] }));
  const rep = runMain(['report', out]);
  t.equal(rep.code, 0, rep.stderr);
  const d = loadReportData(out);
  t.equal(d.records, 14, 'the 14 complete generations');
  t.ok(d.truncated && d.truncated.bytesIgnored > 100);
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  t.match(html, /ends in an incomplete record/);
  t.match(html, /summary\.json says <b>running<\/b>/);
});

t.test('samples stay bounded on a long run', async (t) => {
  const out = join(root, 'long');
  const r = runMain(['run', experiment('long', 'optimizer: {type: ga, pop_size: 200, tourn_size: 4}\noptimizee: {type: benchmark, preset: Ackley2d}\nstop: {generations: 600}\n'), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const d = loadReportData(out);
  t.ok(d.evaluations > 2 * SAMPLE_TARGET, `${d.evaluations} evaluations`);
  t.ok(d.samples.length <= SAMPLE_TARGET * 1.1 && d.samples.length >= SAMPLE_TARGET * 0.9, `${d.samples.length} samples`);
  t.same(loadReportData(out).samples.map((s) => s.evaluation), d.samples.map((s) => s.evaluation), 'the same sample every time');
  t.ok(d.binned && d.series.length <= 250 && d.xLabel === 'generation', `600 generations binned into ${d.series.length} points`);
  t.equal(d.series.reduce((n, p) => n + p.evaluated, 0), d.evaluations);
});

t.test('not a results directory: one line, exit 2', async (t) => {
  const missing = runMain(['report', join(root, 'nowhere')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^error: report: no such directory: .*nowhere\n$/);
  const foreign = join(root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'hello');
  const r = runMain(['report', foreign]);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: report: .*foreign is not a results directory \(no summary\.json, config\.json or generations\.msgpack\)\n$/);
  writeFileSync(join(foreign, 'summary.json'), '{"name": "x", "status": "completed"}');
  writeFileSync(join(foreign, 'config.json'), '{"space": []}');
  writeFileSync(join(foreign, 'generations.msgpack'), 'not msgpack at all');
  const bad = runMain(['report', foreign]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^error: report: .*generations\.msgpack: /);
  t.equal(bad.stderr.trim().split('\n').length, 1);
  t.equal(runMain(['report']).code, 2);
  t.equal(runMain(['report', foreign, '--format', 'gif']).code, 2);
  t.match(runMain(['report', '--help']).stdout, /usage: node dist\/main.js report RESULTS_DIR/);
  t.match(runMain(['help', 'report']).stdout, /usage: node dist\/main.js report/);
});
