/**
 * Checkpoint and resume through the whole stack: a run killed with SIGKILL at any moment (mid-run,
 * halfway through a checkpoint's temporary file, right after its rename, halfway through an event)
 * and resumed, with any rank count, ends with the trajectory and summary of an uninterrupted run,
 * and no individual is evaluated twice.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations, errorsMap } from '../../src/results/journal-codec.js';
import { decodeCheckpoint, decodeEvents } from '../../src/results/checkpoint.js';
import { ROOT, runMain, runMainMpi } from '../helpers/run-main.js';
import { PAUSED_LINE } from '../../src/experiment/recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-resume-'));
const MAIN = `${ROOT}dist/main.js`;

function experiment(name: string, body: string, file = join(dir, `${name}.yaml`)): string {
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
}

const GA = experiment('ga', `seed: 5
optimizer: {type: ga, pop_size: 24}
optimizee: {type: benchmark, preset: Rastrigin2d, faults: {rate: 0.05}, delay: {median_ms: 1, sigma: 0.3}}
stop: {generations: 16}
`);

/** The same experiment with a checkpoint after every generation (the default waits a second between them). */
const GA_EVERY = experiment('ga', readFileSync(GA, 'utf8').replace('name: ga\n', '') + 'checkpoint: {min_seconds: 0}\n', join(dir, 'ga-every.yaml'));

/** What must be identical between runs: every column but timing and ranks, and the errors. */
function trajectory(out: string) {
  return decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).map((g) => ({
    generation: g.generation, stats: g.stats, errors: Object.fromEntries(Object.entries(errorsMap(g.errors)).map(([k, v]) => [k, v.split('\n')[0]])),
    index: Array.from(g.index), x: Array.from(g.x), fitness: Array.from(g.fitness), weighted: Array.from(g.weighted), status: Array.from(g.status), seed: Array.from(g.seed),
  }));
}

function summary(out: string) {
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const { timing, workers, wallSeconds, checkpoints, ranks, dispatch, rank0, ...rest } = s;
  return { rest, workers: workers as Array<{ evaluations: number }> };
}

/**
 * Runs EXPERIMENT under mpirun -n 3 and kills the whole job with SIGKILL mid-run: every process of its
 * session (mpirun gives each rank a process group of its own), as Slurm kills a job. Mid-run by
 * construction, whatever the load: rank 0 stops itself once its `record`-th journal record is on disk
 * (L2L_PAUSE_AT), and the kill follows its word. A run that ends without pausing fails the test.
 */
