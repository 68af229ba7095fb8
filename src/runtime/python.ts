/**
 * The embedded CPython's lifetime in this process, as mpi.ts owns MPI's: the system's interpreter,
 * embedded by the l2l_python addon (native/python), started once on a thread of its own with
 * python/l2l_bridge.py imported, and never finalised (numpy cannot be initialised twice; the process's
 * end takes it). Evaluators (src/experiment/execution/python.ts) call the bridge through it.
 */
import { join } from 'node:path';
import { PythonError } from '../native/errors.js';
import { loadPython, packageRoot } from '../native/loader.js';
import type { PythonAddon, PythonStarted } from '../native/python.js';

export type { PythonAddon, PythonStarted } from '../native/python.js';

/** The interpreter of this process, started once whatever the number of evaluators. */
let interpreter: Promise<{ addon: PythonAddon; info: PythonStarted }> | null = null;

export function startPython(): Promise<{ addon: PythonAddon; info: PythonStarted }> {
  interpreter ??= (async () => {
    const addon = loadPython();
    const info = await addon.start({ paths: [join(packageRoot(), 'python')], bridge: 'l2l_bridge' }, PythonError);
    return { addon, info };
  })();
  return interpreter;
}

/**
 * Starts the interpreter and runs the bridge's preimport(request): the modules that must be imported
 * before MPI_Init (NEURON joins an MPI that is already up with a collective that hangs the job).
 * Returns the modules imported.
 */
export async function preimport(request: Record<string, unknown>): Promise<string[]> {
  const { addon } = await startPython();
  const r = (await addon.call('preimport', [request])) as { imported: string[] };
  return r.imported;
}
