/** The addon loader and the JS-owned error classes, without starting MPI. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AddonNotBuiltError, MpiError } from '../../src/native/errors.js';
import { addonPath, loadAddon, loadMpi, packageRoot } from '../../src/native/loader.js';

t.test('finds the package root and the addon path from src/', async (t) => {
  t.ok(existsSync(join(packageRoot(), 'package.json')));
  t.equal(addonPath('l2l_mpi'), join(packageRoot(), 'build', 'Release', 'l2l_mpi.node'));
});

t.test('a missing addon names the file and the build command', async (t) => {
  const error = t.throws(() => loadAddon('l2l_not_built')) as AddonNotBuiltError;
  t.type(error, AddonNotBuiltError);
  t.match(error.message, addonPath('l2l_not_built'));
  t.match(error.message, 'npm run build:native');
});

t.test('loads the MPI addon once, without initializing MPI', async (t) => {
  const mpi = loadMpi();
  t.equal(loadMpi(), mpi, 'cached');
  t.type(mpi.init, 'function');
  t.equal(mpi.initialized(), false);
  t.match(mpi.libraryVersion(), /Open MPI/);
  t.throws(() => mpi.world(), /not initialized/);
  t.throws(() => mpi.init('bogus' as 'single', MpiError), RangeError);
});

t.test('MpiError carries the fields and says where it happened', async (t) => {
  const info = { errorClass: 'MPI_ERR_RANK', errorCode: 6, call: 'MPI_Isend', rank: 2, size: 4, host: 'node7' };
  const error = new MpiError('MPI_ERR_RANK: invalid rank', info);
  t.type(error, Error);
  t.match(error, { name: 'MpiError', ...info });
  t.equal(error.message, 'MPI_Isend: MPI_ERR_RANK: invalid rank (rank 2 of 4 on node7)');
  t.match(new MpiError('x', { ...info, rank: -1, size: 0, host: '' }).message, 'before MPI init');
});
