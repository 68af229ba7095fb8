/**
 * The hyper-parameters nsga2 and ibea share: the population and the variation operators. Defaults
 * are the settings of Deb et al. (2002, section VI), also those of DEAP's NSGA-II example: 100
 * individuals, SBX with probability 0.9 and distribution index 20, polynomial mutation of each
 * coordinate with probability 1/n and index 20 (Zitzler and Kuenzli 2004 recombine by SBX-20 too).
 */
import { z } from 'zod';

/**
 * Each generation compares every pair of the 2 pop_size parents and offspring (time quadratic in
 * pop_size), hence a cap below MAX_POPULATION: at 10,000 a generation takes 10 to 20 s on one core.
 */
export const MAX_EMO_POPULATION = 10_000;

const probability = (what: string) => z.number().min(0).max(1).describe(what);

export const emoShape = {
  pop_size: z.number().int().min(2).max(MAX_EMO_POPULATION).default(100)
    .describe('parents kept, and offspring evaluated per generation (generation 0: that many uniform points of the box)'),
  cx_prob: probability('probability that a pair of parents is recombined by SBX (each coordinate then with probability 1/2)').default(0.9),
  mut_prob: z.number().min(0).max(1).nullable().default(null)
    .describe('probability that polynomial mutation changes a coordinate of a child (every child goes through mutation); null for 1/dim'),
  eta_c: z.number().min(0).default(20).describe('SBX distribution index: larger keeps children closer to their parents'),
  eta_m: z.number().min(0).default(20).describe('polynomial mutation distribution index: larger makes smaller steps'),
};

export interface EmoParams {
  pop_size: number;
  cx_prob: number;
  mut_prob: number | null;
  eta_c: number;
  eta_m: number;
}
