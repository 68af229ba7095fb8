/**
 * The search distributions a cross-entropy optimizer (cross-entropy, FACE) can fit, as the experiment
 * file names them: the reference's Gaussian, NoisyGaussian, BayesianGaussianMixture and
 * NoisyBayesianGaussianMixture.
 */
import { z } from 'zod';

const noiseMagnitude = z.number().min(0).describe('scale of the noise added to the covariance diagonal after each fit (|N(0, noise_magnitude * coordinate_scale)| per coordinate)');
const noiseDecay = z.number().min(0).max(1).describe('factor by which noise_magnitude shrinks after each fit');
const coordinateScale = z
  .array(z.number().positive())
  .min(1)
  .optional()
  .describe('per-coordinate factor of the noise (one per flattened parameter); 1 for every coordinate when absent');
const nComponents = z.number().int().min(1).max(64).describe('Gaussian components of the mixture');

export const gaussianSchema = z.strictObject({
  type: z.literal('gaussian'),
});

export const noisyGaussianSchema = z.strictObject({
  type: z.literal('noisy-gaussian'),
  noise_magnitude: noiseMagnitude.default(1),
  noise_decay: noiseDecay.default(0.99),
  coordinate_scale: coordinateScale,
});

export const mixtureSchema = z.strictObject({
  type: z.literal('mixture'),
  n_components: nComponents.default(3),
});

export const noisyMixtureSchema = z.strictObject({
  type: z.literal('noisy-mixture'),
  n_components: nComponents.default(3),
  noise_magnitude: noiseMagnitude.default(1),
  noise_decay: noiseDecay.default(0.9),
  coordinate_scale: coordinateScale,
});

export const DISTRIBUTION_TYPES = ['gaussian', 'noisy-gaussian', 'mixture', 'noisy-mixture'] as const;

export const distributionSchema = z
  .discriminatedUnion('type', [gaussianSchema, noisyGaussianSchema, mixtureSchema, noisyMixtureSchema], {
    // read after "got <value>, ": the CLI's form for a union that matched no member
    error: `expected a distribution with type one of ${DISTRIBUTION_TYPES.join(', ')}`,
  })
  .describe(
    'search distribution: {type: gaussian} | {type: noisy-gaussian, noise_magnitude, noise_decay, coordinate_scale?} | ' +
      '{type: mixture, n_components} | {type: noisy-mixture, n_components, noise_magnitude, noise_decay, coordinate_scale?}',
  );

export type DistributionConfig = z.output<typeof distributionSchema>;

/** How many components a configured distribution has. */
export function componentCount(c: DistributionConfig): number {
  return c.type === 'mixture' || c.type === 'noisy-mixture' ? c.n_components : 1;
}

/** The noise settings of a noisy distribution, or null. */
export function noiseOf(c: DistributionConfig): { magnitude: number; decay: number; scale?: number[] } | null {
  if (c.type === 'noisy-gaussian' || c.type === 'noisy-mixture') {
    return { magnitude: c.noise_magnitude, decay: c.noise_decay, scale: c.coordinate_scale };
  }
  return null;
}
