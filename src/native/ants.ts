/**
 * Typed facade of the l2l_ants addon (native/ants): declarations only. NetLogo's Ants model (Uri
 * Wilensky, 1997: Sample Models/Biology/Ants): a colony forages from a nest at the centre of a 71 x 71
 * world to three food sources, laying chemical on its way back that others follow. Many independent
 * colonies per call, on threads, off the JS thread (native/common/long_call.h). The model's rules and
 * the order of a tick are stated in native/ants/colony.h; a colony's numbers depend on its seed and its
 * parameters only (never on the thread count or the other colonies of the call).
 *
 * Patches are laid out in NetLogo's order: row by row from the top, patch (pxcor, pycor) at index
 * (max_pxcor - pycor) * side + (pxcor + max_pxcor), side = 2 max_pxcor + 1. Ticks are NetLogo's: in
 * tick t (from 0: the go during which NetLogo's tick counter reads t) the ants with who < t act, so
 * ant k leaves the nest in tick k + 1 and none acts in tick 0; a trace's entry t is the state at the
 * end of tick t. Food sources are numbered 1 (right, nearest), 2 (lower left), 3 (upper left, farthest).
 *
 * Food: a unit is picked up by a searching ant standing on food, and counts as returned when its
 * carrier reaches a nest patch (the model itself counts nothing there); so picked = food_initial -
 * food_left (summed over the sources), returned <= picked, and the difference is being carried.
 */
import type { CallControl } from './relax.js';

export type { CallControl } from './relax.js';

/**
 * The per-ant decision: 'netlogo', the model's own rules, ant by ant; 'snn', a spiking network per ant
 * (the reference's NetLogo-NEST ants: 11 sensory neurons, a heartbeat, 10 hidden, 4 motor neurons;
 * native/ants/snn_brain.h states the network, the sensors and the motors), all ants sensing, then
 * all acting (native/ants/colony.h).
 */
export type AntsBrain = 'netlogo' | 'snn';

/** The genes of one 'snn' genome: weights (and as many delays) in the reference's order (snn_brain.h). */
export const SNN_GENES = 250;
export const SNN_SENSORS = ['edge ahead', 'food ahead', 'chemical left', 'chemical ahead', 'chemical right', 'carrying', 'food here', 'nest left', 'nest ahead', 'nest right', 'on nest'] as const;
export const SNN_MOTORS = ['move', 'rotate left', 'rotate right', 'pheromone'] as const;

/** brain 'snn': the genomes and how a tick drives their networks. */
export interface AntsSnnOptions {
  /**
   * SNN_GENES weights per genome (finite; pA / weight_scale, the reference's range [-20, 20]); g
   * genomes for a call of g * k colonies, colony i using genome floor(i / k) (an individual's colonies
   * consecutive).
   */
  weights: Float64Array;
  /** One per weight: integer delays in [1, 7] steps of 1 ms. */
  delays: Int32Array;
  /** pA into a sensory neuron whose sensor is on (default 1000). */
  input_current?: number;
  /** pA per unit of weight (default 100, the reference's). */
  weight_scale?: number;
  /** 1 ms steps per tick (default 20, the reference's nest.Simulate(20)). */
  steps_per_tick?: number;
  /** Steps between heartbeat spikes (default 2). */
  heartbeat_every?: number;
  /** Degrees an ant rotates when one rotate motor spiked more than the other (default 45). */
  turn?: number;
  /** Chemical an ant adds where it stands when the pheromone motor fired (default 60, NetLogo's). */
  deposit?: number;
  /** NetLogo's wiggle (rt random 40, lt random 40) after the turn (default false: the reference has none). */
  wiggle?: boolean;
}

