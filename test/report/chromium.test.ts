/**
 * report.html in a real browser: headless Chromium (Debian's, through puppeteer-core) opens it from
 * file://, with nothing to fetch and no script to run; every figure renders with a size, the summary
 * values are on the page, and screenshots are kept for a person to look at.
 *
 * Needs /usr/bin/chromium (launch/setup.sh installs Debian's chromium). Without it the test is
 * skipped, except under CI (CI set), where it fails.
 */
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { runMain } from '../helpers/run-main.js';
import { writeSyntheticRun } from './fixtures/synthetic-run.js';

const CHROMIUM = process.env.L2L_CHROMIUM ?? '/usr/bin/chromium';
const FIGURES = ['fitness', 'best-so-far', 'parameters', 'scatter-matrix', 'utilization', 'failures'];
/** The figures of a run: with several objectives (the synthetic run has two, both weighted), each one's figure and the Pareto front after best-so-far. */
const figuresOf = (name: string) => (name === 'synthetic' ? [...FIGURES.slice(0, 2), 'objectives', 'pareto', ...FIGURES.slice(2)] : FIGURES);

const root = mkdtempSync(join(tmpdir(), 'l2l-chromium-'));
const shots = join(root, 'screenshots');
mkdirSync(shots);

interface Run {
  name: string;
  dir: string;
}

async function runs(): Promise<Run[]> {
  const ga = join(root, 'ga');
  const exp = join(root, 'ga.yaml');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(exp, 'name: chromium-ga\nseed: 3\noptimizer: {type: ga, pop_size: 40, tourn_size: 4}\noptimizee: {type: benchmark, preset: Rastrigin10d}\nstop: {generations: 20}\n');
  const r = runMain(['run', exp, '--out', ga, '--quiet']);
  if (r.code !== 0) throw new Error(`run failed: ${r.stderr}`);
  const synthetic = join(root, 'synthetic');
  await writeSyntheticRun(synthetic);
  return [{ name: 'chromium-ga', dir: ga }, { name: 'synthetic', dir: synthetic }];
}

if (!existsSync(CHROMIUM)) {
  const why = `chromium not found at ${CHROMIUM}: install it with launch/setup.sh (Debian package chromium), or set L2L_CHROMIUM`;
  if (process.env.CI) t.fail(why);
  else t.test('report.html in headless Chromium', { skip: why }, () => {});
} else {
  t.test('report.html in headless Chromium: loads clean, every figure rendered, the summary shown', async (t) => {
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      // tests run as root, where Chromium refuses its sandbox
      args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
      headless: true,
    });
    t.teardown(() => browser.close());
    for (const run of await runs()) {
      await t.test(run.name, async (t) => {
        const rep = runMain(['report', run.dir]);
        t.equal(rep.code, 0, rep.stderr);
        const html = join(run.dir, 'report', 'report.html');
        const summary = JSON.parse(readFileSync(join(run.dir, 'summary.json'), 'utf8'));

        const page = await browser.newPage();
        await page.setViewport({ width: 1280, height: 900 });
        const problems: string[] = [];
        const external: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
        page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
        page.on('request', (r) => {
          if (!/^(file|data):/.test(r.url())) external.push(r.url());
        });
        const res = await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
        t.ok(res === null || res.ok(), 'the page loads');
        t.same(problems, [], 'no console errors, page errors or failed requests');
        t.same(external, [], 'nothing fetched from outside the file');

        const figures = await page.$$eval('figure.figure', (els) => els.map((el) => {
          const svg = el.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const caption = el.querySelector('figcaption')?.textContent ?? '';
          const marks = svg ? svg.querySelectorAll('.role-mark path, .role-mark rect, .role-mark line, .role-mark text').length : 0;
          const texts = svg ? [...svg.querySelectorAll('text')].filter((tx) => tx.getBBox().width > 0).length : 0;
          return { id: el.id, width: box?.width ?? 0, height: box?.height ?? 0, caption, marks, texts };
        }));
        t.same(figures.map((f) => f.id), figuresOf(run.name).map((f) => `fig-${f}`), 'every figure, in order');
        for (const f of figures) {
          t.ok(f.width > 300 && f.height > 50, `${f.id} rendered at ${Math.round(f.width)}x${Math.round(f.height)}`);
          t.ok(f.marks > 0, `${f.id} has ${f.marks} marks`);
          t.ok(f.texts >= 2, `${f.id} shows text (${f.texts} labels with a width)`);
          t.match(f.caption, /^Figure \d\. /, `${f.id} has a caption`);
        }
        // the SVGs fit the page: nothing wider than the viewport's content column
        const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
        t.notOk(overflow, 'no horizontal scrolling');

        const text = (sel: string) => page.$eval(sel, (el) => el.textContent ?? '');
        t.equal(await text('#summary-name'), summary.name);
        t.equal(await text('#summary-status'), summary.status);
        t.match(await text('#summary-evaluations'), String(summary.evaluations));
        t.equal(await text('#summary-failures'), String(summary.failures));
        t.match(await text('#summary-optimizer'), summary.optimizer);
        t.match(await text('#summary-best'), `generation ${summary.best.generation}, index ${summary.best.index}`);
        t.match(await text('#summary-stop'), summary.stopReasons[0]);
        t.equal(await page.$$eval('#workers tbody tr', (rows) => rows.length), summary.workers.length, 'a row per worker');
        if (summary.failures > 0) {
          t.ok(await page.$('#failure-messages'), 'the failures table');
          t.match(await text('#failures'), /ValueError: weight matrix is singular/);
        } else {
          t.match(await text('#no-failures'), /No failures/);
        }

        const full = join(shots, `${run.name}.png`);
        await page.screenshot({ path: full as `${string}.png`, fullPage: true });
        for (const id of figuresOf(run.name)) {
          const el = await page.$(`#fig-${id}`);
          await el!.screenshot({ path: join(shots, `${run.name}-${id}.png`) as `${string}.png` });
        }
        t.ok(statSync(full).size > 10_000, `screenshots in ${shots}`);
        await page.close();
      });
    }
  });
}
