import t from 'tap';
import { z } from 'zod';
import { Space } from '../../src/core/space.js';
import type { OptimizeeFactory } from '../../src/core/optimizee.js';
import { WorkerHost } from '../../src/experiment/worker-host.js';
import type { EvalBatch, EvalResults } from '../../src/experiment/eval-results.js';
import { ActorSystem, type ActorFailure } from '../../src/runtime/actor-system.js';
import { systemClock } from '../../src/runtime/clock.js';
import { InProcessHub } from '../../src/runtime/in-process-transport.js';

/** A model whose behaviour depends on x[0]: 0 ok, 1 throws, 2 NaN, 3 wrong arity; it echoes the seed. */
const quirky: OptimizeeFactory = {
  type: 'quirky',
  description: 'test model',
  schema: z.object({}),
  create: () => ({
    space: new Space([{ name: 'x', length: 2, lower: -10, upper: 10 }]),
    weights: [1, -1],
    evaluate(x, ctx) {
      if (x[0] === 1) throw new Error('the simulation diverged');
      if (x[0] === 2) return { fitness: [NaN, 0] };
      if (x[0] === 3) return { fitness: [1] };
      return { fitness: [x[1], ctx.seed], outputs: Float64Array.of(ctx.index, ctx.generation) };
    },
  }),
};

t.test('failures are data: thrown errors, NaN and wrong arity become failed rows with reasons', async (t) => {
  const hub = new InProcessHub(2);
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  const host = new WorkerHost(() => quirky);
  s1.spawn('worker', host.behaviour);
  let results: EvalResults | null = null;
  const me = s0.spawn('dispatcher', (m) => void (results = m.body as EvalResults));
  const experiment = { name: 'q', seed: 1, optimizer: { type: 'random' }, optimizee: { type: 'quirky' }, stop: { generations: 1 }, dispatch: { inflight: 1, batch_seconds: 1, max_batch: 10 } };
  const ready = await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.setup', { experiment }, 1000);
  t.equal(ready.type, 'experiment.ready');
  const batch: EvalBatch = {
    batch: 7, dim: 2, generation: 4, index: Int32Array.of(0, 1, 2, 3), seed: Uint32Array.of(11, 12, 13, 14),
    x: Float64Array.of(0, 5, 1, 0, 2, 0, 3, 0),
  };
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', batch);
  for (let i = 0; i < 10 && !results; i++) await new Promise((r) => setImmediate(r));
  const r = results as unknown as EvalResults;
  t.equal(r.batch, 7);
  t.same(Array.from(r.status), [0, 1, 1, 1]);
  t.same(Array.from(r.fitness.subarray(0, 2)), [5, 11], 'the ok row carries its fitness and saw its own seed');
  t.ok(r.fitness.subarray(2).every((f) => Number.isNaN(f)), 'failed rows carry NaN');
  t.equal(r.errors![0], null);
  t.match(r.errors![1], /Error: the simulation diverged\n\s+at /, 'the remote stack is kept');
  t.match(r.errors![2], /non-finite fitness \(NaN\)/);
  t.match(r.errors![3], /returned 1 fitness values, expected 2/);
  t.same(Array.from(r.outputs![0]!), [0, 4], 'model outputs travel back');
  t.ok(r.seconds.every((s) => s >= 0));
  const ended = await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.end', null, 1000);
  t.equal(ended.type, 'experiment.ended');
  await host.done;
});

t.test('a batch before setup is refused to the sender', async (t) => {
  const hub = new InProcessHub(2);
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  const errors: string[] = [];
  s1.spawn('supervisor', (m) => void errors.push((m.body as ActorFailure).message));
  s1.supervise('supervisor');
  s1.spawn('worker', new WorkerHost(() => quirky).behaviour);
  const me = s0.spawn('d', () => {});
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', { batch: 1, dim: 2, generation: 0, index: Int32Array.of(0), seed: Uint32Array.of(0), x: Float64Array.of(0, 0) });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  t.match(errors, [/'eval.batch' before 'experiment.setup'/]);
});

