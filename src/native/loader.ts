/**
 * The one place that loads native addons. Addons are found at <package root>/build/Release/<name>.node,
 * the package root being the nearest directory above this file with a package.json, so the same code
 * works from src/ (tsx) and from dist/ (compiled).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AddonNotBuiltError, KernelError } from './errors.js';
import type { AntsAddon } from './ants.js';
import type { ArborAddon } from './arbor.js';
import type { LinalgAddon } from './linalg.js';
import type { MpiAddon } from './mpi.js';
import type { PythonAddon } from './python.js';
import type { RelaxAddon } from './relax.js';
import type { SnnAddon } from './snn.js';
import type { TvbAddon } from './tvb.js';

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/** The package root: the first ancestor of this module's directory holding a package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Path where the build puts addon `name`. */
export function addonPath(name: string): string {
  return join(packageRoot(), 'build', 'Release', `${name}.node`);
}

/** Loads addon `name` once per process; throws AddonNotBuiltError when its file is missing. */
export function loadAddon<T>(name: string): T {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached as T;
  const path = addonPath(name);
  if (!existsSync(path)) throw new AddonNotBuiltError(name, path);
  const addon = require(path) as T;
  loaded.set(name, addon);
  return addon;
}

/** The dense kernels (native/linalg). */
export function loadLinalg(): LinalgAddon {
  return loadAddon<LinalgAddon>('l2l_linalg');
}

/** The MPI binding (native/mpi). */
export function loadMpi(): MpiAddon {
  return loadAddon<MpiAddon>('l2l_mpi');
}

/** The embedded CPython (native/python); built only where Python's development files were found. */
export function loadPython(): PythonAddon {
  try {
    return loadAddon<PythonAddon>('l2l_python');
  } catch (err) {
    if (!(err instanceof AddonNotBuiltError)) throw err;
    throw new AddonNotBuiltError(
      'l2l_python',
      err.path,
      err,
      'The build skips embedded Python when it finds no Python development files: install them (Debian: apt-get install python3-dev) and run `npm run build:native`, or run the Python optimizee in a child process (evaluation.isolation: process).',
    );
  }
}

const initialised = new WeakSet<object>();

/** A kernel addon (native/common/long_call.h), handed the error class its calls reject with on first load. */
function loadKernel<T extends { init(errorClass: new (message: string) => Error): void }>(name: string): T {
  const addon = loadAddon<T>(name);
  if (!initialised.has(addon)) {
    addon.init(KernelError);
    initialised.add(addon);
  }
  return addon;
}

/** The relaxation kernel (native/relax). */
export function loadRelax(): RelaxAddon {
  return loadKernel<RelaxAddon>('l2l_relax');
}

/** The spiking network simulator (native/snn). */
export function loadSnn(): SnnAddon {
  return loadKernel<SnnAddon>('l2l_snn');
}

/** NetLogo's Ants model, many colonies per call (native/ants). */
export function loadAnts(): AntsAddon {
  return loadKernel<AntsAddon>('l2l_ants');
}

/** The neural-mass network kernel (native/tvb). */
export function loadTvb(): TvbAddon {
  return loadKernel<TvbAddon>('l2l_tvb');
}

/** Single cells through Arbor's C++ API (native/arbor); its status() says whether the build has Arbor. */
export function loadArbor(): ArborAddon {
  return loadKernel<ArborAddon>('l2l_arbor');
}
