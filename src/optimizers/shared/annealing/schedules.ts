/**
 * The reference framework's cooling schedules and their hyper-parameter schemas (a schedule's name,
 * its [T0, Tn] bounds), shared by simulated annealing and parallel tempering.
 *
 * Each gives the temperature T_k after k cooling steps in closed form, from the start temperature
 * T0, the final temperature Tn, a decay parameter alpha and the planned number of steps n. Closed
 * forms (rather than the reference's T <- f(T) updates) keep the temperature a function of the
 * generation alone, so snapshots hold no temperature and a swapped schedule carries no history.
 *
 * Multiplicative schedules (Kirkpatrick, Gelatt and Vecchi 1983; Aarts and Korst 1989) need alpha;
 * additive schedules (B. T. Luke 2005) need Tn and n. Deviations from the reference's code, where
 * its docstring states the intended formula:
 * - the additive schedules use (T0 - Tn); the reference's code has (T0 - T_{k-1}) there, which makes
 *   linear additive cooling jump to 0 at its first step and then oscillate;
 * - trigonometric cooling uses pi, not 3.1415;
 * - k is held at n once the planned steps are spent, so a longer run stays at Tn instead of the
 *   linear formula going negative.
 */
import { z } from 'zod';

export const SCHEDULE_NAMES = [
  'default',
  'logarithmic',
  'exponential',
  'linear_multiplicative',
  'quadratic_multiplicative',
  'linear_additive',
  'quadratic_additive',
  'exponential_additive',
  'trigonometric_additive',
] as const;

export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** Schedules whose alpha multiplies T0 by alpha^k: alpha > 1 would heat. */
export const POWER_SCHEDULES: readonly ScheduleName[] = ['default', 'exponential'];

/**
 * A schedule name: the reference's enum members in lower case, with its ADDAPTIVE spelled additive.
 * A plain enum (no case folding) so the generated docs can show the schema's default.
 */
export const scheduleNameSchema = z.enum(SCHEDULE_NAMES);

/** [T0, Tn] with T0 > 0 and 0 <= Tn <= T0: one schedule's start and final temperature. */
export const temperatureBoundsSchema = z
  .tuple([z.number(), z.number()])
  .refine(([t0, tn]) => Number.isFinite(t0) && Number.isFinite(tn) && t0 > 0 && tn >= 0 && tn <= t0, {
    message: '[T0, Tn]: a start temperature T0 > 0 and a final temperature Tn with 0 <= Tn <= T0',
  });

export interface Schedule {
  name: ScheduleName;
  /** Start temperature T0. */
  t0: number;
  /** Final temperature Tn (additive schedules only). */
  tn: number;
  /** Decay parameter alpha (multiplicative schedules except logarithmic). */
  alpha: number;
  /** Planned number of cooling steps n (additive schedules only). */
  steps: number;
}

/** T_k, the temperature after k cooling steps; T_0 = T0 for every schedule but exponential additive. */
export function temperature(s: Schedule, k: number): number {
  const { t0, tn, alpha } = s;
  const n = s.steps;
  const kk = Math.min(k, n);
  switch (s.name) {
    case 'default': // T_k = alpha * T_{k-1} = T0 alpha^k
    case 'exponential':
      return t0 * alpha ** k;
    case 'logarithmic': // T_k = T0 / (1 + ln(1 + k))
      return t0 / (1 + Math.log(1 + k));
    case 'linear_multiplicative': // T_k = T0 / (1 + alpha k)
      return t0 / (1 + alpha * k);
    case 'quadratic_multiplicative': // T_k = T0 / (1 + alpha k^2)
      return t0 / (1 + alpha * k * k);
    case 'linear_additive': // T_k = Tn + (T0 - Tn) (n - k) / n
      return tn + (t0 - tn) * ((n - kk) / n);
    case 'quadratic_additive': // T_k = Tn + (T0 - Tn) ((n - k) / n)^2
      return tn + (t0 - tn) * ((n - kk) / n) ** 2;
    case 'exponential_additive': // T_k = Tn + (T0 - Tn) / (1 + exp(2 ln(T0 - Tn) / n (k - n/2)))
      if (t0 === tn) return tn; // ln 0 would give -inf * 0 at k = n/2
      return tn + (t0 - tn) / (1 + Math.exp(((2 * Math.log(t0 - tn)) / n) * (kk - n / 2)));
    case 'trigonometric_additive': // T_k = Tn + (T0 - Tn) (1 + cos(k pi / n)) / 2
      return tn + ((t0 - tn) * (1 + Math.cos((kk * Math.PI) / n))) / 2;
  }
}
