/**
 * Behaviour unchanged, the odd cases of tools/fingerprints.ts (the even ones: fingerprints.test.ts):
 * each example's trajectory as test/fixtures/fingerprints.json holds it, in-process and under mpirun.
 */
import { fingerprintTests } from '../helpers/fingerprint-tests.js';

fingerprintTests(1);
