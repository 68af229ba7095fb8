import t from 'tap';
import { median, quantileSorted, select } from '../../src/math/statistics.js';
import { Rng } from '../../src/math/rng.js';

t.test('select and median agree with sorting, on random data with ties', async (t) => {
  const rng = Rng.derive(9);
  let mismatches = 0;
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(60);
    const a = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 3)); // many ties
    const sorted = Float64Array.from(a).sort();
    const k = rng.int(n);
    if (select(Float64Array.from(a), k) !== sorted[k]) mismatches++;
    const m = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    if (median(Float64Array.from(a)) !== m) mismatches++;
  }
  t.equal(mismatches, 0);
  t.ok(Number.isNaN(median(new Float64Array(0))));
  t.equal(median(Float64Array.of(-Infinity, 1, 2)), 1);
  t.throws(() => select(Float64Array.of(1), 1), /outside/);
});

t.test('quantileSorted: the ends, linear between neighbours, and the median of an even count', async (t) => {
  const v = [1, 2, 4, 8];
  t.equal(quantileSorted(v, 0), 1);
  t.equal(quantileSorted(v, 1), 8);
  t.equal(quantileSorted(v, 0.5), 3, 'halfway between 2 and 4');
  t.equal(quantileSorted(v, 0.25), 1.75, 'position 0.75: three quarters of the way from 1 to 2');
  t.equal(quantileSorted([5], 0.3), 5, 'one value is every quantile');
  const rng = Rng.derive(11);
  for (let trial = 0; trial < 50; trial++) {
    const a = Float64Array.from({ length: 1 + rng.int(40) }, () => rng.normal()).sort();
    const q = quantileSorted(a, 0.5);
    const m = median(Float64Array.from(a));
    // lo + (hi - lo) / 2 and (lo + hi) / 2 may round apart by an ulp
    t.ok(Math.abs(q - m) <= 4 * Number.EPSILON * Math.max(1, Math.abs(m)), `trial ${trial}: the median (${q} against ${m})`);
  }
});
