/**
 * Optimizees that are programs of their own (a Python module behind python/l2l_bridge.py). The worker
 * rank does not build them from the registry: it loads them into its embedded Python
 * (src/experiment/embedded-python.ts) or starts their program as its simulation child process
 * (evaluation.isolation: process, src/experiment/isolation). Everything here is data: how to start,
 * load or ask them; the layers above do it.
 */
import type { OptimizeeFactory } from '../../core/optimizee.js';

export interface ExternalChild {
  /** The program to start and its arguments. */
  command: string;
  args: string[];
  /** The fields of the 'init' frame, after `op`. */
  init: Record<string, unknown>;
  /** Fitness values per evaluation. */
  nObj: number;
  /** How messages name it: "python module 'model.py'". */
  label: string;
}

/** What the worker needs to load an optimizee into the embedded interpreter. */
export interface EmbeddedLaunch {
  /** python/l2l_bridge.py load()'s config: module, function or class, args, parameters [{name, length}]. */
  init: Record<string, unknown>;
  nObj: number;
  label: string;
}

/** A program to run once on rank 0 that prints {parameters} or {error, detail} as JSON. */
export interface SpaceQuery {
  command: string;
  args: string[];
  input: string;
  label: string;
}

export interface ExternalOptimizeeFactory extends OptimizeeFactory {
  /** How to start the optimizee's program for this (validated) configuration. */
  external(config: Record<string, unknown>): ExternalChild;
  /** How to load it into embedded Python (evaluation.isolation: in-process), when it can be. */
  embedded?(config: Record<string, unknown>): EmbeddedLaunch;
  /** When the configuration leaves the parameter space to the model: how to ask for it. */
  spaceQuery?(config: Record<string, unknown>): SpaceQuery | null;
}

export function isExternal(f: OptimizeeFactory): f is ExternalOptimizeeFactory {
  return typeof (f as Partial<ExternalOptimizeeFactory>).external === 'function';
}

export function isEmbedded(f: OptimizeeFactory): f is ExternalOptimizeeFactory & Required<Pick<ExternalOptimizeeFactory, 'embedded'>> {
  return isExternal(f) && typeof f.embedded === 'function';
}
