/**
 * Whether a simulator a Python back end needs (Brian2, NEST) imports in this machine's Python, asked
 * once per process before anything runs, so that a missing one is one line that says how to get it
 * rather than a failure on every worker.
 */
import { spawnSync } from 'node:child_process';

const LAUNCHER_VARIABLES = ['PMIX_RANK', 'PMI_RANK', 'PMI_SIZE', 'OMPI_COMM_WORLD_SIZE', 'MPI_LOCALNRANKS'];
const checked = new Map<string, string>();

/** The back end's simulator importable in this machine's Python (a one-line Error that says how to get it, else). */
export function checkBackend(backend: 'brian2' | 'nest'): void {
  if (checked.has(backend)) return;
  const module = backend === 'brian2' ? 'brian2' : 'nest';
  // without what MPI launchers set: a NEST built without MPI exits when it finds them (the workers'
  // embedded Python hides them too: python/l2l_bridge.py LAUNCHER_VARIABLES)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !LAUNCHER_VARIABLES.includes(k)));
  const r = spawnSync('/usr/bin/python3', ['-c', `import ${module}, sys; sys.stdout.write("\\n" + ${module}.__version__)`], { encoding: 'utf8', timeout: 120_000, env });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').at(-1);
    const how = backend === 'brian2' ? "install Debian's python3-brian" : 'build NEST 3 from its source and put its site-packages on PYTHONPATH';
    throw new Error(`backend: got "${backend}", but \`import ${module}\` fails in /usr/bin/python3 (${why}): ${how}, or use backend: native`);
  }
  checked.set(backend, r.stdout.trim().split('\n').at(-1) ?? '');
}

