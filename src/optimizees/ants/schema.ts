/**
 * The `ants` optimizee in the experiment file: NetLogo's Ants model (native/ants), colonies foraging
 * from a nest to three food sources; how the ants decide (NetLogo's rules, or a spiking network per
 * ant), what an individual sets (the chemical's diffusion and evaporation rates; with spiking brains
 * the networks' weights and delays), the colonies each individual is scored on, and for how many ticks.
 */
import { z } from 'zod';

export const ANTS_PATHS = ['diffusion_rate', 'evaporation_rate', 'weights', 'delays'] as const;

/** Genes of a spiking brain (native/ants/snn_brain.h): 250 weights, and 250 delays. */
export const SNN_GENES = 250;

const snnSchema = z.strictObject({
  backend: z.enum(['native', 'nest']).default('native').describe("where the networks run: native (native/snn's step, inside the world's kernel, threaded) or nest (a NEST 3 that `import nest` finds, in the worker's embedded Python, stepped in lockstep with the world tick by tick: the reference's coupling, for comparison; slow)"),
  input_current: z.number().min(0).max(1e6).default(1000).describe('pA into a sensory neuron while its sensor is on'),
  weight_scale: z.number().min(0).max(1e6).default(100).describe("pA per unit of weight (the reference's 100: a weight of 20 is 2 nA)"),
  steps_per_tick: z.number().int().min(1).max(10_000).default(20).describe("1 ms steps of the networks per tick (the reference's nest.Simulate(20))"),
  heartbeat_every: z.number().int().min(1).max(10_000).default(2).describe('steps between the heartbeat spikes every network receives'),
  turn: z.number().min(0).max(180).default(45).describe('degrees an ant turns when one rotate motor fired more than the other'),
  deposit: z.number().min(0).max(1e6).default(60).describe('chemical an ant lays where it stands when its pheromone motor fired (NetLogo: 60)'),
  wiggle: z.boolean().default(false).describe("NetLogo's random wiggle after the turn (the reference has none)"),
  delay: z.number().int().min(1).max(7).default(1).describe("every synapse's delay (steps) when no parameter evolves 'delays'"),
});

const finite = z.number().refine(Number.isFinite, 'a finite number');

export const antsSchema = z.strictObject({
  brain: z.enum(['netlogo', 'snn']).default('netlogo').describe("how an ant decides: 'netlogo', the model's own rules (follow the chemical uphill when searching, the nest scent when carrying); 'snn', a spiking network per ant whose 250 weights (and delays) the individual sets (the reference's NetLogo-NEST ants)"),
  snn: snnSchema.prefault({}).describe("brain 'snn': how a tick drives the networks (native/ants/snn_brain.h)"),
  ticks: z.number().int().min(1).max(1_000_000).default(1000).describe('ticks each colony runs; the fitness is the food returned to the nest by then'),
  colonies: z.number().int().min(1).max(1000).default(4).describe('seeded colonies per individual, the fitness their mean'),
  colony_seed: z.union([z.number().int().min(0).max(2 ** 32 - 1), z.literal('individual')]).default(1).describe("the colonies' seeds: from one seed for every individual (the same colonies, so individuals differ by their parameters only), or 'individual' (each its own)"),
  population: z.number().int().min(0).max(100_000).default(125).describe("ants per colony (NetLogo's slider, 125)"),
  diffusion_rate: z.number().min(0).max(100).default(50).describe("percent of a patch's chemical shared with its 8 neighbours per tick (NetLogo's slider, 50)"),
  evaporation_rate: z.number().min(0).max(100).default(10).describe('percent of the chemical that evaporates per tick (NetLogo\'s slider, 10)'),
  max_pxcor: z.number().int().min(5).max(500).default(35).describe('the world is [-max_pxcor, max_pxcor]^2 patches (NetLogo: 35, 71 x 71)'),
  parameters: z.array(z.strictObject({
    path: z.enum(ANTS_PATHS).describe("diffusion_rate or evaporation_rate (percent, in [0, 100]); with brain 'snn', weights (250, the reference's [-20, 20]) and delays (250, rounded to integer steps in [1, 7])"),
    lower: finite,
    upper: finite,
  })).min(1).max(4),
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  const seen = new Set<string>();
  c.parameters.forEach((p, k) => {
    if (seen.has(p.path)) issue(['parameters', k, 'path'], p.path, 'a path no other parameter sets');
    seen.add(p.path);
    if (!(p.lower < p.upper)) issue(['parameters', k, 'upper'], p.upper, `above lower (${p.lower})`);
    if (p.path === 'weights' || p.path === 'delays') {
      if (c.brain !== 'snn') issue(['parameters', k, 'path'], p.path, "a path of brain 'snn' (the networks' genes); with brain 'netlogo', diffusion_rate or evaporation_rate");
      if (p.path === 'delays' && (p.lower < 1 || p.upper > 7)) issue(['parameters', k], [p.lower, p.upper], 'bounds within [1, 7] (steps of 1 ms)');
    } else if (p.lower < 0 || p.upper > 100) {
      issue(['parameters', k], [p.lower, p.upper], 'bounds within [0, 100] (percent)');
    }
  });
  if (c.brain === 'snn' && !seen.has('weights')) issue(['parameters'], c.parameters.map((p) => p.path), "with brain 'snn', a parameter with path 'weights' (the networks' genes)");
});

export type AntsConfig = z.output<typeof antsSchema>;
