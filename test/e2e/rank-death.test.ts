/**
 * A worker rank that dies (kill -9) takes the MPI job with it: the job ends within seconds, never
 * hangs, names the rank and host (mpirun) and the resume command (rank 0), and the resumed run ends
 * with the trajectory of an uninterrupted one.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT, runMainMpi } from '../helpers/run-main.js';
import { PAUSED_LINE } from '../../src/experiment/recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-death-'));
const file = join(dir, 'death.yaml');
writeFileSync(file, `name: death
seed: 8
optimizer: {type: ga, pop_size: 24}
optimizee: {type: benchmark, preset: Rastrigin2d, delay: {median_ms: 5, sigma: 0.3}}
stop: {generations: 40}
`);

const trajectory = (out: string) =>
  decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).map((g) => ({ index: Array.from(g.index), x: Array.from(g.x), fitness: Array.from(g.fitness), seed: Array.from(g.seed) }));

t.test('kill -9 of a worker rank: the job ends promptly and cleanly, and resumes', async (t) => {
  const ref = join(dir, 'ref');
  t.equal((await runMainMpi(3, ['run', file, '--out', ref, '--quiet'])).code, 0);

  const out = join(dir, 'out');
  // Rank 0 stops itself after its 4th generation is on disk (L2L_PAUSE_AT), so the worker dies
  // mid-run however loaded the machine is; rank 0 goes on once the worker is dead.
  const child = spawn(`${ROOT}launch/mpirun.sh`, ['-n', '3', process.execPath, `${ROOT}dist/main.js`, 'run', file, '--out', out, '--quiet'], {
    detached: true, env: { ...process.env, L2L_PAUSE_AT: 'record:4' },
  });
  let output = '';
  let paused!: () => void;
  const pausedNow = new Promise<void>((r) => (paused = r));
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => {
    output += d;
    if (output.includes(PAUSED_LINE)) paused();
  });
  let closedYet = false;
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => ((closedYet = true), resolve(code))));
  await Promise.race([pausedNow, closed]);
  if (closedYet) {
    t.fail(`the run ended before its worker could be killed mid-run: ${output}`);
    return;
  }
  // the ranks: node processes of this job's session (not mpirun), rank 0 first (it was started first)
  const ranks = spawnSync('pgrep', ['-s', String(child.pid), '-f', `^${process.execPath} .*dist/main.js run`], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number).sort((a, b) => a - b);
  t.equal(ranks.length, 3, `three ranks: ${ranks}`);
  const killedAt = performance.now();
  process.kill(ranks[2], 'SIGKILL');
  process.kill(ranks[0], 'SIGCONT');
  const timer = setTimeout(() => spawnSync('pkill', ['-KILL', '-s', String(child.pid)]), 60_000);
  const code = await closed;
  clearTimeout(timer);
  const seconds = (performance.now() - killedAt) / 1000;
  // a hang would last until the 60 s kill above; a loaded machine takes a few seconds
  t.ok(seconds < 40, `the job ended ${seconds.toFixed(1)} s after the worker died`);
  t.not(code, 0);
  t.match(output, /process rank \d with PID \d+ on node \S+ exited on signal 9/, 'mpirun names the rank and the host');
  t.match(output, /continue later with: node dist\/main\.js run --resume /, 'rank 0 gives the resume command');
  let left = true;
  for (let i = 0; i < 50 && left; i++) {
    left = spawnSync('pgrep', ['-s', String(child.pid)]).status === 0;
    if (left) await new Promise((r) => setTimeout(r, 100));
  }
  t.notOk(left, 'no process of the job is left');
  // Usually mpirun's SIGTERM reaches rank 0 mid-run: interrupted. But work stealing lets the surviving
  // worker take every batch sent behind the dead one's last, so a run that ends before mpirun gets to
  // rank 0 completes, and rank 0 is killed while it waits to end the dead worker. Either way the
  // summary says how the run ended, never "running".
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.ok(summary.status === 'interrupted' || (summary.status === 'completed' && summary.generations === 40),
    `summary: ${summary.status} after ${summary.generations} generations`);

  const r = await runMainMpi(3, ['run', '--resume', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.same(trajectory(out), trajectory(ref), 'resumed: the uninterrupted trajectory');
});