t.test('evaluateBatch: one call per message, per-row errors, a throw fails every row', async (t) => {
  let calls = 0;
  const batchy: OptimizeeFactory = {
    ...quirky,
    create: () => ({
      ...quirky.create({}),
      evaluateBatch(x, ctx) {
        calls++;
        if (x[0] === 99) throw new Error('kernel launch failed');
        const n = ctx.index.length;
        const fitness = new Float64Array(2 * n);
        const errors: Array<string | null> = [];
        for (let i = 0; i < n; i++) {
          fitness[2 * i] = x[2 * i];
          fitness[2 * i + 1] = i === 1 ? Infinity : ctx.seed[i];
          errors.push(i === 2 ? 'set 2 diverged' : null);
        }
        return { fitness, errors };
      },
    }),
  };
  const hub = new InProcessHub(2);
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  s1.spawn('worker', new WorkerHost(() => batchy).behaviour);
  const got: EvalResults[] = [];
  const me = s0.spawn('dispatcher', (m) => void got.push(m.body as EvalResults));
  const experiment = { name: 'b', seed: 1, optimizer: { type: 'random' }, optimizee: { type: 'quirky' }, stop: { generations: 1 }, dispatch: { inflight: 1, batch_seconds: 1, max_batch: 10 } };
  await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.setup', { experiment }, 1000);
  const batch = (x: number[]): EvalBatch => ({ batch: got.length + 1, dim: 2, generation: 0, index: Int32Array.from({ length: x.length / 2 }, (_, i) => i), seed: Uint32Array.from({ length: x.length / 2 }, (_, i) => 10 + i), x: Float64Array.from(x) });
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', batch([5, 0, 6, 0, 7, 0]));
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', batch([99, 0, 1, 0]));
  for (let i = 0; i < 10 && got.length < 2; i++) await new Promise((r) => setImmediate(r));
  t.equal(calls, 2, 'one call per message');
  t.same(Array.from(got[0].status), [0, 1, 1]);
  t.same(Array.from(got[0].fitness.subarray(0, 2)), [5, 10]);
  t.match(got[0].errors![1], /non-finite fitness \(6, Infinity\)/);
  t.equal(got[0].errors![2], 'set 2 diverged');
  t.same(Array.from(got[1].status), [1, 1], 'a throwing kernel fails every row of its message');
  t.match(got[1].errors![0], /kernel launch failed/);
  t.equal(got[0].seconds[0], got[0].seconds[2], 'the call\'s time is shared by its rows');
});

t.test('a batch withdrawn before it starts is dropped and said so; one withdrawn too late is evaluated', async (t) => {
  const hub = new InProcessHub(2);
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  let evaluated = 0;
  const counting: OptimizeeFactory = { ...quirky, repeatable: true, create: () => ({ ...quirky.create({}), evaluate: (x, ctx) => (evaluated++, { fitness: [x[1], ctx.seed] }) }) };
  const host = new WorkerHost(() => counting);
  s1.spawn('worker', host.behaviour, { urgent: WorkerHost.urgent });
  const answers: Array<{ type: string; batch: number }> = [];
  const me = s0.spawn('dispatcher', (m) => void answers.push({ type: m.type, batch: (m.body as { batch: number }).batch }));
  const experiment = { name: 'q', seed: 1, optimizer: { type: 'random' }, optimizee: { type: 'quirky' }, stop: { generations: 1 }, dispatch: { inflight: 2, batch_seconds: 1, max_batch: 10, steal: true } };
  await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.setup', { experiment }, 1000);
  const batch = (id: number): EvalBatch => ({ batch: id, dim: 2, generation: 0, index: Int32Array.of(id), seed: Uint32Array.of(id), x: Float64Array.of(0, id) });
  // 1 and 2 arrive together, then the withdrawal of 2 (as when worker 1 was busy): 2 must not run
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', batch(1));
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', batch(2));
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.cancel', { batch: 2 });
  for (let i = 0; i < 50 && answers.length < 2; i++) await new Promise((r) => setImmediate(r));
  t.same(answers, [{ type: 'eval.results', batch: 1 }, { type: 'eval.cancelled', batch: 2 }]);
  t.equal(evaluated, 1, 'only batch 1 was evaluated');
  // a withdrawal of a batch already done is ignored (its results went out)
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.cancel', { batch: 1 });
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', batch(3));
  for (let i = 0; i < 50 && answers.length < 3; i++) await new Promise((r) => setImmediate(r));
  t.same(answers[2], { type: 'eval.results', batch: 3 });
  t.equal(evaluated, 2);
  await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.end', null, 1000);
  await host.done;
});
