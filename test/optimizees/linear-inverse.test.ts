import t from 'tap';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { linearInverseOptimizee, linearInverseSchema, LinearInverseOptimizee } from '../../src/optimizees/linear-inverse/index.js';
import { getOptimizee } from '../../src/optimizees/registry.js';

const make = (cfg: Record<string, unknown> = {}) => new LinearInverseOptimizee(linearInverseSchema.parse(cfg));
const ctx = { generation: 0, index: 0, seed: 1 };

t.test('registered as "linear-inverse", with documented defaults', async (t) => {
  t.equal(getOptimizee('linear-inverse'), linearInverseOptimizee);
  t.same(linearInverseSchema.parse({}), { dims: 10, outputs: 20, seed: 0, noise: 0, bounds: [-5, 5] });
  t.notOk(linearInverseSchema.safeParse({ dims: 0 }).success);
  t.notOk(linearInverseSchema.safeParse({ bounds: [1, 1] }).success);
  t.notOk(linearInverseSchema.safeParse({ noise: -1 }).success);
  t.notOk(linearInverseSchema.safeParse({ A: [[1]] }).success, 'unknown keys are refused');
  const p = linearInverseOptimizee.create(linearInverseSchema.parse({ dims: 3 }));
  t.equal(p.space.dim, 3);
  t.same(p.weights, [-1], 'the misfit is minimised');
});

t.test('the seed alone decides A and u*', async (t) => {
  const a = make({ seed: 4 });
  const b = make({ seed: 4 });
  const c = make({ seed: 5 });
  t.same(a.A, b.A);
  t.same(a.uTrue, b.uTrue);
  t.notSame(a.A, c.A);
  t.notSame(a.uTrue, c.uTrue);
  t.equal(a.A.length, 20 * 10);
  t.ok(a.uTrue.every((u) => u >= -2.5 && u <= 2.5), 'u* lies in the middle half of [-5, 5]');
});

t.test('outputs are the residuals A u - y, fitness their squared norm', async (t) => {
  const p = make({ dims: 3, outputs: 4, seed: 2 });
  const at = p.evaluate(p.uTrue.slice());
  t.same(at.fitness, [0], 'zero misfit at u*');
  t.ok(at.outputs.every((r) => r === 0));
  const x = Float64Array.of(1, -2, 0.5);
  const r = p.evaluate(x);
  for (let i = 0; i < 4; i++) {
    const expected = p.A[i * 3] * 1 + p.A[i * 3 + 1] * -2 + p.A[i * 3 + 2] * 0.5 - p.y[i];
    t.ok(Math.abs(r.outputs[i] - expected) < 1e-14, `residual ${i}`);
  }
  t.equal(r.fitness[0], r.outputs.reduce((s, v) => s + v * v, 0));
  t.not(p.evaluate(x).outputs, r.outputs, 'a fresh output array per evaluation (it travels to the optimizer)');
  t.throws(() => p.evaluate(Float64Array.of(1, 2)), /expected 3 parameters, got 2/);
  t.same(linearInverseOptimizee.create(linearInverseSchema.parse({ dims: 3, outputs: 4, seed: 2 })).evaluate!(x, ctx), r, 'through the factory');
});

t.test('A is well conditioned for outputs = 2 dims', async (t) => {
  for (const seed of [0, 1, 2, 3]) {
    const p = make({ seed });
    const s = new SingularValueDecomposition(new Matrix(Array.from({ length: 20 }, (_, i) => Array.from(p.A.subarray(i * 10, i * 10 + 10))))).diagonal;
    const cond = Math.max(...s) / Math.min(...s);
    t.ok(cond < 8, `seed ${seed}: condition number ${cond.toFixed(1)}`);
  }
});

t.test('exact data: least squares is u*; noisy data: y moves and so does the solution', async (t) => {
  const exact = make({ seed: 3 });
  const ls = exact.leastSquares();
  t.ok(ls.every((u, i) => Math.abs(u - exact.uTrue[i]) < 1e-10), 'least squares recovers u*');
  const noisy = make({ seed: 3, noise: 0.1 });
  t.same(noisy.uTrue, exact.uTrue, 'the same u*');
  t.notSame(noisy.y, exact.y, 'but y carries noise');
  const lsNoisy = noisy.leastSquares();
  t.ok(noisy.evaluate(lsNoisy).fitness[0] < noisy.evaluate(noisy.uTrue).fitness[0], 'the least-squares point fits the noisy data better than u*');
  t.same(make({ seed: 3, noise: 0.1 }).y, noisy.y, 'the noise is part of the seeded problem, not of an evaluation');
});
