/**
 * Typed facade of the l2l_relax addon (native/relax): declarations only. The smallest kernel, and the
 * template of the simulators' addons: a long call off the JS thread (native/common/long_call.h).
 *
 *   dv/dt = (x - v) / tau, v(0) = 0, integrated exactly on the grid, for n instances of dim variables.
 */

/** Shared with a running kernel: JS sets cancel[0] = 1 to stop it between steps; it writes progress. */
export interface CallControl {
  cancel: Int32Array;
  /** [units done, units in all] (for relax: instance-steps). */
  progress: Float64Array;
}

export interface RelaxOptions {
  /** n * dim targets, row-major (read during the call). */
  x: Float64Array;
  n: number;
  dim: number;
  steps: number;
  dt: number;
  tau: number;
  /** Busy work per step, in microseconds (to make a call last: tests, benchmarks). */
  spinMicros?: number;
  /** Threads the call may use (default 1). */
  threads?: number;
}

export interface RelaxResult {
  /** 1 for each instance integrated to the end; 0 where a cancel stopped it first. */
  finished: Uint8Array;
}

export interface RelaxAddon {
  /** The error class a failed call rejects with (KernelError); once per process. */
  init(errorClass: new (message: string) => Error): void;
  /** Integrates into `out` (n * dim, v at the end); arguments are checked at once (TypeError, RangeError). */
  relax(options: RelaxOptions, out: Float64Array, control?: CallControl): Promise<RelaxResult>;
}
