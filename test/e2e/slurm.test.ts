/**
 * launch/slurm.sbatch under a real Slurm: a throwaway one-node cluster from Debian's packages
 * (test/helpers/slurm.ts) takes the template as a user would submit it, from a working directory
 * with dist/ (results under its results/, the log in its l2l-<jobid>.out).
 *
 *   a. the job runs to completion: JobState COMPLETED, the summary says completed, with every
 *      generation of the budget and every evaluation in the journal;
 *   b. the same experiment in a second job, signalled mid-run as the template's
 *      `#SBATCH --signal=B:TERM@120` signals it before the time limit (SIGTERM to the batch shell,
 *      which is mpirun), ends with an interrupted summary; `sbatch launch/slurm.sbatch --resume DIR`
 *      in a third job continues it to the trajectory and summary of job a, evaluating only what had
 *      no result.
 *
 * Skipped, saying why, where no cluster can be started (not root, the packages absent, the daemons
 * failing); under CI (launch/setup.sh installs the packages there) that is a failure instead.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations, errorsMap } from '../../src/results/journal-codec.js';
import { decodeCheckpoint, decodeEvents } from '../../src/results/checkpoint.js';
import { ROOT } from '../helpers/run-main.js';
import { slurmUnavailable, startSlurm, type JobInfo, type SlurmCluster } from '../helpers/slurm.js';

t.setTimeout(900_000);

const TEMPLATE = join(ROOT, 'launch', 'slurm.sbatch');
const NAME = 'slurm-ga';
const GENERATIONS = 40;
/**
 * Each evaluation sleeps about 50 ms (a floor whatever the load), so a generation takes at least
 * ~0.2 s on 2 workers and the run at least ~8 s: a run seen to have written 2 generations has
 * seconds of work left when the signal arrives. The test fails, saying so, if it had not.
 */
const EXPERIMENT = `name: ${NAME}
seed: 5
optimizer: {type: ga, pop_size: 24}
optimizee: {type: benchmark, preset: Rastrigin2d, delay: {median_ms: 50, sigma: 0.3}}
stop: {generations: ${GENERATIONS}}
`;
/** One node, 3 tasks: rank 0 optimizes, ranks 1-2 evaluate. The template asks for 2x32 and 2 h. */
const SHAPE = ['--nodes=1', '--ntasks=3', '--ntasks-per-node=3', '--time=10'];
const JOB_TIMEOUT_MS = 300_000;

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

/** Generations in the journal so far (a record being appended does not count yet). */
function generationsOnDisk(out: string): number {
  try {
    return decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).length;
  } catch {
    return 0; // not there yet, or its last record half-written
  }
}

