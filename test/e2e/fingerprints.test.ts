/**
 * Behaviour unchanged: every example (and a steady-state and an EnKF run) gives, with its seed, the
 * trajectory main gave before the evaluation contract was reshaped (test/fixtures/fingerprints.json,
 * written by tools/fingerprints.ts at the commit it names), in-process and under mpirun. The even
 * cases here, the odd ones in fingerprints-odd.test.ts (test/helpers/fingerprint-tests.ts).
 */
import { fingerprintTests } from '../helpers/fingerprint-tests.js';

fingerprintTests(0);
