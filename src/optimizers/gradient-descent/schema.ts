/**
 * Finite-difference gradient descent's hyper-parameters: one strict object per variant, told apart by
 * `variant` (the reference picks the variant by the class of its parameter tuple: ClassicGDParameters,
 * StochasticGDParameters, AdamParameters, AdaMaxParameters, RMSPropParameters), so each variant accepts
 * its own keys and refuses the others'. Defaults are the reference's example values.
 */
import { z } from 'zod';
import { MAX_POPULATION } from '../../core/limits.js';

export const GD_VARIANTS = ['classic', 'stochastic', 'adam', 'adamax', 'rmsprop'] as const;
export type GdVariant = (typeof GD_VARIANTS)[number];

const decay = (what: string) => z.number().min(0).lt(1).describe(what);

function common(learningRate: number) {
  return {
    learning_rate: z.number().positive().default(learningRate).describe('step size of the update (the parameters move up the weighted fitness)'),
    exploration_step_size: z.number().positive().default(0.01).describe('standard deviation of the random steps around the current point, in parameter units'),
    n_random_steps: z.number().int().min(1).max(MAX_POPULATION).default(5).describe('random steps evaluated per generation to estimate the gradient (at least the dimension for an exact fit)'),
  };
}

const variantKey = <V extends GdVariant>(v: V) => z.literal(v).describe(`update rule: one of ${GD_VARIANTS.join(', ')}`);

const classic = z.strictObject({ variant: variantKey('classic'), ...common(0.01) });

const stochastic = z.strictObject({
  variant: variantKey('stochastic'),
  ...common(0.01),
  stochastic_deviation: z.number().min(0).default(1).describe('standard deviation of the Gaussian noise added to the gradient'),
  stochastic_decay: z.number().min(0).max(1).default(0.99).describe('the noise is scaled by stochastic_decay^t at step t (0 turns it off)'),
});

const adam = z.strictObject({
  variant: variantKey('adam'),
  ...common(0.01),
  first_order_decay: decay('beta1: decay of the running mean of the gradient').default(0.8),
  second_order_decay: decay('beta2: decay of the running mean of the squared gradient').default(0.8),
});

const adamax = z.strictObject({
  variant: variantKey('adamax'),
  ...common(0.02),
  first_order_decay: decay('beta1: decay of the running mean of the gradient').default(0.9),
  second_order_decay: decay('beta2: decay of the running maximum of |gradient| (the infinity norm)').default(0.999),
});

const rmsprop = z.strictObject({
  variant: variantKey('rmsprop'),
  ...common(0.01),
  momentum_decay: decay('decay of the running mean of the squared gradient').default(0.5),
});

const variants = z.discriminatedUnion('variant', [classic, stochastic, adam, adamax, rmsprop]);

/**
 * `variant` defaults to 'classic'; an unknown variant is reported on its own key with the choices
 * (the union's own message would name neither the value nor read after "got <value>, expected").
 */
export const gdSchema = z.preprocess((raw, ctx) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const o = raw as Record<string, unknown>;
  if (o.variant === undefined) return { ...o, variant: 'classic' };
  if (!(GD_VARIANTS as readonly unknown[]).includes(o.variant)) {
    ctx.addIssue({ code: 'custom', path: ['variant'], input: o.variant, message: `one of ${GD_VARIANTS.map((v) => `'${v}'`).join(', ')}` });
    return z.NEVER;
  }
  return raw;
}, variants);

export type GdConfig = z.output<typeof variants>;
