/**
 * Typed facade of the l2l_arbor addon (native/arbor): declarations only. One cell described as plain
 * arrays (CellSpec), simulated through Arbor's C++ API: many copies of it in one recipe, each with its
 * own parameter values (an individual) and stimulus protocol, on threads, off the JS thread
 * (native/common/long_call.h). The NEURON back end (python/l2l_cell.py) takes the very same arrays.
 *
 * The addon is always built; it has Arbor only where CMake found it (ARBOR_DIR or find_package(arbor)):
 * status() says which, and run() refuses in one line where it has none.
 *
 * Units, as in the experiment file (NEURON's): um, ms, mV, nA, uF/cm2, ohm cm, S/cm2, degrees C.
 */
import type { CallControl } from './relax.js';

export type { CallControl } from './relax.js';

/** An unbranched section: a chain of frusta through its points. */
export interface CellSection {
  name: string;
  /** Index into CellSpec.regions. */
  region: number;
  /** Index of its parent section (parents come before children), -1 for the root. */
  parent: number;
  /** Where it attaches to its parent: 1 (the parent's end), or 0 (the start) for children of the root. */
  parent_end: 0 | 1;
  /** n x 4, n >= 2: x, y, z, diameter (um), from where it attaches to its far end. */
  points: Float64Array;
  /** Compartments (NEURON's nseg; Arbor: as many control volumes, one per equal-length piece). */
  nseg: number;
}

/** A density mechanism painted on a region, with its parameters' values (the mechanism's own names and units). */
export interface CellMechanism {
  region: number;
  /** As the catalogue names it: hh, pas. */
  name: string;
  params: Record<string, number>;
}

export interface CellSpec {
  sections: CellSection[];
  regions: string[];
  /** Per region: membrane capacitance (uF/cm2) and axial resistivity (ohm cm). */
  cm: Float64Array;
  ra: Float64Array;
  mechanisms: CellMechanism[];
  /** Reversal potentials of sodium and potassium (mV). */
  ena: number;
  ek: number;
  /** Degrees Celsius. */
  temperature: number;
  /** The membrane potential everywhere at t = 0 (mV). */
  v_init: number;
  /** The fixed time step (ms). */
  dt: number;
}

/** One property an individual sets, on every section of a region. */
export interface CellFree {
  region: number;
  /** A mechanism's name, or null for the membrane's own cm and ra. */
  mechanism: string | null;
  /** The mechanism's parameter, or 'cm' | 'ra'. */
  param: string;
}

/** A current step through a point of a section. */
export interface CellStimulus {
  section: number;
  /** Position along the section, 0..1. */
  x: number;
  delay: number;
  duration: number;
  amplitude: number;
}

export interface CellProtocol {
  /** Simulated time (ms); the trace has floor(tstop / (sample_every dt)) + 1 samples. */
  tstop: number;
  stimuli: CellStimulus[];
  /** Where the voltage is recorded. */
  record: { section: number; x: number };
}

export interface CellRunOptions {
  instances: number;
  free: CellFree[];
  /** instances x free.length, row-major. */
  values: Float64Array;
  protocols: CellProtocol[];
  /** Steps between samples (>= 1). */
  sample_every: number;
  threads: number;
}

export interface CellRunResult {
  /** Per instance, per protocol, that protocol's samples of the voltage at t = k sample_every dt (mV). */
  traces: Float64Array;
  /** Per instance: 1 when simulated to the end (0: a cancel stopped the call first). */
  finished: Uint8Array;
}

export interface ArborStatus {
  /** Whether this build has Arbor. */
  built: boolean;
  /** Arbor's version, when built. */
  version?: string;
  /** Why not, when not built: what to do about it. */
  reason?: string;
}

export interface ArborAddon {
  init(errorClass: new (message: string) => Error): void;
  status(): ArborStatus;
  /** The default catalogue's density mechanisms and their parameters' names (empty without Arbor). */
  mechanisms(): Record<string, string[]>;
  /** Simulates every (instance, protocol) pair as one cell of one recipe; rejects with KernelError. */
  run(spec: CellSpec, options: CellRunOptions, control?: CallControl): Promise<CellRunResult>;
}