function killAfterRecord(file: string, out: string, record: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${ROOT}launch/mpirun.sh`, ['-n', '3', process.execPath, MAIN, 'run', file, '--out', out, '--quiet'], {
      env: { ...process.env, L2L_PAUSE_AT: `record:${record}` }, detached: true, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (!killed && stderr.includes(PAUSED_LINE)) {
        killed = true;
        spawn('pkill', ['-KILL', '-s', String(child.pid)], { stdio: 'ignore' });
      }
    });
    child.on('close', () => {
      if (!killed) {
        reject(new Error(`the run ended before it could be killed mid-run (it never paused after journal record ${record}): ${stderr}`));
        return;
      }
      // the ranks are gone too: nothing writes to the results directory any more
      const wait = () => (spawnSync('pgrep', ['-s', String(child.pid)]).status === 0 ? setTimeout(wait, 20) : resolve());
      wait();
    });
  });
}


/** Evaluations already paid for in a killed run: told before its checkpoint, or logged after it. */
function paidFor(out: string): number {
  const cp = decodeCheckpoint(readFileSync(join(out, 'checkpoint.msgpack')));
  const ev = existsSync(join(out, 'events.msgpack')) ? decodeEvents(readFileSync(join(out, 'events.msgpack'))) : { after: -1, events: [] };
  const logged = ev.after === cp.seq ? ev.events.reduce((n, e) => n + (e.kind === 'results' ? e.n : 0), 0) : 0;
  return cp.counters.evaluations + logged;
}

let reference: ReturnType<typeof trajectory>;
let referenceSummary: ReturnType<typeof summary>['rest'];

t.before(async () => {
  const out = join(dir, 'reference');
  const r = await runMainMpi(3, ['run', GA, '--out', out, '--quiet']);
  if (r.code !== 0) throw new Error(r.stderr);
  reference = trajectory(out);
  referenceSummary = summary(out).rest;
});

t.test('killed mid-run (SIGKILL of the whole job), resumed on 2 ranks: the uninterrupted trajectory, nothing evaluated twice', async (t) => {
  const out = join(dir, 'mid');
  await killAfterRecord(GA, out, 6);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s.status, 'running', 'killed: the summary still says running');
  const before = decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).length;
  t.ok(before > 0 && before < 16, `killed after ${before} generations`);
  const paid = paidFor(out);
  const r = await runMainMpi(2, ['run', '--resume', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /resuming .*: checkpoint \d+ \(\d+ generations, \d+ evaluations\), then \d+ logged events replayed/);
  t.same(trajectory(out), reference, 'every generation as in the uninterrupted run');
  const after = summary(out);
  t.same(after.rest, referenceSummary, 'the same summary, timing and ranks aside');
  const evaluatedNow = after.workers.reduce((n, w) => n + w.evaluations, 0);
  t.equal(evaluatedNow, referenceSummary.evaluations - paid, `the resumed run evaluated only what had no result (${evaluatedNow} of ${referenceSummary.evaluations})`);
  t.ok(existsSync(join(out, 'trajectory.h5')));
});

for (const [point, n] of [['checkpoint-write', 6], ['checkpoint-renamed', 9], ['event', 40]] as const) {
  t.test(`killed ${point === 'event' ? 'halfway through an event' : point === 'checkpoint-write' ? 'halfway through writing a checkpoint' : 'between a checkpoint and its event log'} (${point}:${n}), resumed alone`, async (t) => {
    const out = join(dir, `${point}-${n}`);
    const child = await runMainMpi(3, ['run', GA_EVERY, '--out', out, '--quiet'], 120_000, { L2L_CRASH_AT: `${point}:${n}` });
    t.not(child.code, 0, 'rank 0 died');
    if (point !== 'event') t.equal(decodeCheckpoint(readFileSync(join(out, 'checkpoint.msgpack'))).seq, point === 'checkpoint-renamed' ? n : n - 1, 'the checkpoint in place is the last complete one');
    t.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status, 'running');
    const paid = paidFor(out);
    const r = runMain(['run', '--resume', out, '--quiet']);
    t.equal(r.code, 0, r.stderr);
    t.same(trajectory(out), reference);
    const after = summary(out);
    t.same(after.rest, referenceSummary);
    t.equal(after.workers.reduce((n, w) => n + w.evaluations, 0), referenceSummary.evaluations - paid, 'only what had no result was evaluated');
  });
}

t.test('a finished run continues with a larger budget; the result is the longer run', async (t) => {
  const short = experiment('ga', readFileSync(GA, 'utf8').replace('name: ga\n', '').replace('generations: 16', 'generations: 10'), join(dir, 'ga10.yaml'));
  const out = join(dir, 'extend');
  t.equal(runMain(['run', short, '--out', out, '--quiet']).code, 0);
  t.equal(trajectory(out).length, 10);
  const again = runMain(['run', '--resume', out, short, '--quiet']);
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, /completed: 10 generations/, 'the same budget: nothing more to do');
  t.equal(trajectory(out).length, 10);
  const r = runMain(['run', '--resume', out, GA, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.same(trajectory(out), reference, 'extended to 16 generations: the same as running 16 at once');
});

t.test('a resumed run refuses a different experiment, and a directory without a run', async (t) => {
  const out = join(dir, 'reference');
  const changed = experiment('ga', readFileSync(GA, 'utf8').replace('name: ga\n', '').replace('pop_size: 24', 'pop_size: 30'), join(dir, 'changed.yaml'));
  const r = runMain(['run', '--resume', out, changed]);
  t.equal(r.code, 2);
  t.match(r.stderr, /differs from the run in .* beyond what a resumed run may change \(stop, dispatch, checkpoint, [^)]*\): optimizer\.pop_size: was 24, now 30/);
  const seed = runMain(['run', '--resume', out, '--seed', '9']);
  t.equal(seed.code, 2);
  t.match(seed.stderr, /--seed 9: the run in .* has seed 5/);
  const none = runMain(['run', '--resume', join(dir, 'nothing-here')]);
  t.equal(none.code, 2);
  t.match(none.stderr, /holds no run/);
  t.equal(runMain(['run', '--resume', out, '--out', 'x']).code, 2);
});

t.test('asynchronous evolution killed mid-run and resumed: the budget exactly, every individual once', async (t) => {
  const file = experiment('async', `seed: 3
optimizer: {type: async-evolution, pop_size: 16}
optimizee: {type: benchmark, preset: Rastrigin2d, delay: {median_ms: 2, sigma: 0.5}}
stop: {evaluations: 400}
checkpoint: {every_evaluations: 50}
`);
  const out = join(dir, 'async');
  await killAfterRecord(file, out, 40);
  const paid = paidFor(out);
  t.ok(paid > 0 && paid < 400, `killed after ${paid} evaluations were paid for`);
  const r = await runMainMpi(4, ['run', '--resume', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const recs = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
  const births = recs.flatMap((g) => Array.from(g.index)).sort((a, b) => a - b);
  t.same(births, [...Array(400).keys()], 'birth numbers 0..399, each recorded once');
  const s = summary(out);
  t.equal(s.rest.evaluations, 400);
  t.equal(s.workers.reduce((n, w) => n + w.evaluations, 0), 400 - paid, 'nothing paid for was evaluated again');
});
