/**
 * Modules a worker rank's embedded Python imports before MPI starts.
 *
 * NEURON adopts an MPI that is already initialised when it is imported: it calls
 * MPI_Comm_dup(MPI_COMM_WORLD), a collective that rank 0 never joins, so the worker would hang at
 * its first `from neuron import h`. Imported before MPI_Init, NEURON runs serially in each rank,
 * which is what a worker wants. So a rank that will evaluate a python optimizee in embedded Python
 * reads the experiment from the command line (or the resumed run's config.json) and, before the MPI
 * job opens, starts the interpreter and imports the modules the optimizee names in `preimport`, or by
 * default those of MPI_ADOPTERS that its module imports. Anything that goes wrong here is left for
 * the worker's setup to report, once MPI is up and the message can reach rank 0.
 */
import { launchedRank } from './job.js';
import { rawExperiment } from './job-placement.js';

interface Options {
  file?: string;
  resume?: string;
}

/** Imports what must precede MPI; returns the modules imported (for the log), or null when nothing ran. */
export async function preimportPython(opts: Options): Promise<string[] | null> {
  const { rank, size } = launchedRank();
  if (rank === 0 && size > 1) return null; // rank 0 evaluates nothing when it has workers
  const exp = rawExperiment(opts);
  const optimizee = exp?.optimizee as { type?: unknown; module?: unknown; preimport?: unknown } | undefined;
  const evaluation = exp?.evaluation as { isolation?: unknown } | undefined;
  if (optimizee?.type !== 'python' || typeof optimizee.module !== 'string' || evaluation?.isolation === 'process') return null;
  try {
    const { startPython } = await import('../experiment/embedded-python.js');
    const { addon } = await startPython();
    const r = (await addon.call('preimport', [{ module: optimizee.module, ...(Array.isArray(optimizee.preimport) ? { preimport: optimizee.preimport } : {}) }])) as { imported: string[] };
    return r.imported;
  } catch {
    return null; // no addon, no module: the worker's setup says so
  }
}
