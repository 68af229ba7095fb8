/**
 * The `ants` optimizee in the experiment file: NetLogo's Ants model (native/ants), colonies foraging
 * from a nest to three food sources; what an individual sets (the chemical's diffusion and evaporation
 * rates), the colonies each individual is scored on, and for how many ticks.
 */
import { z } from 'zod';

export const ANTS_PATHS = ['diffusion_rate', 'evaporation_rate'] as const;

const finite = z.number().refine(Number.isFinite, 'a finite number');

export const antsSchema = z.strictObject({
  brain: z.enum(['netlogo']).default('netlogo').describe("how an ant decides: 'netlogo', the model's own rules (follow the chemical uphill when searching, the nest scent when carrying)"),
  ticks: z.number().int().min(1).max(1_000_000).default(1000).describe('ticks each colony runs; the fitness is the food returned to the nest by then'),
  colonies: z.number().int().min(1).max(1000).default(4).describe('seeded colonies per individual, the fitness their mean'),
  colony_seed: z.union([z.number().int().min(0).max(2 ** 32 - 1), z.literal('individual')]).default(1).describe("the colonies' seeds: from one seed for every individual (the same colonies, so individuals differ by their parameters only), or 'individual' (each its own)"),
  population: z.number().int().min(0).max(100_000).default(125).describe("ants per colony (NetLogo's slider, 125)"),
  diffusion_rate: z.number().min(0).max(100).default(50).describe("percent of a patch's chemical shared with its 8 neighbours per tick (NetLogo's slider, 50)"),
  evaporation_rate: z.number().min(0).max(100).default(10).describe('percent of the chemical that evaporates per tick (NetLogo\'s slider, 10)'),
  max_pxcor: z.number().int().min(5).max(500).default(35).describe('the world is [-max_pxcor, max_pxcor]^2 patches (NetLogo: 35, 71 x 71)'),
  parameters: z.array(z.strictObject({
    path: z.enum(ANTS_PATHS).describe('diffusion_rate or evaporation_rate (percent, in [0, 100])'),
    lower: finite,
    upper: finite,
  })).min(1).max(2),
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  const seen = new Set<string>();
  c.parameters.forEach((p, k) => {
    if (seen.has(p.path)) issue(['parameters', k, 'path'], p.path, 'a path no other parameter sets');
    seen.add(p.path);
    if (!(p.lower < p.upper)) issue(['parameters', k, 'upper'], p.upper, `above lower (${p.lower})`);
    if (p.lower < 0 || p.upper > 100) issue(['parameters', k], [p.lower, p.upper], 'bounds within [0, 100] (percent)');
  });
});

export type AntsConfig = z.output<typeof antsSchema>;
