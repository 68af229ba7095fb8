/**
 * The reservoir through the whole stack, the two loops (the rest: test/e2e/snn.test.ts): the two
 * loops on 5 ranks (a GA over the EnKF that trains the reservoir, each inner run assessed on held-out
 * digits), and NEST requested where it is not importable refused in one line.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservoir, rows } from '../helpers/reservoir-short.js';
import { runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-snn-loops-'));

t.test('the two loops on 5 ranks: a GA over the EnKF that trains the reservoir, each inner run assessed on held-out digits', async (t) => {
  const inner = reservoir().split('\n').slice(2, -2).map((l) => `    ${l}`).join('\n');
  const file2 = join(dir, 'two-loop.yaml');
  writeFileSync(file2, `name: reservoir-two-loop-short
seed: 4
optimizer: {type: ga, pop_size: 4, tourn_size: 2}
optimizee:
  type: experiment
  ranks: 2
  metric: best
  inner:
${inner}
    stop: {generations: 2}
  parameters:
    - {path: optimizer.gamma, lower: 0.05, upper: 1}
    - {path: optimizer.pop_size, lower: 12, upper: 30, integer: true}
stop: {generations: 1}
`);
  const out = join(dir, 'two-loop');
  const m = await runMainMpi(5, ['run', file2, '--out', out, '--quiet'], 600_000);
  t.equal(m.code, 0, m.stderr);
  const outer = rows(out);
  t.equal(outer.length, 4, 'one generation of 4 GA individuals');
  for (const r of outer) {
    const innerDir = join(out, 'inner', `g${r.generation}-i${r.index}`);
    const cfg = JSON.parse(readFileSync(join(innerDir, 'config.json'), 'utf8'));
    t.ok(Math.abs(cfg.experiment.optimizer.gamma - r.x[0]) < 1e-12, `inner run ${r.index}: gamma ${r.x[0].toFixed(3)} as the GA set it`);
    t.equal(cfg.experiment.optimizer.pop_size, Math.round(r.x[1]), `inner run ${r.index}: ensemble of ${Math.round(r.x[1])}`);
    const summary = JSON.parse(readFileSync(join(innerDir, 'summary.json'), 'utf8'));
    t.equal(summary.status, 'completed');
    t.equal(r.fitness, summary.best.weightedFitness, 'the outer fitness is the inner run\'s best');
    const a = JSON.parse(readFileSync(join(innerDir, 'assessment.json'), 'utf8'));
    t.equal(a.metrics.samples, 359, 'the inner run assessed its best on the held-out digits');
  }
});

t.test('NEST requested where `import nest` fails: one line, exit code 2, before any rank simulates', { skip: spawnSync('/usr/bin/python3', ['-c', 'import nest']).status === 0 ? 'NEST is importable here' : false }, async (t) => {
  const bad = join(dir, 'reservoir-nest.yaml');
  writeFileSync(bad, reservoir().replace('  type: snn\n', '  type: snn\n  backend: nest\n'));
  const r = await runMainMpi(3, ['run', bad, '--out', join(dir, 'reservoir-nest'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: .*reservoir-nest\.yaml: backend: got "nest", but `import nest` fails in \/usr\/bin\/python3 \(ModuleNotFoundError: No module named 'nest'\): build NEST 3 from its source and put its site-packages on PYTHONPATH, or use backend: native$/m);
  t.notOk(existsSync(join(dir, 'reservoir-nest', 'generations.msgpack')), 'nothing was run');
});
