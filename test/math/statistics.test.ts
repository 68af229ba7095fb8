import t from 'tap';
import { median, select } from '../../src/math/statistics.js';
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
