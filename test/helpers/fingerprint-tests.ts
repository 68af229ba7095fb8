/**
 * The fingerprint tests (test/e2e/fingerprints.test.ts and fingerprints-odd.test.ts, half the cases
 * each so that neither file nears tap's per-file time): each case's trajectory against the one
 * test/fixtures/fingerprints.json holds, in-process and under mpirun.
 */
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, FIXTURE, fingerprint, type Fingerprint } from '../../tools/fingerprints.js';

/** One test per case whose position in CASES has this parity (0: even, 1: odd). */
export function fingerprintTests(parity: 0 | 1): void {
  const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { commit: string; cases: Record<string, Fingerprint> };
  const dir = mkdtempSync(join(tmpdir(), `l2l-fingerprints-${parity}-`));
  for (const c of CASES.filter((_, i) => i % 2 === parity)) {
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
}
