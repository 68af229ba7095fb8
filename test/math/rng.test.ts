import t from 'tap';
import { Rng, hashSeed, seedsAfter } from '../../src/math/rng.js';

t.test('streams are a function of their keys alone', async (t) => {
  const a = Rng.derive(42, 'ga', 3);
  const b = Rng.derive(42, 'ga', 3);
  const xs = Array.from({ length: 5 }, () => a.uniform());
  t.same(Array.from({ length: 5 }, () => b.uniform()), xs);
  const c = Rng.derive(42, 'ga', 4);
  t.not(c.uniform(), xs[0], 'a different key gives a different stream');
});

t.test('state round trip continues the same sequence', async (t) => {
  const a = Rng.derive(7);
  a.uniform();
  const b = Rng.fromState(a.state());
  t.equal(b.uniform(), a.uniform());
});

t.test('uniform and normal have the right first two moments', async (t) => {
  const r = Rng.derive(1);
  const n = 200000;
  let su = 0, sn = 0, sn2 = 0, outside = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    if (!(u >= 0 && u < 1)) outside++;
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  t.equal(outside, 0, 'every uniform draw lies in [0, 1)');
  t.ok(Math.abs(su / n - 0.5) < 0.005, `uniform mean ${su / n}`);
  t.ok(Math.abs(sn / n) < 0.01, `normal mean ${sn / n}`);
  t.ok(Math.abs(sn2 / n - 1) < 0.02, `normal variance ${sn2 / n}`);
});

t.test('hashSeed separates nearby keys', async (t) => {
  const seen = new Set<number>();
  for (let g = 0; g < 100; g++) for (let i = 0; i < 100; i++) seen.add(hashSeed(1, g, i));
  t.equal(seen.size, 10000);
  t.not(hashSeed(1, 2), hashSeed(2, 1));
});

t.test('seedsAfter(keys)(a, b) is hashSeed(keys, a, b): the shared keys hashed once change no seed', async (t) => {
  for (const seed of [0, 1, 42, 2 ** 31 + 5]) {
    const of = seedsAfter(seed, 'eval');
    for (const [g, i] of [[0, 0], [0, 1], [3, 19999], [2 ** 33, 7], [1e6, 2 ** 31 - 1]]) t.equal(of(g, i), hashSeed(seed, 'eval', g, i), `seed ${seed}, (${g}, ${i})`);
  }
});

t.test('Rng.after(keys)(k) is Rng.derive(keys, k): the same stream, the shared keys hashed once', async (t) => {
  const of = Rng.after(7, 'async-evolution');
  for (const k of [0, 1, 99_999, 2 ** 40, 'x']) {
    const [a, b] = [of(k), Rng.derive(7, 'async-evolution', k)];
    t.same(Array.from({ length: 8 }, () => a.uniform()), Array.from({ length: 8 }, () => b.uniform()), `stream ${k}`);
  }
});
