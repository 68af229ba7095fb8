/**
 * Behaviour unchanged: every example (and a steady-state and an EnKF run) gives, with its seed, the
 * trajectory main gave before the evaluation contract was reshaped (test/fixtures/fingerprints.json,
 * written by tools/fingerprints.ts at the commit it names), in-process and under mpirun: the odd
 * cases (the even ones: fingerprints.test.ts).
 */
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, FIXTURE, fingerprint, type Fingerprint } from '../../tools/fingerprints.js';

const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { commit: string; cases: Record<string, Fingerprint> };
const dir = mkdtempSync(join(tmpdir(), 'l2l-fingerprints-odd-'));

for (const c of CASES.filter((_, i) => i % 2 === 1)) {
  t.test(`${c.name}: the trajectory of ${expected.commit}`, async (t) => {
    const want = expected.cases[c.name];
    t.ok(want, 'the fixture has this case');
    const got = fingerprint(c, dir);
    t.equal(got.evaluations, want.evaluations, 'as many evaluations');
    t.equal(got.best, want.best, 'the same best weighted fitness');
    t.equal(got.hash, want.hash, 'the same individuals, fitness, status and seeds, in-process');
    if (c.mpiRanks > 0) t.equal(got.mpi, want.hash, `the same under mpirun -n ${c.mpiRanks}`);
  });
}
