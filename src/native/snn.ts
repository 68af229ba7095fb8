/**
 * Typed facade of the l2l_snn addon (native/snn): declarations only. A spiking network simulator:
 * leaky integrate-and-fire neurons with exponential or alpha-shaped current synapses, integrated
 * exactly on the time grid (native/snn/propagators.h), static synapses with integer delays (in steps),
 * Poisson, spike-list and step-current inputs, many independent instances per run, on threads, off the
 * JS thread (native/common/long_call.h). The order of a step is in native/snn/simulation.h.
 *
 * Units: potentials in mV, times in ms, currents and weights in the units of C_m (pA with pF, or
 * voltage units when C_m = tau_m, as Brian2's CUBA form has them).
 */
import type { CallControl } from './relax.js';

export type { CallControl } from './relax.js';

/** Per-neuron parameters (one value per neuron). */
export interface SnnParams {
  tau_m: Float64Array;
  C_m: Float64Array;
  tau_syn_ex: Float64Array;
  tau_syn_in: Float64Array;
  E_L: Float64Array;
  V_th: Float64Array;
  V_reset: Float64Array;
  I_e: Float64Array;
  /** Updates a neuron skips after the step of its spike. */
  ref_steps: Int32Array;
}

/** Synapses, one entry per synapse (any order: they are applied by presynaptic neuron, then in this order). */
export interface SnnSynapses {
  pre: Int32Array;
  post: Int32Array;
  /** In steps, >= 0: a spike of step k reaches the target's current at step k + delay (0: seen by the next update). */
  delay: Int32Array;
  /** 0 excitatory, 1 inhibitory (each with its own synaptic time constant). */
  receptor: Uint8Array;
  weight: Float64Array;
}

export interface SnnNetworkSpec {
  n: number;
  dt: number;
  model: 'exp' | 'alpha';
  /** 'gt': V > V_th (Brian2), 'ge': V >= V_th (NEST). */
  threshold: 'gt' | 'ge';
  params: SnnParams;
  synapses: SnnSynapses;
}

/** Arrays given for all instances (their plain length) or for each instance (instances x that length). */
export interface SnnRunOptions {
  instances: number;
  /**
   * Trials per instance (default 1), each `steps` steps from rest (v0, empty synapses and delay lines):
   * an EnKF member shown a mini-batch of samples. Results are per (instance, trial), instance-major.
   */
  trials?: number;
  steps: number;
  threads: number;
  /** One seed per instance (its Poisson sources; a trial's stream is keyed by (seed, trial, source)). */
  seeds: Uint32Array;
  /** Initial membrane potential (absolute mV) per neuron; default E_L. */
  v0?: Float64Array;
  /** Synapse weights in the order of the spec's synapses; default the spec's. */
  weights?: Float64Array;
  /** Constant current per neuron; default the spec's I_e. */
  i_e?: Float64Array;
  /**
   * Independent Poisson processes, one per entry, each into one target: exponential gaps in continuous
   * time, an event at t arriving with the inputs of step floor(t / dt). `trial_rate_hz` (trials x
   * sources, for every instance) replaces `rate_hz` with a rate per trial: a sample's pixels as rates.
   */
  poisson?: { target: Int32Array; receptor: Uint8Array; weight: Float64Array; rate_hz: Float64Array; trial_rate_hz?: Float64Array };
  /** Listed spikes: they arrive at their step (of every trial) like the spikes of that step (instance -1: every instance). */
  spikes?: { instance: Int32Array; step: Int32Array; target: Int32Array; receptor: Uint8Array; weight: Float64Array };
  /** Step currents added to I_e over [start, stop) steps (instance -1: every instance). */
  currents?: { instance: Int32Array; target: Int32Array; start: Int32Array; stop: Int32Array; amplitude: Float64Array };
  record?: { spikes?: boolean; v?: Int32Array; every?: number };
  /**
   * A single instance is split by neurons across the threads only with at least this many neurons per
   * thread (default 1000): below, a step is too short to pay for the barrier it costs.
   */
  min_split_neurons?: number;
}

export interface SnnRunResult {
  /** Per (instance, trial), instance-major: its spikes as (step of the trial, neuron), by step, then neuron. */
  spikes: Array<{ steps: Int32Array; neurons: Int32Array }>;
  /** instances x trials x n spike counts. */
  counts: Int32Array;
  /** instances x trials x samples x record.v.length, absolute mV, sampled at the end of every `every`-th step. */
  v: Float64Array;
  /** Samples per trial. */
  samples: number;
  /** Per instance: 1 when it ran all its trials, 0 where a cancel stopped it first. */
  finished: Uint8Array;
}

export interface SnnNetwork {
  readonly neurons: number;
  readonly synapses: number;
  readonly maxDelay: number;
  /** Simulates off the JS thread; options are checked at once (TypeError, RangeError). */
  run(options: SnnRunOptions, control?: CallControl): Promise<SnnRunResult>;
  /** One instance at rest, stepped in closed loop on the JS thread (native/snn/stepper.h). */
  loop(): SnnLoop;
}

/**
 * A network stepped one step at a time, its inputs set between steps (an agent's brain). Each step is
 * a step of run() (the same update, threshold, reset and propagation), so constant inputs give run()'s
 * spike train one for one.
 */
export interface SnnLoop {
  /** Neuron i's constant current from the next step on (replacing its I_e), in the network's current unit. */
  setCurrent(neuron: number, amplitude: number): void;
  /** A spike of `neuron` in the coming step, relayed through its synapses (the neuron itself untouched): a spike generator. */
  emit(neuron: number): void;
  /** One step; the neurons that fired in it, in order. */
  step(): Int32Array;
  /** Back to rest, the step counter at 0. */
  reset(): void;
  /** Neuron i's membrane potential now (absolute, mV). */
  v(neuron: number): number;
  /** Steps taken since the start or the last reset. */
  readonly steps: number;
}

export interface SnnAddon {
  /** The error class a failed run rejects with (KernelError); once per process. */
  init(errorClass: new (message: string) => Error): void;
  /** The network's static part, checked and built once (a RangeError names what is wrong). */
  Network: new (spec: SnnNetworkSpec) => SnnNetwork;
}
