/**
 * report.html: one self-contained page (no scripts, no external URLs): the run summary, every figure
 * as inline SVG with its caption (an animation as an inline GIF), and the failures table.
 */
import type { ReportData } from './data.js';
import type { Figure } from './figures.js';
import type { Animation } from './colony-animation.js';

export interface RenderedFigure extends Figure {
  svg: string;
}

const MAX_BEST_VALUES = 24;
const MAX_FAILURE_ROWS = 50;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function num(v: number | undefined | null, digits = 6): string {
  if (v === undefined || v === null) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
}

function seconds(v: number | undefined): string {
  return v === undefined ? '-' : `${num(v, 3)} s`;
}

/**
 * An inline SVG whose ids (clip paths, gradients) cannot collide with another figure's, shown at
 * 1.25 times its size where the page is wide enough (its 11 px labels then read like the text).
 */
function inlineSvg(svg: string, prefix: string): string {
  const width = Number(/^<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  return svg
    .replace(/<\?xml[^>]*>\s*/, '')
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`)
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(prefix)}"${width > 0 ? ` style="width: ${Math.round(width * 1.25)}px"` : ''} `);
}

function row(key: string, value: string, id?: string): string {
  return `<tr><th scope="row">${escapeHtml(key)}</th><td${id ? ` id="${id}"` : ''}>${value}</td></tr>`;
}

function params(o: unknown): string {
  if (!o || typeof o !== 'object') return '-';
  return Object.entries(o as Record<string, unknown>)
    .filter(([k]) => k !== 'type')
    .map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
    .join(', ') || '-';
}

function individualText(ind: Record<string, number | number[]>): string {
  return Object.entries(ind).map(([k, v]) => {
    if (!Array.isArray(v)) return `${escapeHtml(k)} = ${num(v)}`;
    const shown = v.slice(0, MAX_BEST_VALUES).map((x) => num(x)).join(', ');
    return `${escapeHtml(k)} = [${shown}${v.length > MAX_BEST_VALUES ? `, ... (${v.length} values)` : ''}]`;
  }).join('<br>');
}

function summarySection(d: ReportData): string {
  const s = d.summary;
  const exp = d.config.experiment ?? {};
  const o = d.objective;
  const best = s.best;
  const bestShown = best ? (o.single ? best.fitness[0] : best.weightedFitness) : undefined;
  const rows = [
    row('name', escapeHtml(s.name), 'summary-name'),
    row('status', `<span class="status status-${escapeHtml(s.status)}">${escapeHtml(s.status)}</span>`, 'summary-status'),
    row('stop reasons', s.stopReasons?.length ? s.stopReasons.map(escapeHtml).join('; ') : '-', 'summary-stop'),
    row('optimizer', `<b>${escapeHtml(s.optimizer)}</b> (${d.mode}) ${params(exp.optimizer)}`, 'summary-optimizer'),
    row('optimizee', `<b>${escapeHtml(s.optimizee)}</b> ${params(exp.optimizee)}`, 'summary-optimizee'),
    row('parameters', `${d.dim} coordinates: ${d.config.space.map((p) => escapeHtml(p.length === null ? p.name : `${p.name}[${p.length}]`) + ` in [${num(p.lower)}, ${num(p.upper)}]`).join(', ')}`),
    row('seed', num(s.seed)),
    row('ranks', num(s.ranks ?? d.config.ranks)),
    row('generations', `${num(s.generations ?? d.records)}${d.mode === 'steady-state' ? ' (result batches)' : ''}`, 'summary-generations'),
    row('evaluations', `${num(s.evaluations ?? d.evaluations)}${s.evaluations !== undefined && s.evaluations !== d.evaluations ? ` (${d.evaluations} recorded)` : ''}`, 'summary-evaluations'),
    row('failures', num(s.failures ?? d.failures.total), 'summary-failures'),
    row(`best ${o.label}`, best ? `${num(bestShown)} ${o.single ? `(weighted ${num(best.weightedFitness)})` : `(fitness [${best.fitness.map((v) => num(v)).join(', ')}])`} at generation ${best.generation}, index ${best.index}` : '-', 'summary-best'),
    row('best individual', best ? individualText(best.individual) : '-', 'summary-individual'),
    row('time', `wall ${seconds(s.wallSeconds)}; startup ${seconds(s.timing?.startupSeconds)}, run ${seconds(s.timing?.runSeconds)}, evaluation ${seconds(s.timing?.evaluationSeconds)}`, 'summary-time'),
  ];
  const notes: string[] = [];
  if (s.status === 'running') notes.push('summary.json says <b>running</b>: the run was still going, or was killed before it could write its final summary.');
  if (d.truncated) notes.push(`generations.msgpack ends in an incomplete record (${d.truncated.bytesIgnored} bytes, left out): the run was probably killed while writing.`);
  return `<section id="summary"><h2>Summary</h2>
${notes.map((n) => `<p class="note">${n}</p>`).join('\n')}
<table class="kv">${rows.join('\n')}</table>
${workersTable(d)}
</section>`;
}

