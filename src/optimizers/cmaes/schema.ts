/**
 * CMA-ES hyper-parameters: pycma's names and defaults where it has them (CMAOptions, fmin's
 * restarts/incpopsize/bipop), box-relative where a box makes a scale-free default possible.
 */
import { z } from 'zod';
import { MAX_POPULATION } from '../../core/limits.js';

const positive = (what: string) => z.number().positive().describe(what);

export const cmaesSchema = z.strictObject({
  x0: z.union([z.number(), z.array(z.number()).min(1)]).nullable().default(null)
    .describe('initial mean in parameter units: one number for every coordinate, or one per coordinate; null for the centre of the box'),
  sigma0: positive('initial step size as a fraction of each coordinate\'s box width (pycma advises 1/4 of the domain width)').default(0.25),
  pop_size: z.number().int().min(2).max(MAX_POPULATION).nullable().default(null).describe('population size lambda of the first run; null for 4 + floor(3 ln n)'),
  restarts: z.enum(['none', 'ipop', 'bipop']).default('ipop')
    .describe('what to do when a run\'s termination criteria fire: stop (none), restart with inc_popsize times the population (ipop), or alternate large and small populations (bipop)'),
  max_restarts: z.number().int().min(0).default(9).describe('restarts before stop() reports the reasons; small BIPOP runs do not count'),
  inc_popsize: z.number().min(1).default(2).describe('population size multiplier per IPOP restart (and per large BIPOP run)'),
  restart_from: z.enum(['uniform', 'x0']).default('uniform').describe('initial mean of a restart: a uniform random point of the box, or x0 again'),
  tolfun: positive('stop a run when the f values of a generation and of the recent best ones all lie within this range').default(1e-11),
  tolfunhist: positive('stop a run when the best f of the last 10 or more generations lie within this range').default(1e-12),
  tolx: positive('stop a run when every standard deviation and the evolution path are below this fraction of the box width').default(1e-11),
  tolstagnation: z.number().int().min(0).nullable().default(null)
    .describe('stop a run when the median and best f have not improved over about this many generations; null for int(100 + 100 n^1.5 / lambda), 0 to turn off'),
  tolconditioncov: positive('stop a run when the condition number of the covariance matrix exceeds this').default(1e14),
  tolfacupx: positive('stop a run when a standard deviation grows beyond this multiple of sigma0 (sigma0 was far too small)').default(1e3),
  tolflatfitness: z.number().int().min(0).default(1).describe('generations with the best f equal to the 75th percentile tolerated before a run stops'),
  noeffectaxis: z.boolean().default(true).describe('stop a run when a tenth of a standard deviation along a principal axis no longer changes the mean'),
  noeffectcoord: z.boolean().default(true).describe('stop a run when a fifth of a standard deviation no longer changes a coordinate of the mean'),
  maxiter: z.number().int().min(1).nullable().default(null).describe('generations per run; null for 100 + 150 (n + 3)^2 / sqrt(lambda)'),
});

export type CmaesParams = z.output<typeof cmaesSchema>;
