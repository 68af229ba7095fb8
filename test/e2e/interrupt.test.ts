/**
 * Ctrl-C on a running job: mpirun forwards the signal, rank 0 stops after the evaluations in flight,
 * records the run as interrupted and ends the workers; no process is left behind.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { startMainMpi } from '../helpers/run-main.js';

t.test('SIGINT to mpirun ends every rank with an interrupted, consistent record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-int-'));
  const file = join(dir, 'long.yaml');
  writeFileSync(file, 'name: long\nseed: 1\noptimizer: {type: ga, pop_size: 100, tourn_size: 5}\noptimizee: {type: benchmark, preset: Rastrigin10d}\nstop: {generations: 100000000}\n');
  const out = join(dir, 'out');
  const job = startMainMpi(3, ['run', file, '--out', out, '--quiet'], 120_000);
  // Wait until generations are on disk (the run is long by construction: 10^8 generations); the
  // test's own timeout bounds the wait, and a job that ended first fails it.
  let ended = false;
  void job.done.then(() => (ended = true));
  const journal = join(out, 'generations.msgpack');
  while (!(existsSync(journal) && statSync(journal).size > 30_000)) {
    if (ended) t.fail(`the job ended before it was interrupted: ${(await job.done).stderr}`);
    if (ended) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  job.child.kill('SIGINT');
  const r = await job.done;
  t.match(r.stdout, /interrupted: \d+ generations/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(summary.status, 'interrupted');
  t.match(summary.stopReasons, [/interrupted by SIG(INT|TERM)/]);
  t.ok(summary.generations > 0, `generations done: ${summary.generations}`);
  const gens = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
  t.equal(gens.length, summary.generations, 'every generation told is on disk, none half-written');
  t.equal(gens.reduce((n, g) => n + g.index.length, 0), summary.evaluations);
  const stray = (() => {
    try {
      return execFileSync('pgrep', ['-f', `${out}`], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  })();
  t.equal(stray, '', 'no rank left running');
});
