/**
 * The job over MPI: world communicator, MPI transport, rank 0's decisions shared by broadcast.
 * Loaded only when the run is under mpirun (or --transport mpi), so single-process runs need no MPI.
 */
import { abort, bcast, finalizeMpi, initMpi } from '../runtime/mpi.js';
import { MpiTransport } from '../runtime/mpi-transport.js';
import type { Job } from './job.js';

export function openMpiJob(): Job {
  const ctx = initMpi({ threadLevel: 'funneled' });
  const transport = new MpiTransport({ comm: ctx.world });
  return {
    kind: 'mpi',
    rank: ctx.rank,
    size: ctx.size,
    transport,
    share: (data) => bcast(ctx.world, data, 0),
    async close() {
      await transport.close();
      finalizeMpi();
    },
    abort: (code) => abort(code),
  };
}
