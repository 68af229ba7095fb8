/**
 * Modules a worker rank's embedded Python imports before MPI starts.
 *
 * NEURON adopts an MPI that is already initialised when it is imported: it calls
 * MPI_Comm_dup(MPI_COMM_WORLD), a collective that rank 0 never joins, so the worker would hang at
 * its first `from neuron import h`. Imported before MPI_Init, NEURON runs serially in each rank,
 * which is what a worker wants. So a rank whose optimizee's execution is embedded Python reads the
 * experiment from the command line (or the resumed run's config.json) and, before the MPI job opens,
 * starts the interpreter and runs the preimport request that execution names (by default the modules
 * of the bridge's MPI_ADOPTERS that the module imports). Anything that goes wrong here is left for
 * the worker's setup to report, once MPI is up and the message can reach rank 0.
 */
import { executionOf } from '../core/optimizee.js';
import { getOptimizee } from '../optimizees/registry.js';
import { launchedRank } from './job.js';
import { rawExperiment } from './job-placement.js';

interface Options {
  file?: string;
  resume?: string;
}

/** Imports what must precede MPI; returns the modules imported (for the log), or null when nothing ran. */
export async function preimportPython(opts: Options): Promise<string[] | null> {
  const { rank, size } = launchedRank();
  const exp = rawExperiment(opts);
  const evaluation = exp?.evaluation as { isolation?: unknown } | undefined;
  const found = pythonPreimport(exp?.optimizee);
  if (!found) return null;
  // rank 0 evaluates nothing when it has workers, but a native model's assess() calls its Python there
  if (rank === 0 && size > 1 && !found.onRankZero) return null;
  // in a child process the workers' model imports after no MPI at all (rank 0's assess() stays in-process)
  if (evaluation?.isolation === 'process' && !(rank === 0 && found.onRankZero)) return null;
  const request = found.request;
  try {
    const { preimport } = await import('../runtime/python.js');
    return await preimport(request);
  } catch {
    return null; // no addon, no module: the worker's setup says so
  }
}

/**
 * The preimport request of an optimizee whose execution is embedded Python, or a native model's that
 * calls Python (as the file gives it), and whether rank 0 needs it too (a native model assesses there);
 * null when there is none.
 */
function pythonPreimport(optimizee: unknown): { request: Record<string, unknown>; onRankZero: boolean } | null {
  const o = optimizee as Record<string, unknown> | undefined;
  if (!o || typeof o.type !== 'string') return null;
  try {
    const factory = getOptimizee(o.type);
    const { type: _type, weights: _weights, ...rest } = o;
    const parsed = factory.schema.safeParse(rest);
    if (!parsed.success) return null;
    const e = executionOf(factory, parsed.data as Record<string, unknown>);
    if (e.kind === 'python') return { request: e.python.preimport, onRankZero: false };
    return e.kind === 'native' && e.python && e.preimport ? { request: e.preimport, onRankZero: true } : null;
  } catch {
    return null;
  }
}