/** Evaluations whose results the interrupted run had recorded: told before its checkpoint, or logged after it. */
function paidFor(out: string): number {
  const cp = decodeCheckpoint(readFileSync(join(out, 'checkpoint.msgpack')));
  const ev = existsSync(join(out, 'events.msgpack')) ? decodeEvents(readFileSync(join(out, 'events.msgpack'))) : { after: -1, events: [] };
  const logged = ev.after === cp.seq ? ev.events.reduce((n, e) => n + (e.kind === 'results' ? e.n : 0), 0) : 0;
  return cp.counters.evaluations + logged;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let why = slurmUnavailable();
let cluster: SlurmCluster | undefined;
if (why === null) {
  try {
    cluster = await startSlurm();
  } catch (e) {
    why = `the throwaway Slurm cluster did not start: ${(e as Error).message}`;
  }
}

if (cluster === undefined) {
  const [first, ...logs] = (why ?? 'no cluster').split('\n');
  if (logs.length > 0) t.comment(logs.join('\n'));
  // launch/setup.sh installs the packages under CI, where this test must run
  if (process.env.CI) t.fail(`launch/slurm.sbatch under Slurm could not be tested: ${first}`);
  else t.test('launch/slurm.sbatch under a throwaway one-node Slurm', { skip: first }, () => {});
} else {
  const slurm = cluster;
  // A working directory as a user's clone looks to the template: dist/ (node resolves its real
  // path, so node_modules and the addons are the repository's), the experiment, results/ and logs.
  const work = mkdtempSync(join(tmpdir(), 'l2l-slurm-work-'));
  symlinkSync(join(ROOT, 'dist'), join(work, 'dist'));
  writeFileSync(join(work, `${NAME}.yaml`), EXPERIMENT);
  t.teardown(async () => {
    await slurm.stop();
    rmSync(work, { recursive: true, force: true });
  });
  // The jobs run as root here, where OpenMPI wants to be told that is fine (launch/mpirun.sh does the same).
  const jobEnv = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
  const submit = (...args: string[]) => slurm.sbatch([...SHAPE, TEMPLATE, ...args], { cwd: work, env: jobEnv });
  const output = (id: number) => {
    const f = join(work, `l2l-${id}.out`);
    return existsSync(f) ? readFileSync(f, 'utf8').replace(/\r/g, '') : `(no ${f})`;
  };
  const ended = async (id: number): Promise<JobInfo> => slurm.waitForJobEnd(id, JOB_TIMEOUT_MS);
  const explain = (job: JobInfo) => `${job.line}\n--- l2l-${job.id}.out\n${output(job.id)}\n${slurm.logs()}`;

  let reference: { trajectory: ReturnType<typeof trajectory>; summary: Record<string, unknown> } | undefined;

  t.test('a. sbatch launch/slurm.sbatch EXPERIMENT: the job completes, with the whole run in results/<name>-<jobid>', async (t) => {
    const id = await submit(`${NAME}.yaml`);
    const job = await ended(id);
    t.equal(job.state, 'COMPLETED', `JobState (${job.exitCode})`);
    if (job.state !== 'COMPLETED') t.comment(explain(job));
    const out = join(work, 'results', `${NAME}-${id}`);
    t.ok(existsSync(join(out, 'summary.json')), `the results are in results/${NAME}-${id}/ of the submit directory`);
    const log = output(id);
    t.match(log, new RegExp(`completed: ${GENERATIONS} generations, \\d+ evaluations \\(0 failed\\)`), 'the job log ends with the completed line');
    t.match(log, new RegExp(`results: results/${NAME}-${id}/`), 'and says where the results are');
    const s = summary(out);
    t.equal(s.rest.status, 'completed', 'the summary says completed');
    t.same(s.rest.stopReasons, [`generations budget reached (${GENERATIONS})`], 'stopped by its budget');
    t.equal(s.rest.generations, GENERATIONS, `${GENERATIONS} generations`);
    const rows = trajectory(out);
    t.equal(rows.length, GENERATIONS, 'every generation in the journal');
    const evaluated = rows.reduce((n, g) => n + g.index.length, 0);
    t.equal(s.rest.evaluations, evaluated, `the summary counts every evaluation in the journal (${evaluated})`);
    t.equal(s.workers.reduce((n, w) => n + w.evaluations, 0), evaluated, 'the 2 worker ranks evaluated them all');
    t.equal(s.workers.length, 2, '3 tasks: rank 0 and 2 workers');
    t.ok(existsSync(join(out, 'trajectory.h5')), 'trajectory.h5 written');
    reference = { trajectory: rows, summary: s.rest };
  });

  t.test('b. signalled before its time limit (SIGTERM to the batch shell), resumed with --resume in a new job: the uninterrupted result', async (t) => {
    if (reference === undefined) {
      t.fail('no uninterrupted run to compare with (test a failed)');
      return;
    }
    const id = await submit(`${NAME}.yaml`);
    const out = join(work, 'results', `${NAME}-${id}`);
    // Signal once the run has made progress: 2 generations in its journal. It must still be running.
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      if (generationsOnDisk(out) >= 2) break;
      const info = await slurm.job(id).catch(() => null); // a query timing out under load: ask again
      if (info !== null && !['PENDING', 'CONFIGURING', 'RUNNING'].includes(info.state)) {
        t.fail(`job ${id} ended (${info.state}) before it had written 2 generations: nothing to signal\n${explain(info)}`);
        return;
      }
      if (Date.now() > deadline) {
        t.fail(`job ${id} wrote fewer than 2 generations in ${JOB_TIMEOUT_MS} ms\n${info?.line ?? ''}\n${output(id)}`);
        return;
      }
      await sleep(100);
    }
    const seen = generationsOnDisk(out);
    // What #SBATCH --signal=B:TERM@120 does at the time limit: SIGTERM to the batch shell only.
    const sig = await slurm.command('scancel', ['--signal=TERM', '--batch', String(id)]);
    t.equal(sig.code, 0, `scancel --signal=TERM --batch ${id} (after ${seen} generations) ${sig.stderr.trim()}`);
    const job = await ended(id);
    const s = summary(out);
    if (s.rest.status === 'completed') {
      t.fail(`the signal arrived after the run had finished (${s.rest.generations} generations): nothing was interrupted\n${explain(job)}`);
      return;
    }
    t.equal(s.rest.status, 'interrupted', 'the summary says interrupted');
    t.match(s.rest.stopReasons, [/interrupted by SIGTERM/], 'by SIGTERM');
    t.not(job.state, 'COMPLETED', `the job did not complete: ${job.state} (${job.exitCode})`);
    const done = s.rest.generations as number;
    t.ok(done >= seen && done < GENERATIONS, `interrupted after ${done} of ${GENERATIONS} generations`);
    t.equal(generationsOnDisk(out), done, 'every generation told is on disk, none half-written');
    const paid = paidFor(out);

    const resumedId = await submit('--resume', `results/${NAME}-${id}`);
    const resumed = await ended(resumedId);
    t.equal(resumed.state, 'COMPLETED', `the resumed job: JobState (${resumed.exitCode})`);
    if (resumed.state !== 'COMPLETED') t.comment(explain(resumed));
    const log = output(resumedId);
    t.match(log, /resuming .*: checkpoint \d+ \(\d+ generations, \d+ evaluations\), then \d+ logged events replayed/, 'the resumed job says it resumed the run');
    t.match(log, new RegExp(`completed: ${GENERATIONS} generations`), 'the resumed job completed the budget');
    t.notOk(existsSync(join(work, 'results', `${NAME}-${resumedId}`)), 'the resumed run stays in its own directory');
    t.same(trajectory(out), reference.trajectory, 'every generation as in the uninterrupted job');
    const after = summary(out);
    t.same(after.rest, reference.summary, 'the same summary, timing and ranks aside');
    const evaluatedNow = after.workers.reduce((n, w) => n + w.evaluations, 0);
    const total = reference.summary.evaluations as number;
    t.equal(evaluatedNow, total - paid, `the resumed job evaluated only what had no result (${evaluatedNow} of ${total})`);
  });
}