export interface AntsRunOptions {
  /** Colonies in the call (>= 1). */
  instances: number;
  /** Ticks (go) each colony runs (>= 0). */
  ticks: number;
  /** One seed per colony: its food amounts, headings, order of the ants and wiggles. */
  seeds: Uint32Array;
  /** Threads the call may use (default 1); colonies are spread over them. */
  threads?: number;
  /** Ants per colony (default 125, NetLogo's slider). */
  population?: number;
  /** Percent of a patch's chemical shared with its 8 neighbours per tick (default 50): one for all, or one per colony. */
  diffusion_rate?: number | Float64Array;
  /** Percent of the chemical that evaporates per tick (default 10): one for all, or one per colony. */
  evaporation_rate?: number | Float64Array;
  /** The world is [-max_pxcor, max_pxcor]^2 (default 35; the food sources scale with it). */
  max_pxcor?: number;
  /** Default 'netlogo'. */
  brain?: AntsBrain;
  /** Required with brain 'snn'. */
  snn?: AntsSnnOptions;
  /**
   * The chemical at setup (default 0 everywhere): side^2 values for every colony, or side^2 per colony
   * (finite, >= 0). For tests of diffusion and evaporation; the model itself starts from 0.
   */
  initial_chemical?: Float64Array;
  record?: {
    /** `returned_trace`: the food returned by the end of each tick. */
    returned?: boolean;
    /** `food_trace`: the food left at each source by the end of each tick. */
    food?: boolean;
    /** `ants`: every ant's position and load at the end of each tick (frames of a movie). */
    ants?: boolean;
    /** `final`: the patches and the ants at the end, and the world's layout. */
    final?: boolean;
  };
}

export interface AntsRunResult {
  /** Per colony: 1 when it ran all its ticks, 0 where a cancel stopped it first. */
  finished: Uint8Array;
  /** Per colony: the ticks it ran (its counters below are as of then; a colony a cancel kept from starting has 0 here and in its counters). */
  ticks_done: Int32Array;
  /** Per colony: food units delivered to the nest (a carrying ant reaching a nest patch). */
  returned: Int32Array;
  /** Per colony: food units picked up (= food_initial - food_left, summed; returned <= picked). */
  picked: Int32Array;
  /** Colonies x 3: the food at sources 1, 2 and 3 at setup. */
  food_initial: Int32Array;
  /** Colonies x 3: the food left at sources 1, 2 and 3. */
  food_left: Int32Array;
  /** The world's side (2 max_pxcor + 1). */
  side: number;
  /** record.returned: colonies x ticks, the food returned by the end of each tick. */
  returned_trace?: Int32Array;
  /** record.food: colonies x ticks x 3, the food left at each source by the end of each tick. */
  food_trace?: Int32Array;
  /** record.ants: colonies x ticks x population, by the end of each tick. */
  ants?: { x: Float64Array; y: Float64Array; carrying: Uint8Array };
  /** record.final: the end state (colonies x side^2 patches, colonies x population ants) and the shared layout (side^2). */
  final?: {
    chemical: Float64Array;
    food: Int32Array;
    x: Float64Array;
    y: Float64Array;
    /** Degrees, 0 north, clockwise. */
    heading: Float64Array;
    carrying: Uint8Array;
    nest: Uint8Array;
    /** 0: none, 1 to 3: the food source. */
    source: Uint8Array;
    nest_scent: Float64Array;
  };
}

/**
 * Colonies whose ants' brains run outside the addon (NEST through the embedded Python), stepped from JS
 * in lockstep: a tick is sense(), the brains' turn, act(counts). The world is run()'s with brain 'snn'
 * (native/ants/colony.h), so a brain that computes what the native one does gives the same colonies.
 */
export interface AntsColonies {
  /** The tick's first half: every ant's sensors (colonies x population words of SNN_SENSORS bits; 0 for an ant that does not act yet). */
  sense(): Uint32Array;
  /** The tick's second half, with every ant's motor spike counts (colonies x population x SNN_MOTORS, in SNN_MOTORS' order). */
  act(counts: Int32Array): void;
  /** The colonies as they stand. */
  state(): {
    returned: Int32Array; picked: Int32Array; food_left: Int32Array;
    x: Float64Array; y: Float64Array; heading: Float64Array; carrying: Uint8Array; chemical: Float64Array;
  };
  /** Ticks ended so far. */
  readonly ticks: number;
}

/** What Colonies takes: run()'s options without ticks, record, threads and brain; snn's drive only (turn, deposit, wiggle) counts. */
export type AntsColoniesOptions = Omit<AntsRunOptions, 'ticks' | 'record' | 'threads' | 'brain' | 'snn'> & { snn?: Omit<AntsSnnOptions, 'weights' | 'delays'> };

export interface AntsAddon {
  /** Colonies stepped from JS, their brains outside (options checked at once, as run()'s). */
  Colonies: new (options: AntsColoniesOptions) => AntsColonies;
  /** The error class a failed run rejects with (KernelError); once per process. */
  init(errorClass: new (message: string) => Error): void;
  /** Runs the colonies off the JS thread; options are checked at once (TypeError, RangeError naming the field). */
  run(options: AntsRunOptions, control?: CallControl): Promise<AntsRunResult>;
  /** The brains this build knows. */
  readonly brains: readonly AntsBrain[];
}
