/**
 * The run log and failing evaluations through the whole stack: one run.log with every rank's lines,
 * failures carrying what the optimizee printed, the same individuals failing at any rank count.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations, errorsMap } from '../../src/results/journal-codec.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-log-'));
const file = join(dir, 'faulty.yaml');
writeFileSync(file, `name: faulty
seed: 11
optimizer: {type: ga, pop_size: 40}
optimizee: {type: benchmark, preset: Rastrigin2d, faults: {rate: 0.15}}
stop: {generations: 6}
`);

const readLog = (out: string) => readFileSync(join(out, 'run.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

function failures(out: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const g of decodeGenerations(readFileSync(join(out, 'generations.msgpack')))) {
    for (const [row, text] of Object.entries(errorsMap(g.errors))) m.set(g.seed[+row], text);
  }
  return m;
}

t.test('mpirun -n 3: every rank in one run.log; failures logged and recorded with their output', async (t) => {
  const out = join(dir, 'mpi');
  const r = await runMainMpi(3, ['run', file, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.ok(summary.failures > 0, `some evaluations failed (${summary.failures})`);
  const log = readLog(out);
  t.same([...new Set(log.map((l) => l.rank))].sort(), [0, 1, 2], 'lines from every rank');
  for (const l of log) t.ok(typeof l.host === 'string' && typeof l.pid === 'number' && typeof l.time === 'string') || t.fail(JSON.stringify(l));
  t.same(log.filter((l) => l.msg === 'worker ready').map((l) => l.rank).sort(), [1, 2]);
  t.equal(log[0].msg, 'run started');
  t.match(log.at(-1), { msg: 'run ended', status: 'completed', failures: summary.failures });
  const warned = log.filter((l) => l.msg === 'evaluation failed');
  // fewer than 20 per rank: all at warn. An evaluation run twice (work stealing: the holder had started
  // the batch withdrawn from it) is logged by both ranks, so at most the dropped copies come on top.
  const copies = summary.dispatch.duplicates as number;
  t.ok(warned.length >= summary.failures && warned.length <= summary.failures + copies,
    `${warned.length} failures logged for ${summary.failures} failed evaluations and ${copies} dropped copies`);
  for (const w of warned) t.match(w, { level: 40, error: /injected fault[\s\S]*--- optimizee output during this evaluation ---\nbenchmark: injected fault for the individual with seed \d+/ });
  const recorded = failures(out);
  t.equal(recorded.size, summary.failures);
  t.same(new Set(warned.map((w) => w.seed)), new Set(recorded.keys()), 'every failed evaluation logged, and only those');
  for (const [seed, text] of recorded) t.match(text, new RegExp(`seed ${seed}: the simulation diverged`), 'the journal keeps the output too');
  t.equal(log.filter((l) => l.msg === 'generation told').length, 0, 'no per-generation lines at info');
});

t.test('one rank: the same individuals fail; --log-level debug adds a line per generation', async (t) => {
  const one = join(dir, 'one');
  const r = runMain(['run', file, '--out', one, '--quiet', '--log-level', 'debug']);
  t.equal(r.code, 0, r.stderr);
  t.same([...failures(one).keys()].sort(), [...failures(join(dir, 'mpi')).keys()].sort(), 'failures are chosen by seed, not by rank or timing');
  const log = readLog(one);
  t.equal(log.filter((l) => l.msg === 'generation told').length, 6);
  t.ok(log.every((l) => l.rank === 0));
});

t.test('--log-level is checked', async (t) => {
  const r = runMain(['run', file, '--out', join(dir, 'bad'), '--log-level', 'loud']);
  t.equal(r.code, 2);
  t.match(r.stderr, /--log-level: got "loud", expected one of trace, debug, info, warn, error, fatal, silent/);
});
