/**
 * Optimizees that are programs of their own (a Python module behind python/l2l_child.py): the worker
 * rank does not build them, it starts their program as its simulation child process
 * (evaluation.isolation: process, src/experiment/isolation) and speaks the frame protocol to it.
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

export interface ExternalOptimizeeFactory extends OptimizeeFactory {
  /** How to start the optimizee's program for this (validated) configuration. */
  external(config: Record<string, unknown>): ExternalChild;
}

export function isExternal(f: OptimizeeFactory): f is ExternalOptimizeeFactory {
  return typeof (f as Partial<ExternalOptimizeeFactory>).external === 'function';
}
