/**
 * Typed facade of the l2l_tvb addon (native/tvb): declarations only. Networks of neural-mass models on
 * a connectome, many parameter sets (instances) per call, off the JS thread; the models are generated
 * at build time from native/tvb/models/*.yaml (docs/tvb.md has the equations and TVB's conventions).
 */
import type { CallControl } from './relax.js';

export interface TvbModelInfo {
  name: string;
  /** State variables, coupling variables, parameters (in the model file's order). */
  state: number;
  cvar: number;
  params: number;
}

export type TvbCouplingKind = 'linear' | 'kuramoto' | 'sigmoidal';

/** Each coupling function's parameters, in the order coupling_params takes them (native/tvb/instance_kernel.h). */
export const TVB_COUPLING_PARAMS: Record<TvbCouplingKind, readonly string[]> = {
  linear: ['a', 'b'],
  kuramoto: ['a'],
  sigmoidal: ['cmin', 'cmax', 'midpoint', 'a', 'sigma'],
};

export interface TvbGpuStatus {
  /** Compiled with nvcc. */
  built: boolean;
  /** Usable CUDA devices (0: see reason). */
  devices: number;
  device: string;
  reason: string;
}

export interface TvbConnectome {
  /** nodes + 1 offsets into source/weight/length: the non-zero sources of each target row, ascending. */
  row_start: Int32Array;
  source: Int32Array;
  /** Float32, as TVB holds its weights: weights[i, j] is from source j to target i. */
  weight: Float32Array;
  /** Tract lengths of those edges (mm). */
  length: Float64Array;
  /** The longest tract over every pair, zero weights included (TVB's history horizon). */
  max_length: number;
}

export interface TvbSimulateOptions {
  model: string;
  nodes: number;
  instances: number;
  steps: number;
  dt: number;
  threads: number;
  connectome: TvbConnectome;
  coupling: TvbCouplingKind;
  /** Each: one value (set) for all instances, or one per instance. */
  speed: Float64Array;
  /** The coupling function's parameters in TVB_COUPLING_PARAMS order: linear a, b; kuramoto a; sigmoidal cmin, cmax, midpoint, a, sigma. */
  coupling_params: Float64Array;
  /**
   * cpu (default): the CPU kernel, threads over blocks of instances, vectorized across them; cuda: the
   * CUDA kernel, a thread block per instance (gpu() says whether it can run here); cuda-code-on-cpu: the
   * CUDA kernel's own code run on the host, to test it without a GPU (slow).
   */
  engine?: 'cpu' | 'cuda' | 'cuda-code-on-cpu';
  /**
   * The CUDA kernel's layout (engines cuda and cuda-code-on-cpu): the parameter sets of a thread block
   * (its lanes; a warp's threads are the lanes of one node). 0 (default): by the instance count (many
   * sets: 32, fewer: 8 or 1, so that the device has blocks enough); the numbers do not depend on it.
   */
  lanes?: 0 | 1 | 8 | 32;
  /** The model's parameters (model-file order), for all instances or per instance. */
  params: Float64Array;
  /** state x nodes (state-major), for all instances or per instance: x(t <= 0). */
  x0: Float64Array;
  record: { every: number; state: Int32Array };
  /**
   * Stochastic Heun with additive noise: nsig per state variable (for all instances, or per instance;
   * g = sqrt(2 nsig)), one seed per instance. Absent: deterministic Heun.
   */
  noise?: { nsig: Float64Array; seeds: Uint32Array };
  /**
   * Also the functional connectivity of each finished instance, on the call's threads: of the first
   * recorded state variable over samples [from, samples), flat regions those whose standard deviation
   * is not above `flat` x max(1, |mean|) (src/optimizees/tvb/fc.ts, whose numbers these are, bit for bit).
   */
  fc?: { from: number; flat: number };
}

export interface TvbSimulateResult {
  /** instances x samples x record.state.length x nodes: the state after every record.every-th step. */
  observed: Float64Array;
  samples: number;
  /** 1 for each instance integrated to the end; 0 where a cancel stopped it first. */
  finished: Uint8Array;
  /** With options.fc: instances x nodes x nodes (zeros for an unfinished instance). */
  fc?: Float64Array;
  /** With options.fc: instances x nodes, 1 where the region is flat. */
  flat?: Uint8Array;
}

export interface TvbAddon {
  /** The error class a failed call rejects with (KernelError); once per process. */
  init(errorClass: new (message: string) => Error): void;
  models(): TvbModelInfo[];
  /** Whether the CUDA engine can run here, and why not. */
  gpu(): TvbGpuStatus;
  /** Arguments are checked at once (TypeError, RangeError); the run rejects with KernelError. */
  simulate(options: TvbSimulateOptions, control?: CallControl): Promise<TvbSimulateResult>;
}