function workersTable(d: ReportData): string {
  const workers = d.summary.workers ?? [];
  if (workers.length === 0) return '<p>No workers listed in summary.json.</p>';
  const evalSeconds = d.summary.timing?.evaluationSeconds;
  const body = workers.map((w) => `<tr><td>${w.rank}</td><td>${escapeHtml(w.host ?? '-')}</td><td class="n">${num(w.evaluations)}</td>` +
    `<td class="n">${num(w.busySeconds, 4)}</td><td class="n">${evalSeconds ? `${(100 * w.busySeconds / evalSeconds).toFixed(1)}%` : '-'}</td></tr>`).join('\n');
  return `<h3>Workers</h3>
<table id="workers" class="grid"><thead><tr><th>rank</th><th>host</th><th>evaluations</th><th>busy seconds</th><th>busy share of the evaluation phase</th></tr></thead>
<tbody>${body}</tbody></table>`;
}

function failuresSection(d: ReportData): string {
  const f = d.failures;
  if (f.total === 0) {
    const text = d.evaluations === 0 ? 'No evaluations were recorded.' : `No failures: all ${d.evaluations} evaluations succeeded.`;
    return `<section id="failures"><h2>Failures</h2><p id="no-failures">${text}</p></section>`;
  }
  const msgs = f.messages.map((m) => `<tr><td class="n">${m.count}</td><td>${escapeHtml(m.status)}</td><td>${escapeHtml(m.message)}` +
    (m.example && m.example.trim() !== m.message ? `<details><summary>full text (first occurrence)</summary><pre>${escapeHtml(m.example)}</pre></details>` : '') +
    `</td><td>generation ${m.first.generation}, index ${m.first.index}, rank ${m.first.rank}</td></tr>`).join('\n');
  const rows = f.rows.slice(0, MAX_FAILURE_ROWS).map((r) => `<tr><td class="n">${r.generation}</td><td class="n">${r.index}</td><td class="n">${r.rank}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.message)}</td></tr>`).join('\n');
  return `<section id="failures"><h2>Failures</h2>
<p>${f.total} of ${d.evaluations} evaluations failed or timed out, with ${f.messages.length} distinct message${f.messages.length === 1 ? '' : 's'}.</p>
<table id="failure-messages" class="grid"><thead><tr><th>count</th><th>status</th><th>message (first line)</th><th>first seen</th></tr></thead><tbody>
${msgs}
</tbody></table>
<h3>The first ${Math.min(MAX_FAILURE_ROWS, f.rows.length)} failed evaluations</h3>
<table id="failure-rows" class="grid"><thead><tr><th>generation</th><th>index</th><th>rank</th><th>status</th><th>message</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

const CSS = `
body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1.5em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; }
table.kv th { text-align: left; vertical-align: top; padding: 0.25em 1em 0.25em 0; color: #444; font-weight: normal; white-space: nowrap; }
table.kv td { padding: 0.25em 0; word-break: break-word; }
table.grid th, table.grid td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
table.grid th { background: #f4f4f4; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.status { padding: 0.05em 0.5em; border-radius: 0.3em; background: #eee; }
.status-completed { background: #d9f2d9; } .status-failed { background: #f8d7da; } .status-interrupted, .status-running { background: #fff3cd; }
.note { background: #fff3cd; padding: 0.5em 0.8em; border-radius: 0.3em; }
figure { margin: 1.2em 0 2em; }
figure svg { max-width: 100%; height: auto; display: block; }
figure img { max-width: 100%; height: auto; display: block; image-rendering: pixelated; }

figcaption { color: #444; margin-top: 0.4em; max-width: 60em; }
nav a { margin-right: 1em; }
pre { white-space: pre-wrap; font-size: 0.85em; background: #f8f8f8; padding: 0.5em; }
`;

/** A nested experiment's inner runs: a table linking each one's own records. */
function innerSection(d: ReportData): string {
  if (d.inner.length === 0) return '';
  const rows = d.inner.map((r) => {
    const href = `../${r.path}/${r.report ? 'report/report.html' : 'summary.json'}`; // report.html is in DIR/report/
    return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(r.path)}</a></td><td>${escapeHtml(r.status)}</td><td>${num(r.evaluations)}</td><td>${num(r.best)}</td></tr>`;
  }).join('\n');
  return `<section id="inner"><h2>Inner runs</h2>
<p>Each evaluation of this run was a whole inner experiment, with its own records in its folder (a link opens its report when it has one; <code>node dist/main.js report DIR/inner/NAME</code> draws it).</p>
<table class="inner"><thead><tr><th>inner run</th><th>status</th><th>evaluations</th><th>best weighted fitness</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

/** An animation inline (a data: URL keeps the page self-contained), at its size or the page's width. */
function inlineAnimation(a: Animation): string {
  return `<img src="data:${a.mime};base64,${Buffer.from(a.bytes).toString('base64')}" width="${a.width}" height="${a.height}" alt="${escapeHtml(a.title)}">`;
}

export function renderPage(d: ReportData, figures: RenderedFigure[], meta: { generatedBy: string }, animations: Animation[] = []): string {
  const s = d.summary;
  // each animation after the figure it names, the others at the end
  const shown: Array<RenderedFigure | Animation> = [
    ...figures.flatMap((f) => [f, ...animations.filter((a) => a.after === f.id)]),
    ...animations.filter((a) => !figures.some((f) => f.id === a.after)),
  ];
  const figs = shown.map((f, i) => `<figure id="fig-${f.id}" class="figure" data-figure="${f.id}">
${'svg' in f ? inlineSvg(f.svg, `fig-${f.id}`) : inlineAnimation(f)}
<figcaption><b>Figure ${i + 1}. ${escapeHtml(f.title)}.</b> ${escapeHtml(f.caption)}</figcaption>
</figure>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(s.name)}: l2l-mpi report</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(s.name)}</h1>
<p class="sub">${escapeHtml(s.optimizer)} on ${escapeHtml(s.optimizee)}: <span class="status status-${escapeHtml(s.status)}">${escapeHtml(s.status)}</span>, ${num(s.evaluations ?? d.evaluations)} evaluations, ${num(s.failures ?? d.failures.total)} failures. From ${escapeHtml(d.dir)}; ${escapeHtml(meta.generatedBy)}.</p>
<nav><a href="#summary">summary</a><a href="#figures">figures</a><a href="#failures">failures</a>${d.inner.length ? '<a href="#inner">inner runs</a>' : ''}</nav>
</header>
<main>
${summarySection(d)}
<section id="figures"><h2>Figures</h2>
${figs}
</section>
${failuresSection(d)}
${innerSection(d)}
</main>
</body>
</html>
`;
}
