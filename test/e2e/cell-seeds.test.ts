/**
 * examples/cell-fit.yaml for seeds 3 and 4 (seeds 1 and 2: test/e2e/cell.test.ts; 5: cell-input.test.ts): CMA-ES recovers
 * all five densities within 2% in at most 3,000 evaluations on every seed, in one process.
 */
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestOf, cellFitFile, describeBest, worstError } from '../helpers/cell-fit.js';
import { runMain } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-cell-seeds-'));

t.test('examples/cell-fit.yaml, seeds 3 and 4: each within 2% in at most 3,000 evaluations', async (t) => {
  for (const seed of [3, 4]) {
    const out = join(dir, `fit-${seed}`);
    const r = runMain(['run', cellFitFile(dir, seed), '--out', out, '--quiet'], 600_000);
    t.equal(r.code, 0, r.stderr);
    const b = bestOf(out);
    t.ok(b.evaluations <= 3000 && worstError(b.values) < 0.02, describeBest(seed, b));
  }
});
